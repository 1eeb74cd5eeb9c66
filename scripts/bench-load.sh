#!/usr/bin/env bash
# The HTTP load benchmark: searches and tag writes against a running `vankien serve`, with wrk.
#
#   scripts/bench-load.sh                                           # full: 2,000 documents, ~140 MB
#   VANKIEN_BENCH_DOCS=200 VANKIEN_LOAD_SECONDS=3 scripts/bench-load.sh   # quick check of the script
#
# Expected runtime on the 2-core machine: the first time, the release builds (a few minutes each
# when the dependencies are already compiled), ~10 s to generate the corpus and about a minute to
# index it; then 9 wrk runs of VANKIEN_LOAD_SECONDS (15 s by default) plus a few seconds of setup:
# about 2 minutes when the builds, corpus and index are reused. The quick mode takes well under a
# minute once built.
#
# The run, from the repository root (any working directory works):
#  1. `cargo build --release -p vankien-cli`; the scaled corpus of the search benchmark
#     (crates/index/benches/search/generate.rs) is generated or reused through
#     `VANKIEN_BENCH_GENERATE_ONLY=1 cargo bench -p vankien-index --bench search`; the index is
#     built with `vankien ingest` (timed) unless one built by this same binary from this same
#     corpus is already in $WORK (a changed binary may index differently, so it rebuilds).
#  2. `vankien serve` on a free port of 127.0.0.1, killed on exit; a fresh annotation store with
#     one annotator `bench`.
#  3. Searches: wrk rotates through ~40 mixed queries (accented, unaccented, quoted phrases,
#     document numbers, upper case), sending the page's own first request (web/js/search.js: `q`,
#     `limit=10`, `offset=0`, `group=true`, `facets=false`; the total exact up to 10,000), at 1
#     connection and at 16; then at 16 the page's second request, the counts alone (`facets=true`,
#     `exact_total=true`, `counts_only=true`), which the page sends once the first is shown; at 16
#     the page's one request before the counts moved to a second (grouped, facets on), the top 20 clauses
#     with facets (the request of the runs before 2026-12-04), both for comparison; and at 16
#     `GET /api/health`, a diagnostic row showing what the HTTP server and wrk cost with no search
#     work at all (the floor under every search figure).
#  4. Tag writes: PUT then DELETE of /api/clauses/<id>/sectors/<sector> over ~200 clause ids, in
#     passes (all PUTs of a pass, then all DELETEs), so every request changes the store; at 1
#     connection and at 8. Answers with "changed":false (a write that did nothing) are counted.
#     Then both at once: the page's first request at 16 connections while one annotator tags at
#     one (rows `search+writes` and `writes+search`), as on a team's server.
#  4b. The server stopped, one more document (`corpus/03-NQ-CP.txt`) ingested with `vankien ingest`
#     into a copy of the index: what a user adding a file waits for at this scale, open included,
#     and its peak RSS.
#  5. One table, also written to $WORK/load-report.txt, with the machine's load average before and
#     after (the machine is shared: read the figures with it), the peak memory (VmHWM) of the
#     ingest (by /usr/bin/time) and of the server over the whole run.
#
# Environment: VANKIEN_BENCH_DOCS (2000), VANKIEN_LOAD_SECONDS (15), VANKIEN_LOAD_DIR (the work
# folder $WORK, by default <target>/vankien-load/docs-<docs>), VANKIEN_BENCH_DIR (where the corpus
# is generated, by default <target>/vankien-bench), CARGO_TARGET_DIR.
# VANKIEN_LOAD_MEMORY_MIB=1024: run the ingest and the server inside a memory cgroup of that many
# MiB (the kernel's hard limit, page cache of the index files included: what a machine or container
# of that size gives), so that the run shows whether and how fast vankien works within it; the
# table then gives the cgroup's peak charge and how often the limit was hit. Needs root and the
# cgroup memory controller (v1 at /sys/fs/cgroup/memory or v2 at /sys/fs/cgroup).
# Needs: cargo, python3, wrk (`apt-get install wrk`). Installs nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS=${VANKIEN_BENCH_DOCS:-2000}
SECS=${VANKIEN_LOAD_SECONDS:-15}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${VANKIEN_LOAD_DIR:-$TARGET/vankien-load/docs-$DOCS}
BIN=$TARGET/release/vankien
# The page's first request (web/js/search.js: ten documents grouped, offset always sent, no
# facets), its second (the counts alone), and the requests of the earlier runs (the page's one
# request with facets before the counts moved to a second, the top 20 clauses before 2026-12-04), kept as rows.
SEARCH_PARAMS='limit=10&offset=0&facets=false&group=true'
COUNTS_PARAMS='limit=10&offset=0&facets=true&group=true&exact_total=true&counts_only=true'
OLD_PARAMS='limit=10&offset=0&group=true'
TOP20_PARAMS='limit=20&offset=0'

