#!/usr/bin/env bash
# As you type over HTTP: every prefix of the search benchmark's as-you-type set sent alone, one
# after another, as the page's first request, to `vankien serve` on the load benchmark's index;
# each prefix the best of 3 answers, the better of two rounds. With several binaries (builds of
# other commits that read the same index), each serves the index in turn, the rounds alternate,
# and the table compares them, with the prefixes whose pages differ.
#
#   VANKIEN_BENCH_DOCS=20000 scripts/bench-typing.sh                      # this build
#   VANKIEN_BENCH_DOCS=20000 scripts/bench-typing.sh /tmp/vk-old target/release/vankien
#
# Expected runtime: about a minute a binary at 20,000 documents (382 prefixes, 3 answers each,
# two rounds) once the index is built; the first time, the release build, the corpus and the
# index (`vankien ingest`, about 100 s at 20,000 documents) come first.
#
# The index: the one `scripts/bench-load.sh` builds for the same VANKIEN_BENCH_DOCS (in
# <target>/vankien-load/docs-<docs>), or, when there is none, built there by the first binary from
# the search benchmark's generated corpus. The prefixes: the as-you-type set the search benchmark
# draws at 2,000 documents (<target>/vankien-bench/work-2000/typing.txt), written first if missing
# (`VANKIEN_BENCH_GENERATE_ONLY=1 cargo bench -p vankien-index --bench search`), or
# VANKIEN_TYPING=<file>. Needs: cargo, python3, curl. The benchmark's own as-you-type row at
# 20,000 documents comes with `scripts/bench-all.sh 20000` (about 20 minutes); this is the quick
# check of a change.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS=${VANKIEN_BENCH_DOCS:-2000}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${VANKIEN_LOAD_DIR:-$TARGET/vankien-load/docs-$DOCS}
TYPING=${VANKIEN_TYPING:-$TARGET/vankien-bench/work-2000/typing.txt}
PORT=${VANKIEN_TYPING_PORT:-18093}
BINS=("$@")
[ ${#BINS[@]} -eq 0 ] && BINS=("$TARGET/release/vankien")

if [ ${#BINS[@]} -eq 1 ] && [ "${BINS[0]}" = "$TARGET/release/vankien" ]; then
  echo "bench-typing: cargo build --release -p vankien-cli …" >&2
  (cd "$ROOT" && cargo build --release -p vankien-cli --locked >&2)
fi
for b in "${BINS[@]}"; do [ -x "$b" ] || { echo "bench-typing: $b is not an executable" >&2; exit 1; }; done
generate() {
  (cd "$ROOT" && VANKIEN_BENCH_DOCS=$1 VANKIEN_BENCH_GENERATE_ONLY=1 \
    cargo bench -p vankien-index --bench search --locked 2>/dev/null | tail -n 1)
}
if [ ! -f "$TYPING" ]; then
  [ -n "${VANKIEN_TYPING:-}" ] && { echo "bench-typing: no prefixes at $TYPING" >&2; exit 1; }
  echo "bench-typing: drawing the prefixes (the search benchmark's, 2,000 documents) …" >&2
  generate 2000 > /dev/null
  [ -f "$TYPING" ] || { echo "bench-typing: the search benchmark wrote no $TYPING" >&2; exit 1; }
fi
if [ ! -d "$WORK/index" ]; then
  echo "bench-typing: no index in $WORK: generating $DOCS documents and ingesting them with ${BINS[0]} …" >&2
  CORPUS=$(generate "$DOCS")
  [ -d "$CORPUS/docs" ] || { echo "bench-typing: no generated corpus ($CORPUS)" >&2; exit 1; }
  mkdir -p "$WORK"
  "${BINS[0]}" ingest --index "$WORK/index" --data "$WORK/data" "$CORPUS/docs" >&2
fi

OUT=$(mktemp -d)
SERVER=
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; SERVER=; }
trap 'stop; rm -rf "$OUT"' EXIT

for round in 1 2; do
  for i in "${!BINS[@]}"; do
    "${BINS[$i]}" serve --index "$WORK/index" --data "$WORK/data" --addr "127.0.0.1:$PORT" \
      > "$OUT/serve-$i.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 120); do
      curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
      kill -0 "$SERVER" 2>/dev/null || { cat "$OUT/serve-$i.log" >&2; exit 1; }
      sleep 0.5
    done
    echo "bench-typing: round $round, ${BINS[$i]} …" >&2
    python3 - "$PORT" "$TYPING" "$OUT/$i-$round.json" <<'PY'
import http.client, json, sys, time, urllib.parse
port, typing, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
prefixes = [l.rstrip("\n") for l in open(typing, encoding="utf-8") if l.strip()]
conn = http.client.HTTPConnection("127.0.0.1", port)
rows = []
for q in prefixes:
    best, body = None, None
    for _ in range(3):
        t = time.perf_counter()
        conn.request("GET", "/api/search?q=" + urllib.parse.quote(q)
                     + "&limit=10&offset=0&facets=false&group=true")
        r = conn.getresponse()
        b = r.read()
        ms = (time.perf_counter() - t) * 1000
        if r.status != 200:
            sys.exit(f"bench-typing: {q!r} answered {r.status}: {b[:200]!r}")
        best = ms if best is None else min(best, ms)
        body = b
    d = json.loads(body)
    page = [(g["doc_id"], [(h["clause_id"], round(h["score"], 3)) for h in g["hits"]])
            for g in d["groups"]["groups"]]
    rows.append({"q": q, "ms": best, "page": page})
json.dump(rows, open(out, "w"), ensure_ascii=False)
PY
    stop
  done
done

python3 - "$OUT" "$DOCS" "$TYPING" "${BINS[@]}" <<'PY'
import json, sys
out, docs, typing, bins = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
runs = [[json.load(open(f"{out}/{i}-{r}.json")) for r in (1, 2)] for i in range(len(bins))]
def best(i, k):
    return min(runs[i][0][k]["ms"], runs[i][1][k]["ms"])
n = len(runs[0][0])
print(f"as you type over HTTP, {docs} documents, {n} prefixes of {typing}, the page's first request")
print(f"{'binary':40} {'mean':>7} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7} {'>50 ms':>7}")
for i, b in enumerate(bins):
    ts = sorted(best(i, k) for k in range(n))
    print(f"{b[-40:]:40} {sum(ts)/n:7.1f} {ts[n//2]:7.1f} {ts[int(n*.9)]:7.1f} "
          f"{ts[int(n*.99)]:7.1f} {ts[-1]:7.1f} {sum(t > 50 for t in ts):7d}")
for i in range(1, len(bins)):
    differ = [runs[0][0][k]["q"] for k in range(n) if runs[0][0][k]["page"] != runs[i][0][k]["page"]]
    print(f"pages that differ from the first binary's, {bins[i][-40:]}: {len(differ)} {differ[:5]}")
slow = sorted(range(n), key=lambda k: -best(len(bins) - 1, k))[:10]
print("slowest prefixes (ms, each binary):")
for k in slow:
    print("  " + " ".join(f"{best(i, k):7.1f}" for i in range(len(bins))) + f"  {runs[0][0][k]['q']}")
PY
