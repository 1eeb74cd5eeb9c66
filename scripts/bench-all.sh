#!/usr/bin/env bash
# Every figure of the scale issue (issue 14) for one corpus size, each beside its reference, in one run.
#
#   scripts/bench-all.sh [DOCS]          # DOCS generated documents, 2,000 by default
#   VANKIEN_LOAD_SECONDS=5 scripts/bench-all.sh 200     # a quick check of the scripts
#
# Runs, one after the other so that they never share the two cores:
#  1. the search benchmark (`cargo bench -p vankien-index --bench search`) at DOCS documents: it
#     generates (or reuses) the corpus, then in child processes ingests and queries it with vankien,
#     SQLite FTS5 and bare tantivy, and ends with the "scale (issue 14)" table: the page's request
#     and the top 20 beside bare tantivy's top 10 with an exact count on vankien's clauses (mean and
#     p99), the page's request as the user types (every prefix of 40 queries), ingest MB/s beside
#     FTS5 and beside bare tantivy, and peak RSS of ingest and queries;
#  2. the ladder (`cargo bench -p vankien-index --bench ladder`) on the index and queries the search
#     benchmark left: bare tantivy's query with each part of the page's query added in turn, as
#     stock tantivy queries, then the page's request: what each part costs in the engine itself;
#     then the ingest's parts: vankien's parsing alone, tantivy indexing the parsed clauses one
#     field more a rung, vankien's ingest, beside bare tantivy's ingest of the lines;
#  3. the HTTP load benchmark (`scripts/bench-load.sh`) on the same corpus: the page's searches at
#     1 and 16 connections, tag writes at 1 and 8 in the same run, the server's and the CLI
#     ingest's peak RSS.
# The three logs are kept under $OUT (by default <target>/vankien-all/docs-DOCS); the three tables are
# printed again together at the end, with the time each step took.
#
# Expected runtime on the 2-core machine after the release builds, measured with the machine
# loaded by other builds: 4.5 minutes at 2,000 documents, 7.6 at 5,000; at 20,000 (about 1.3 GB)
# expect most of an hour (two ingests of the corpus at 4.5-8 MB/s, FTS5's queries at ~0.1-0.6 s).
# The ladder adds about 2 minutes at 2,000 documents and 15-20 at 20,000.
# Environment: as scripts/bench-load.sh (VANKIEN_LOAD_SECONDS, CARGO_TARGET_DIR, VANKIEN_BENCH_DIR).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS=${1:-${VANKIEN_BENCH_DOCS:-2000}}
[[ $DOCS =~ ^[0-9]+$ && $DOCS -gt 0 ]] || { echo "bench-all: DOCS=$DOCS: not a positive number" >&2; exit 1; }
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${VANKIEN_ALL_DIR:-$TARGET/vankien-all/docs-$DOCS}
mkdir -p "$OUT"
cd "$ROOT"
export VANKIEN_BENCH_DOCS=$DOCS

say() { printf 'bench-all: %s\n' "$*" >&2; }
now() { date +%s; }

t0=$(now)
say "search benchmark at $DOCS documents (log: $OUT/search.log) …"
cargo bench -p vankien-index --bench search 2> >(tee "$OUT/search.err" >&2) | tee "$OUT/search.log"
say "ladder at $DOCS documents (log: $OUT/ladder.log) …"
cargo bench -p vankien-index --bench ladder 2> >(tee "$OUT/ladder.err" >&2) | tee "$OUT/ladder.log"
t1=$(now)
say "HTTP load benchmark at $DOCS documents (log: $OUT/load.log) …"
scripts/bench-load.sh 2> >(tee "$OUT/load.err" >&2) | tee "$OUT/load.log"
t2=$(now)

{
    echo "vankien, every figure of issue 14 at $DOCS documents: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes'), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
    echo "search benchmark and ladder $((t1 - t0)) s, HTTP load benchmark $((t2 - t1)) s (builds, corpus and indexes included)"
    echo
    sed -n '/^scale (issue 14)/,$p' "$OUT/search.log"
    echo
    cat "$OUT/ladder.log"
    echo
    cat "$OUT/load.log"
} | tee "$OUT/report.txt"
say "report written to $OUT/report.txt"