say() { printf 'bench-load: %s\n' "$*" >&2; }
# The peak anonymous memory (RssAnon, KiB: heap and stacks, without the index files mapped into
# the process, which VmHWM counts) of PID and its children, sampled every 0.1 s and written to
# FILE after each sample, until PID ends.
anon_peak() {
    local pid=$1 out=$2 peak=0 p key value _
    while kill -0 "$pid" 2>/dev/null; do
        for p in "$pid" $(pgrep -P "$pid" 2>/dev/null); do
            while read -r key value _; do
                [[ $key == RssAnon: ]] && ((value > peak)) && peak=$value
            done 2>/dev/null <"/proc/$p/status" || true
        done
        echo "$peak" >"$out"
        sleep 0.1
    done
}
die() { say "error: $*"; exit 1; }

# --- the memory limit (VANKIEN_LOAD_MEMORY_MIB) -----------------------------------------------
LIMIT_MIB=${VANKIEN_LOAD_MEMORY_MIB:-}
CG=
if [[ -n $LIMIT_MIB ]]; then
    [[ $LIMIT_MIB =~ ^[0-9]+$ && $LIMIT_MIB -gt 0 ]] || die "VANKIEN_LOAD_MEMORY_MIB=$LIMIT_MIB: not a positive number"
    if [[ -f /sys/fs/cgroup/memory/memory.limit_in_bytes || -d /sys/fs/cgroup/memory ]] \
        && [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
        CG=/sys/fs/cgroup/memory/vankien-load-$$
        mkdir "$CG" 2>/dev/null || die "cannot make the cgroup $CG (root needed)"
        echo $((LIMIT_MIB * 1024 * 1024)) >"$CG/memory.limit_in_bytes"
        CG_PEAK=$CG/memory.max_usage_in_bytes CG_HITS=$CG/memory.failcnt
    elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
        CG=/sys/fs/cgroup/vankien-load-$$
        mkdir "$CG" 2>/dev/null || die "cannot make the cgroup $CG (root needed)"
        echo $((LIMIT_MIB * 1024 * 1024)) >"$CG/memory.max"
        CG_PEAK=$CG/memory.peak CG_HITS=$CG/memory.events
    else
        die "VANKIEN_LOAD_MEMORY_MIB needs the cgroup memory controller, which this machine lacks"
    fi
fi
# Becomes the command (exec), inside the memory cgroup when there is one: call it in a subshell,
# `(limited CMD …) &`, so that `$!` is the command's own pid.
limited() {
    if [[ -n $CG ]]; then
        exec sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
    else
        exec "$@"
    fi
}
# What the cgroup saw: its peak charge (memory and page cache) in MiB and how often it hit the
# limit (v1: failcnt; v2: the `max` events).
cgroup_report() {
    [[ -n $CG ]] || return 0
    local peak hits
    peak=$(($(cat "$CG_PEAK" 2>/dev/null || echo 0) / 1024 / 1024))
    if [[ $CG_HITS == */memory.failcnt ]]; then
        hits=$(cat "$CG_HITS" 2>/dev/null || echo '?')
    else
        hits=$(awk '$1 == "max" {print $2}' "$CG_HITS" 2>/dev/null || echo '?')
    fi
    local ooms
    ooms=$(awk '$1 == "oom_kill" {print $2; exit}' "$CG/memory.oom_control" "$CG/memory.events" 2>/dev/null)
    echo "memory limit: ${LIMIT_MIB} MiB (cgroup, page cache included); peak charge ${peak} MiB, limit reached ${hits} times, processes killed for memory: ${ooms:-0}"
}
remove_cgroup() {
    [[ -n $CG && -d $CG ]] || return 0
    local i
    for ((i = 0; i < 50; i++)); do
        rmdir "$CG" 2>/dev/null && return 0
        sleep 0.1
    done
    say "could not remove the cgroup $CG"
}
trap remove_cgroup EXIT

[[ $DOCS =~ ^[0-9]+$ && $DOCS -gt 0 ]] || die "VANKIEN_BENCH_DOCS=$DOCS: not a positive number"
[[ $SECS =~ ^[0-9]+$ && $SECS -gt 0 ]] || die "VANKIEN_LOAD_SECONDS=$SECS: not a positive number"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
command -v cargo >/dev/null || die "cargo is missing"

cd "$ROOT"
mkdir -p "$WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. build, corpus, index -------------------------------------------------------------------
say "building the release binary …"
cargo build --release -p vankien-cli >&2
[[ -x $BIN ]] || die "no binary at $BIN after the build"

say "generating or reusing the corpus of $DOCS documents …"
GEN_DIR=$(VANKIEN_BENCH_DOCS=$DOCS VANKIEN_BENCH_GENERATE_ONLY=1 \
    cargo bench -p vankien-index --bench search | tail -n 1)
[[ -f $GEN_DIR/MANIFEST && -d $GEN_DIR/docs ]] || die "the generator gave no corpus (got '$GEN_DIR')"
CORPUS_MB=$(du -sbL "$GEN_DIR/docs" | awk '{printf "%.1f", $1 / 1e6}')

# The corpus folder the server is given: the generated documents (through a link) and the
# taxonomy of the repository, which `vankien serve` loads from `<corpus>/sectors.json`.
CORPUS=$WORK/corpus
mkdir -p "$CORPUS"
ln -sfn "$GEN_DIR/docs" "$CORPUS/docs"
cp "$ROOT/corpus/sectors.json" "$CORPUS/sectors.json"

INDEX=$WORK/index
STAMP="$(sha256sum <"$GEN_DIR/MANIFEST" | cut -d' ' -f1) $(sha256sum <"$BIN" | cut -d' ' -f1) limit:${LIMIT_MIB:-none}"
if [[ -d $INDEX && -f $WORK/index.stamp && $(cat "$WORK/index.stamp") == "$STAMP" ]]; then
    INGEST="reused (built earlier by this binary from this corpus)"
    say "reusing the index in $INDEX"
else
    rm -rf "$INDEX" "$WORK/index.stamp"
    say "indexing $DOCS documents into $INDEX …"
    t0=$(date +%s.%N)
    (limited /usr/bin/time -f 'INGEST_HWM_KIB %M' -o "$WORK/ingest.time" \
        "$BIN" ingest --index "$INDEX" --data "$WORK/data" "$CORPUS" >"$WORK/ingest.log" 2>&1) &
    INGEST_PID=$!
    anon_peak "$INGEST_PID" "$WORK/ingest.anon" &
    wait "$INGEST_PID" \
        || { tail -n 20 "$WORK/ingest.log" >&2; die "vankien ingest failed (log: $WORK/ingest.log)"; }
    t1=$(date +%s.%N)
    INGEST=$(python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); \
print(f'{s:.1f} s ({float(sys.argv[3])/s:.2f} MB/s)')" "$t0" "$t1" "$CORPUS_MB")
    INGEST="$INGEST, peak RSS $(awk '/^INGEST_HWM_KIB/ {printf "%.0f", $2 / 1024}' "$WORK/ingest.time") MiB"
    INGEST="$INGEST (of it heap, RssAnon: $(( $(cat "$WORK/ingest.anon" 2>/dev/null || echo 0) / 1024 )) MiB)"
    echo "$STAMP" >"$WORK/index.stamp"
fi
INDEX_MB=$(du -sb "$INDEX" | awk '{printf "%.1f", $1 / 1e6}')

# --- 2. server and user ------------------------------------------------------------------------
# A fresh store each run: the writes of an earlier run must not change what this one measures.
DATA=$WORK/data
rm -rf "$DATA"
TOKEN=$("$BIN" user add bench --role annotator --data "$DATA" --index "$INDEX" | awk '{w=$NF} END {print w}')
[[ -n $TOKEN ]] || die "vankien user add gave no token"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    remove_cgroup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting the server on $BASE …"
t0=$(date +%s.%N)
(limited "$BIN" serve --index "$INDEX" --data "$DATA" --corpus "$CORPUS" --addr "127.0.0.1:$PORT" \
    >"$WORK/serve.log" 2>&1) &
SERVER_PID=$!
anon_peak "$SERVER_PID" "$WORK/serve.anon" &
# `--corpus` re-ingests incrementally (every file is hashed): allow it time on a big corpus.
for ((i = 0; ; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -n 20 "$WORK/serve.log" >&2
        die "the server exited before answering (log: $WORK/serve.log)"
    fi
    if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "$BASE/api/health" 2>/dev/null; then
        break
    fi
    ((i < 1200)) || die "the server did not answer /api/health within 10 minutes"
    sleep 0.5
done
t1=$(date +%s.%N)
STARTUP=$(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$t0" "$t1")
say "server up after $STARTUP"

# --- wrk scripts -------------------------------------------------------------------------------
# Prints the queries' paths as a Lua table, and how many of them find nothing (a sanity check:
# a benchmark of empty answers would flatter the server).
QUERIES_LUA=$WORK/queries.lua
python3 - "$BASE" "$SEARCH_PARAMS" "$GEN_DIR/MANIFEST" "$QUERIES_LUA" >"$WORK/queries.check" <<'PY'
import json, sys, urllib.parse, urllib.request
base, params, manifest, out = sys.argv[1:5]
queries = [
    # unaccented, as most people type
    "chuyen doi so", "khoa hoc cong nghe", "doi moi sang tao", "kinh te tu nhan",
    "hoi nhap quoc te", "tinh gon bo may", "sap xep don vi hanh chinh", "nguon nhan luc",
    "nong thon moi", "bao hiem y te", "giao duc dao tao", "phong chong tham nhung",
    # accented
    "chuyển đổi số", "khoa học công nghệ", "đổi mới sáng tạo", "kinh tế tư nhân",
    "chính quyền địa phương hai cấp", "nguồn nhân lực chất lượng cao", "ngân sách nhà nước",
    "thủ tục hành chính", "trí tuệ nhân tạo", "bảo vệ môi trường", "đất đai", "an ninh quốc phòng",
    # quoted phrases
    '"đổi mới sáng tạo"', '"chuyển đổi số"', '"kinh tế tư nhân"', '"cán bộ, đảng viên"',
    '"hệ thống chính trị"',
    # document numbers, as typed
    "57-NQ/TW", "66-NQ/TW", "nghị quyết 57", "NQ 20", "69-KL/TW",
    # upper case
    "XÂY DỰNG ĐẢNG", "CÁN BỘ", "KINH TE SO", "DOANH NGHIỆP NHÀ NƯỚC",
]
# Numbers of generated documents (the MANIFEST lists them after its first line).
numbers = [l for l in open(manifest, encoding="utf-8").read().splitlines()[1:] if l.strip()]
for n in numbers[:: max(1, len(numbers) // 3)][:3]:
    queries.append(n)
paths = [f"/api/search?q={urllib.parse.quote_plus(q)}" for q in queries]
empty, failed = [], []
for q, p in zip(queries, paths):
    try:
        with urllib.request.urlopen(f"{base}{p}&{params}", timeout=60) as r:
            # A grouped answer holds its hits in its groups: `total` counts them either way.
            if not json.load(r).get("total"):
                empty.append(q)
    except Exception as e:
        failed.append(f"{q} ({e})")
with open(out, "w") as f:
    f.write("paths = {\n" + "".join(f'  "{p}",\n' for p in paths) + "}\n")
print(len(queries), len(empty), len(failed))
for q in empty:
    print("  no hit:", q, file=sys.stderr)
for q in failed:
    print("  failed:", q, file=sys.stderr)
PY
read -r NQ NEMPTY NFAILED <"$WORK/queries.check"
((NFAILED == 0)) || die "$NFAILED of $NQ queries failed before the load (see above)"

# The common part of both wrk scripts: per-thread start offsets, and one RESULT line at the end
# (latencies in µs; `status` counts answers >= 400; `noop` counts writes that changed nothing).
COMMON_LUA='
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local noop = 0
  for _, t in ipairs(threads) do noop = noop + (t:get("noop") or 0) end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d connect=%d read=%d write=%d timeout=%d noop=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout, noop))
end
'
# search_lua EXTRA_PARAMS: the searches script, with EXTRA_PARAMS appended to every request.
search_lua() {
    cat "$QUERIES_LUA"
    echo "local extra = \"$1\""
    cat <<'LUA'
local i = 0
function init(args)
  -- Threads start at different queries.
  i = (tid or 0) * 7
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1] .. extra)
end
LUA
    echo "$COMMON_LUA"
}
SEARCH_LUA=$WORK/search.lua
search_lua "&$SEARCH_PARAMS" >"$SEARCH_LUA"
search_lua "&$COUNTS_PARAMS" >"$WORK/search-counts.lua"
search_lua "&$OLD_PARAMS" >"$WORK/search-old.lua"
search_lua "&$TOP20_PARAMS" >"$WORK/search-top20.lua"
# The HTTP floor: the same server and wrk with no search work (GET /api/health).
{
    echo 'function request() return wrk.format("GET", "/api/health") end'
    echo "$COMMON_LUA"
} >"$WORK/health.lua"

# ~200 clause ids from a few searches, each path segment percent-encoded (ids contain `/`).
CLAUSES_LUA=$WORK/clauses.lua
python3 - "$BASE" "$CLAUSES_LUA" >"$WORK/clauses.count" <<'PY'
import json, sys, urllib.parse, urllib.request
base, out = sys.argv[1:3]
ids = []
for q in ["nghị quyết", "phát triển", "kinh tế", "cán bộ", "xây dựng", "quốc gia", "đảng"]:
    for offset in (0, 100):
        url = f"{base}/api/search?q={urllib.parse.quote_plus(q)}&limit=100&offset={offset}&facets=false"
        with urllib.request.urlopen(url, timeout=60) as r:
            for hit in json.load(r)["hits"]:
                if hit["clause_id"] not in ids:
                    ids.append(hit["clause_id"])
    if len(ids) >= 200:
        break
ids = ids[:200]
enc = ["/".join(urllib.parse.quote(s, safe="") for s in i.split("/")) for i in ids]
with open(out, "w") as f:
    f.write("clauses = {\n" + "".join(f'  "{e}",\n' for e in enc) + "}\n")
print(len(ids))
PY
NCLAUSES=$(cat "$WORK/clauses.count")
((NCLAUSES > 0)) || die "no clause ids found to tag"

# One writes script per sector, so that a run never meets the tags another run left behind.
write_lua() {
    local sector=$1 out=$2
    {
        cat "$CLAUSES_LUA"
        cat <<LUA
local sector = "$sector"
local token = "$TOKEN"
LUA
        cat <<'LUA'
-- Request n: pass p = n // #clauses; even passes PUT every clause, odd passes DELETE them, so a
-- DELETE comes #clauses requests after its PUT (long done at a few connections) and every
-- request changes the store. One thread only: threads do not share this counter. n starts at
-- -1 because wrk calls request() once before the run to check the script and never sends that
-- request (without this, the first clause's DELETE found nothing to delete: one no-op a run).
local n = -1
noop = 0
function request()
  local k = n % #clauses
  local method = (math.floor(n / #clauses) % 2 == 0) and "PUT" or "DELETE"
  n = n + 1
  return wrk.format(method, "/api/clauses/" .. clauses[k + 1] .. "/sectors/" .. sector,
    { ["Authorization"] = "Bearer " .. token })
end
function response(status, headers, body)
  if body and string.find(body, '"changed":false', 1, true) then noop = noop + 1 end
end
LUA
        echo "$COMMON_LUA"
    } >"$out"
}
SECTORS=($(python3 -c "import json,sys; print(' '.join(s['id'] for s in json.load(open(sys.argv[1]))['sectors'][:3]))" "$CORPUS/sectors.json"))
((${#SECTORS[@]} == 3)) || die "fewer than 3 sectors in $CORPUS/sectors.json"
write_lua "${SECTORS[0]}" "$WORK/write-a.lua"
write_lua "${SECTORS[1]}" "$WORK/write-b.lua"
write_lua "${SECTORS[2]}" "$WORK/write-c.lua"

# --- 3, 4. the runs ----------------------------------------------------------------------------
RESULTS=$WORK/results.txt
: >"$RESULTS"
run() {
    local label=$1 threads=$2 conns=$3 script=$4 log=$WORK/wrk-${1// /-}-$3.log
    local before
    before=$(wc -l <"$WORK/serve.log")
    say "wrk: $label at $conns connection(s), $SECS s …"
    wrk --latency -t"$threads" -c"$conns" -d"${SECS}s" --timeout 10s -s "$script" "$BASE" >"$log" 2>&1 \
        || { cat "$log" >&2; die "wrk failed"; }
    local line
    line=$(grep '^RESULT ' "$log") || { cat "$log" >&2; die "wrk printed no RESULT line"; }
    echo "$label conns=$conns ${line#RESULT } server5xx=$(codes_since "$before")" >>"$RESULTS"
}
# codes_since LINE: the 5xx answers the server logged after line LINE of its log, as
# `status:count,…` (`-` when none). wrk counts failed answers but not by status; the server logs
# every 5xx with its status.
codes_since() {
    local codes
    sleep 0.2
    codes=$( { tail -n +"$(($1 + 1))" "$WORK/serve.log" | grep -ao 'Status code: [0-9]*' || true; } |
        awk '{c[$3]++} END {for (k in c) printf "%s%s:%d", (n++ ? "," : ""), k, c[k]}')
    echo "${codes:--}"
}
# run_together LABEL_A THREADS_A CONNS_A SCRIPT_A LABEL_B THREADS_B CONNS_B SCRIPT_B: two wrk runs
# at once against the same server (searches and one annotator's tag writes, as on a team's
# server), one row each; the server log's 5xx counts are of both together.
run_together() {
    local before la=$1 ta=$2 ca=$3 sa=$4 lb=$5 tb=$6 cb=$7 sb=$8
    local loga=$WORK/wrk-${la// /-}-$ca.log logb=$WORK/wrk-${lb// /-}-$cb.log
    before=$(wc -l <"$WORK/serve.log")
    say "wrk: $la at $ca connection(s) and, at the same time, $lb at $cb, $SECS s …"
    wrk --latency -t"$ta" -c"$ca" -d"${SECS}s" --timeout 10s -s "$sa" "$BASE" >"$loga" 2>&1 &
    local pida=$!
    wrk --latency -t"$tb" -c"$cb" -d"${SECS}s" --timeout 10s -s "$sb" "$BASE" >"$logb" 2>&1 \
        || { wait "$pida" || true; cat "$logb" >&2; die "wrk failed"; }
    wait "$pida" || { cat "$loga" >&2; die "wrk failed"; }
    local linea lineb codes
    linea=$(grep '^RESULT ' "$loga") || { cat "$loga" >&2; die "wrk printed no RESULT line"; }
    lineb=$(grep '^RESULT ' "$logb") || { cat "$logb" >&2; die "wrk printed no RESULT line"; }
    codes=$(codes_since "$before")
    echo "$la conns=$ca ${linea#RESULT } server5xx=$codes" >>"$RESULTS"
    echo "$lb conns=$cb ${lineb#RESULT } server5xx=$codes" >>"$RESULTS"
}
# A short warm-up, not counted: the first queries fault the index files in.
wrk -t1 -c1 -d2s -s "$SEARCH_LUA" "$BASE" >/dev/null 2>&1 || true
run search 1 1 "$SEARCH_LUA"
run search 2 16 "$SEARCH_LUA"
run search-counts 2 16 "$WORK/search-counts.lua"
run search-old 2 16 "$WORK/search-old.lua"
run search-top20 2 16 "$WORK/search-top20.lua"
run health 2 16 "$WORK/health.lua"
run write 1 1 "$WORK/write-a.lua"
run write 1 8 "$WORK/write-b.lua"
# Searches at 16 connections and one annotator's tag writes at the same time (issue 14: "tag
# writes in the same run"); the writes in a third sector, which no run before touched.
run_together search+writes 2 16 "$SEARCH_LUA" writes+search 1 1 "$WORK/write-c.lua"
# The server's peak memory over the whole run (searches and writes), from the kernel.
SERVE_HWM=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status")
SERVE_ANON=$(( $(cat "$WORK/serve.anon" 2>/dev/null || echo 0) / 1024 ))
CG_LINE=$(cgroup_report)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 4b. one more document ---------------------------------------------------------------------
# What a user adding one file waits for, at this scale: `vankien ingest` of one document of the
# repository's corpus into a copy of the index (the server stopped; the run's store, so the sector
# mirror agrees with it), with its peak RSS. Opening the index and the store is part of it.
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
ONE=$WORK/index-plus-one
ONE_DOC=$ROOT/corpus/03-NQ-CP.txt
rm -rf "$ONE"
cp -r "$INDEX" "$ONE"
say "ingesting one more document into a copy of the index …"
t0=$(date +%s.%N)
(limited /usr/bin/time -f 'ONE_HWM_KIB %M' -o "$WORK/one.time" \
    "$BIN" ingest --index "$ONE" --data "$DATA" "$ONE_DOC" >"$WORK/one.log" 2>&1) \
    || { tail -n 20 "$WORK/one.log" >&2; die "vankien ingest of one document failed (log: $WORK/one.log)"; }
t1=$(date +%s.%N)
grep -q '^1 added' "$WORK/one.log" || die "the one document was not added (log: $WORK/one.log)"
ONE_FILE=$(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$t0" "$t1")
ONE_FILE="$ONE_FILE, peak RSS $(awk '/^ONE_HWM_KIB/ {printf "%.0f", $2 / 1024}' "$WORK/one.time") MiB"
rm -rf "$ONE"

# --- 5. the table ------------------------------------------------------------------------------
REPORT=$WORK/load-report.txt
python3 - "$RESULTS" >"$REPORT" <<PY
import sys
rows = []
for line in open(sys.argv[1]):
    label, *kv = line.split()
    rows.append((label, dict(x.split("=") for x in kv)))
commit = "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes')"
print(f"vankien HTTP load benchmark: commit {commit}, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), wrk {$SECS} s per run")
print(f"corpus: $DOCS generated documents, ${CORPUS_MB} MB ($GEN_DIR); index ${INDEX_MB} MB, ingest: $INGEST")
print(f"server start (incremental re-ingest of --corpus): $STARTUP; load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER")
print(f"one more document (vankien ingest of $(basename "$ONE_DOC") into a copy of the index, open included): $ONE_FILE")
print(f"server peak RSS over the whole run (VmHWM): $SERVE_HWM MiB (aim, issue 14: <= 1024: {'met' if $SERVE_HWM <= 1024 else 'NOT met'}); of it heap (peak RssAnon): $SERVE_ANON MiB, the rest the index files mapped (page cache)")
if "$CG_LINE":
    print("$CG_LINE")
print(f"searches: $NQ queries rotated ($NEMPTY find nothing), GET /api/search?q=…&$SEARCH_PARAMS (the page's first request); search-counts: &$COUNTS_PARAMS (its second); search-old: &$OLD_PARAMS (the page's one request before the counts moved to a second); search-top20: &$TOP20_PARAMS")
print(f"writes: PUT/DELETE /api/clauses/<id>/sectors/<sector> over $NCLAUSES clauses, bearer token of an annotator")
print()
head = f"{'run':<15} {'conns':>5} {'requests':>9} {'req/s':>9} {'2xx/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} {'no-op':>6} {'5xx (log)':>10}  aim"
print(head)
print("-" * len(head))
for label, r in rows:
    n = int(r["requests"]); secs = int(r["duration_us"]) / 1e6
    status = int(r["status"]); sock = sum(int(r[k]) for k in ("connect", "read", "write", "timeout"))
    rate = n / secs; ok = (n - status) / secs
    p50 = int(r["p50_us"]) / 1e3; p99 = int(r["p99_us"]) / 1e3
    aim = ""
    if label == "search-counts":
        aim = "(the page's second request: facets, exact total, no hits)"
    if label == "search-old":
        aim = "(the page's one request before the counts moved: grouped, facets)"
    if label == "search-top20":
        aim = "(the request of the runs before 2026-12-04: top 20 clauses, facets)"
    if label == "health":
        aim = "(diagnostic: GET /api/health, the HTTP floor of server and wrk)"
    if label == "write" and r["conns"] == "8":
        met = ok >= 500 and sock == 0
        aim = ">= 500 tag writes/s at 8 connections: " + ("met" if met else "NOT met")
    if label == "search" and r["conns"] == "16":
        met = ok >= 1000 and p99 < 50 and sock == 0
        aim = ">= 1,000 searches/s at p99 < 50 ms (issue 14): " + ("met" if met else "NOT met")
    if label == "search+writes":
        aim = "(the page's first request while one annotator tags, the row below)"
    if label == "writes+search":
        aim = "(one annotator's tag writes beside the row above: non-2xx should be 0)"
    noop = r["noop"] if label.startswith("write") else "-"
    print(f"{label:<15} {r['conns']:>5} {n:>9} {rate:>9.0f} {ok:>9.0f} {p50:>8.2f} {p99:>8.2f} {status:>8} {sock:>8} {noop:>6} {r['server5xx']:>10}  {aim}")
print()
print("req/s counts every answer, 2xx/s only the successful ones (the aim is judged on 2xx/s);")
print("non-2xx = answers >= 400 (wrk's count; every query answers 200 before the load); 5xx (log) = status:count")
print("of the server's log for the run (503 = overloaded: no permit within 50 ms for a search, 1 s for a write); no-op = writes")
print("answered changed:false (should be 0: every write request changes the store). search+writes and")
print("writes+search ran at the same time; their 5xx (log) counts are of both together.")
PY
cat "$REPORT"
say "report written to $REPORT"
