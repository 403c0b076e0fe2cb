#!/usr/bin/env bash
# bench_e2e.sh BUILD - end-to-end throughput of the default pipeline (issue 10).
#
# Data (generated, seeded, never committed): bench/data/e2e_sSEED_MBmb.jsonl,
# BENCH_E2E_MB (default 1024) MB of JSONL pages from bench/gen_corpus.py
# (seed BENCH_E2E_SEED, default 1), generated once and kept.
#
# Measures in one run, on the same bytes:
#   - `cat FILE > /dev/null` (page cache warm);
#   - `docclean run -c conf/default.ini` at -j1 and -j2 (best of
#     BENCH_E2E_REPS, default 2): wall, CPU, MB/s, MB/s per core, peak RSS
#     (/usr/bin/time %M), the -j2/-j1 speed-up, and whether the two outputs
#     are the same bytes;
#   - per-stage seconds and MB/s from the -j1 run's --stats JSON;
#   - OpenCC's CLI (opencc -c t2s.json) against a t2s-only docclean run on the
#     text of the first BENCH_E2E_OPENCC_MB (default 64) MB of the corpus;
#   - as root, with a local Slurm cluster (scripts/slurm-local.sh):
#     `docclean slurm submit --tasks 2` on the same corpus file, and on it
#     split into BENCH_E2E_PARTS (8) files (shards are whole files): wall
#     time against `docclean run -j2` of the same input, and cmp of
#     final.jsonl with that run's output.
# Goals (PASS/MISS, the script never fails for a missed goal): >= 20 MB/s per
# core end to end, -j2 >= 1.8x -j1, peak RSS < 1 GB at -j2.
# The summary table is printed and written to bench/results/e2e.md.
# BENCH_E2E_SLURM=0 skips the Slurm part.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MB=${BENCH_E2E_MB:-1024}
SEED=${BENCH_E2E_SEED:-1}
OCMB=${BENCH_E2E_OPENCC_MB:-64}
D=bench/data
W=$D/e2e_work
mkdir -p "$D" bench/results
[ -x "$BUILD/docclean" ] || { echo "no $BUILD/docclean: run make first"; exit 1; }
rm -rf "$W" && mkdir -p "$W"
# Every run uses a private copy of the binary and plugins, so that a rebuild
# of BUILD during the (long) bench cannot mix two builds.  conf/ is linked
# beside it: docclean finds its data dir (conf/sites) one level up.
SNAP=$ROOT/$D/e2e_snap
rm -rf "$SNAP" && mkdir -p "$SNAP/build" && cp -a "$BUILD/docclean" "$BUILD/plugins" "$SNAP/build/" &&
  ln -s "$ROOT/conf" "$SNAP/conf" || exit 1
DC=$SNAP/build/docclean
BUILT=$(date -u -r "$BUILD/docclean" '+%H:%M:%S UTC')

C=$D/e2e_s${SEED}_${MB}mb.jsonl
if [ ! -f "$C" ]; then
  echo "generating $MB MB corpus (seed $SEED) ..."
  s=$(date +%s.%N)
  python3 bench/gen_corpus.py --seed "$SEED" --mb "$MB" -o "$C" || exit 1
  echo "  generated in $(echo "$(date +%s.%N) - $s" | bc -l | xargs printf %.0f) s"
fi
BYTES=$(stat -c %s "$C")
DOCS=$(wc -l < "$C")

mbps() { echo "scale=2; $1 / 1000000 / $2" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
ge() { [ "$(echo "$1 >= $2" | bc -l)" = 1 ]; }

# timed NAME CMD... : runs CMD once (stdout+stderr to $W/NAME.log) and sets
# WALL, CPU (user+sys s), RSS (peak KB), RC.
timed() {
  local name=$1 u s; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$W/$name.time" "$@" > "$W/$name.log" 2>&1
  else # peak RSS of the child from getrusage, the same number time(1) reports
    python3 -c 'import resource, subprocess, sys, time
t = time.time(); rc = subprocess.call(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=subprocess.STDOUT)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f %.2f %.2f %d" % (time.time() - t, r.ru_utime, r.ru_stime, r.ru_maxrss), file=sys.stderr)
sys.exit(rc)' "$W/$name.log" "$@" 2> "$W/$name.time"
  fi
  RC=$?
  read -r WALL u s RSS < <(tail -1 "$W/$name.time")
  CPU=$(echo "$u + $s" | bc -l)
  if [ "$RC" != 0 ]; then echo "  !! $name exited $RC:"; tail -5 "$W/$name.log" | sed 's/^/     /'; fi
}

REV="$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo ' + uncommitted changes'), binary built $BUILT"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'corpus %s: %d docs, %.1f MB, seed %s; %s cores; %s; load average %s\n' "$C" "$DOCS" "$(echo "$BYTES / 1000000" | bc -l)" \
  "$SEED" "$(nproc)" "$REV" "$(cut -d' ' -f1-3 /proc/loadavg)"

# 1. cat, best of 3 (page cache warm)
cat "$C" > /dev/null
CAT_WALL=
for _ in 1 2 3; do
  w=$( { TIMEFORMAT=%3R; time cat "$C" > /dev/null; } 2>&1 )
  if [ -z "$CAT_WALL" ] || [ "$(echo "$w < $CAT_WALL" | bc -l)" = 1 ]; then CAT_WALL=$w; fi
done
CAT=$(mbps "$BYTES" "$CAT_WALL")
printf '%-34s %7.3f s  %8.1f MB/s\n' "cat FILE > /dev/null" "$CAT_WALL" "$CAT"

# 2. the default pipeline at -j1 and -j2
# BENCH_E2E_REPS (default 2) runs each, alternating -j1 and -j2; the fastest
# wall time of each counts (with its CPU time), peak RSS is the largest seen.
REPS=${BENCH_E2E_REPS:-2}
declare -A R_WALL R_CPU R_RSS R_RC
for rep in $(seq "$REPS"); do
  for j in 1 2; do
    timed j$j "$DC" run -c conf/default.ini -q -j $j -o "$W/j$j.jsonl" --rejects "$W/j$j.rejects.jsonl" \
      --stats "$W/j$j.stats.json" "$C"
    printf '%-34s %7.2f s  %8.1f MB/s  %6.1f MB/s/core  cpu %7.2f s  peak RSS %5d MB\n' \
      "docclean run default -j$j (run $rep)" "$WALL" "$(mbps "$BYTES" "$WALL")" "$(echo "$(mbps "$BYTES" "$WALL") / $j" | bc -l)" \
      "$CPU" $((RSS / 1024))
    if [ -z "${R_WALL[$j]:-}" ] || [ "$(echo "$WALL < ${R_WALL[$j]}" | bc -l)" = 1 ]; then
      R_WALL[$j]=$WALL R_CPU[$j]=$CPU
      cp "$W/j$j.stats.json" "$W/j$j.best.stats.json"
    fi
    [ "${R_RSS[$j]:-0}" -ge "$RSS" ] || R_RSS[$j]=$RSS
    [ "${R_RC[$j]:-0}" != 0 ] || R_RC[$j]=$RC
  done
done
J1=$(mbps "$BYTES" "${R_WALL[1]}") J2=$(mbps "$BYTES" "${R_WALL[2]}")
J1CPU=$(mbps "$BYTES" "${R_CPU[1]}") J2CPU=$(mbps "$BYTES" "${R_CPU[2]}")
SPEEDUP=$(ratio "${R_WALL[1]}" "${R_WALL[2]}")
if cmp -s "$W/j1.jsonl" "$W/j2.jsonl"; then SAME=yes; else SAME="NO (outputs differ)"; fi
KEPT=$(wc -l < "$W/j1.jsonl") REJ=$(wc -l < "$W/j1.rejects.jsonl")
printf '  -j2/-j1 speed-up %.2fx; -j1' "$SPEEDUP"; echo " and -j2 outputs identical: $SAME; kept $KEPT, rejected $REJ of $DOCS"

# 2a. one core: -j1 pinned to CPU 0 with taskset.  An unpinned -j1 still
# uses more than one core (reader, ordered and writer threads next to the
# worker), so this is the honest "per core" figure and the base of the
# scaling ratio.
PIN_WALL=NA PIN=NA PSPEEDUP=NA
if command -v taskset > /dev/null; then
  timed pin taskset -c 0 "$DC" run -c conf/default.ini -q -j 1 -o "$W/pin.jsonl" --rejects "$W/pin.rejects.jsonl" "$C"
  PIN_WALL=$WALL PIN=$(mbps "$BYTES" "$WALL") PSPEEDUP=$(ratio "$WALL" "${R_WALL[2]}")
  cmp -s "$W/pin.jsonl" "$W/j1.jsonl" || SAME="NO (pinned run differs)"
  printf '%-34s %7.2f s  %8.1f MB/s  (-j2 on 2 cores is %.2fx this)\n' "default -j1 on one core (taskset)" "$WALL" "$PIN" "$PSPEEDUP"
  rm -f "$W"/pin.*
fi

# 2b. the same without the dedup stage (the one stage that is not
# DC_PLUGIN_CONCURRENT): how the concurrent stages alone scale.
printf '[pipeline]\ninclude = %s/conf/default.ini\nstages = %s\n' "$ROOT" \
  "$(python3 -c 'import json, sys; print(", ".join(s["name"] for s in json.load(open(sys.argv[1]))["stages"] if s["name"] != "dedup"))' "$W/j1.stats.json")" \
  > "$W/nodedup.ini"
declare -A N_WALL
for j in 1 2; do
  timed nd$j "$DC" run -c "$W/nodedup.ini" -q -j $j -o "$W/nd$j.jsonl" "$C"
  N_WALL[$j]=$WALL
  printf '%-34s %7.2f s  %8.1f MB/s  %6.1f MB/s/core  cpu %7.2f s  peak RSS %5d MB\n' \
    "default without dedup -j$j" "$WALL" "$(mbps "$BYTES" "$WALL")" "$(echo "$(mbps "$BYTES" "$WALL") / $j" | bc -l)" "$CPU" $((RSS / 1024))
done
rm -f "$W"/nd?.jsonl*
NSPEEDUP=$(ratio "${N_WALL[1]}" "${N_WALL[2]}")
printf '  without dedup: -j2/-j1 speed-up %.2fx\n' "$NSPEEDUP"

# 3. per-stage breakdown from the -j1 stats (one thread: stage seconds are
# that thread's time in the stage; the rest is reading, parsing, writing).
python3 - "$W/j1.best.stats.json" "${R_WALL[1]}" "$W/j2.best.stats.json" > "$W/stages.md" <<'PY'
import json, sys
st = json.load(open(sys.argv[1])); wall = float(sys.argv[2])
st2 = json.load(open(sys.argv[3]))
tot = sum(s["seconds"] for s in st["stages"])
print("| stage | docs in | dropped | MB in | seconds (-j1) | % of -j1 wall | stage MB/s | seconds (-j2, summed) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s, s2 in zip(st["stages"], st2["stages"]):
    sec = s["seconds"]
    print("| %s | %d | %d | %.1f | %.2f | %.1f%% | %.1f | %.2f |" % (
        s["name"], s["docs_in"], s["dropped"], s["bytes_in"] / 1e6, sec, 100 * sec / wall,
        s["bytes_in"] / 1e6 / sec if sec > 0 else 0, s2["seconds"]))
print("| *all stages* | | | | %.2f | %.1f%% | %.1f | %.2f |" % (tot, 100 * tot / wall, st["totals"]["bytes_in"] / 1e6 / tot,
      sum(s["seconds"] for s in st2["stages"])))
print("| *outside stages (read, decode, JSON, write)* | | | | %.2f | %.1f%% | | |" % (wall - tot, 100 * (wall - tot) / wall))
PY
echo; echo "per-stage breakdown (-j1 --stats):"; cat "$W/stages.md"; echo

# 4. OpenCC's CLI vs docclean t2s-only, on the text of the first OCMB MB.
# The slice's texts, one per document separated by a blank line, go to a
# plain file for opencc; docclean reads the slice JSONL (same texts).
head -c $((OCMB * 1000000)) "$C" | python3 -c '
import json, sys
lines = sys.stdin.buffer.read().split(b"\n")[:-1]  # drop a partial last line
with open(sys.argv[1], "wb") as j, open(sys.argv[2], "w", encoding="utf-8") as t:
    for l in lines:
        j.write(l + b"\n")
        t.write(json.loads(l)["text"] + "\n\n")' "$W/slice.jsonl" "$W/slice.txt"
SL_TXT=$(stat -c %s "$W/slice.txt")
printf '[pipeline]\nstages = t2s\n[t2s]\nconfig = t2s\n' > "$W/t2s_only.ini"
OC=NA OCRSS=0 DCT=NA DCT_STAGE=NA T2S_SAME="not compared"
if command -v opencc > /dev/null; then
  timed opencc opencc -c t2s.json -i "$W/slice.txt" -o "$W/slice.opencc.txt"
  OC=$(mbps "$SL_TXT" "$WALL") OC_WALL=$WALL OCRSS=$RSS
fi
timed t2s "$DC" run -c "$W/t2s_only.ini" -q -j1 -o "$W/slice.t2s.jsonl" --stats "$W/t2s.stats.json" "$W/slice.jsonl"
DCT=$(mbps "$SL_TXT" "$WALL") DCT_WALL=$WALL
DCT_STAGE=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["stages"][0]; print("%.1f" % (s["bytes_in"] / 1e6 / s["seconds"]))' "$W/t2s.stats.json")
if [ "$OC" != NA ]; then
  python3 -c '
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as t:
    for l in open(sys.argv[1], encoding="utf-8"):
        t.write(json.loads(l)["text"] + "\n\n")' "$W/slice.t2s.jsonl" "$W/slice.t2s.txt"
  T2S_SAME=$(python3 -c '
import sys
a = open(sys.argv[1], encoding="utf-8").read().split("\n")
b = open(sys.argv[2], encoding="utf-8").read().split("\n")
if a == b:
    print("identical")
else:
    d = [x for x, y in zip(a, b) if x != y]
    print("DIFFERENT: %d of %d lines differ (%d of them mojibake lines with U+FFFD)%s" % (
        len(d), len(a), sum("\ufffd" in x for x in d), "" if len(a) == len(b) else ", line counts differ"))' \
    "$W/slice.t2s.txt" "$W/slice.opencc.txt")
  printf '%-34s %7.2f s  %8.1f MB/s  peak RSS %5d MB  (%.1f MB of text)\n' "opencc -c t2s.json" "$OC_WALL" "$OC" $((OCRSS / 1024)) "$(echo "$SL_TXT / 1000000" | bc -l)"
fi
printf '%-34s %7.2f s  %8.1f MB/s  (stage alone: %s MB/s); text vs opencc: %s\n' "docclean run t2s-only -j1" "$DCT_WALL" "$DCT" "$DCT_STAGE" "$T2S_SAME"

# 5. docclean slurm --tasks 2 on a local cluster: the single corpus file
# (cut into 64 MiB chunks that alternate between the tasks), and the corpus
# split into BENCH_E2E_PARTS (default 8) files, each against a `docclean run
# -j2` of the same input.  The report's per-phase task times give the
# breakdown that the 200 TB projection in docs/scale-out.md scales up.
# slurm_run NAME REF_OUTPUT REF_WALL INPUT...: sets S_STATUS S_WALL S_RATIO S_SAME
slurm_run() {
  local name=$1 ref=$2 refwall=$3 out=$ROOT/$W/slurm-$1 s limit; shift 3
  S_STATUS=ok S_WALL=NA S_RATIO=NA S_SAME=NA
  s=$(date +%s.%N)
  if ! "$DC" slurm submit -c conf/default.ini --tasks 2 --out "$out" "$@" > "$W/slurm-$name.submit" 2>&1; then
    S_STATUS="FAILED: submit: $(tail -1 "$W/slurm-$name.submit")"; sed 's/^/  /' "$W/slurm-$name.submit"; return
  fi
  limit=$(echo "${R_WALL[1]} * 4 + 300" | bc | cut -d. -f1)
  S_STATUS="timed out after $limit s"
  while [ "$(echo "$(date +%s.%N) - $s < $limit" | bc -l)" = 1 ]; do
    if [ -f "$out/final.done" ]; then S_STATUS=ok; break; fi
    "$DC" slurm status "$out" > "$W/slurm-$name.status" 2>&1
    if grep -qE '(^|[^0-9])[1-9][0-9]* failed' "$W/slurm-$name.status"; then
      S_STATUS="FAILED: $(grep -m1 'failed (' "$W/slurm-$name.status" | sed 's/^ *//')"; break
    fi
    sleep 0.5
  done
  S_WALL=$(echo "$(date +%s.%N) - $s" | bc -l | xargs printf %.2f)
  "$DC" slurm status "$out" > "$W/slurm-$name.status" 2>&1
  if [ "$S_STATUS" != ok ]; then
    echo "docclean slurm ($name): $S_STATUS"; sed 's/^/  /' "$W/slurm-$name.status"
    for l in "$out"/logs/*; do [ -f "$l" ] && { echo "  == $l"; tail -5 "$l" | sed 's/^/    /'; }; done
    return
  fi
  S_RATIO=$(ratio "$S_WALL" "$refwall")
  if cmp -s "$out/final.jsonl" "$ref"; then S_SAME=yes
  else S_SAME="NO: final.jsonl has $(wc -l < "$out/final.jsonl") docs, docclean run -j2 $(wc -l < "$ref")"; fi
  printf '%-34s %7.2f s  %8.1f MB/s  (%.2fx its docclean run -j2 wall); final.jsonl = -j2 output: %s\n' \
    "docclean slurm --tasks 2 ($name)" "$S_WALL" "$(mbps "$BYTES" "$S_WALL")" "$S_RATIO" "$S_SAME"
  python3 -c 'import glob, json, sys
d = json.load(open(sys.argv[1])); t = d["totals"]
print("  report.json: shard seconds summed %.1f, slowest shard %.1f s; docs in per shard: %s" % (
    t.get("seconds", 0), t.get("max_shard_seconds", d.get("max_shard_seconds", 0)),
    ", ".join(str(json.load(open(f))["totals"]["docs_in"]) for f in sorted(glob.glob(sys.argv[2] + "/shards/*.stats.json")))))' \
    "$out/report.json" "$out" 2>&1 | sed 's/^Traceback.*/  (report.json not readable)/' | head -1
  python3 - "$out/report.json" "$BYTES" "$name" > "$W/cluster-$name.md" <<'PY' || true
import json, sys
d = json.load(open(sys.argv[1])); gb = int(sys.argv[2]) / 1e9; c = d.get("cluster", {})
order = ["lines", "linewin", "linecount", "sign", "exact", "bands", "verify", "decide"]
ph = c.get("phases", {})
print("Phases of `docclean slurm --tasks 2` (%s), from its report.json: task seconds summed over tasks, per GB of input." % sys.argv[3])
print()
print("| phase | tasks | seconds (sum) | slowest task | CPU-s per GB |")
print("| --- | ---: | ---: | ---: | ---: |")
tot = 0
for k in sorted(ph, key=lambda k: order.index(k) if k in order else 99):
    v = ph[k]; tot += v["seconds"]
    print("| %s | %d | %.2f | %.2f | %.2f |" % (k, v["tasks"], v["seconds"], v["max_task_seconds"], v["seconds"] / gb))
a = d["totals"]["seconds"]; tot += a
print("| apply (shards) | %d | %.2f | %.2f | %.2f |" % (d.get("shards", 0), a, d["totals"].get("max_shard_seconds", 0), a / gb))
print("| *all phases* | | %.2f | | %.2f |" % (tot, tot / gb))
print()
ib = c.get("intermediate_bytes", {})
print("Intermediate files: %s bytes per input document (%s)." % (
    "%.0f" % c.get("intermediate_bytes_per_doc", 0),
    ", ".join("%s %.1f MB" % (k, v / 1e6) for k, v in ib.items() if k != "total")))
PY
}
PARTS=${BENCH_E2E_PARTS:-8}
declare -A SL_STATUS SL_WALL SL_RATIO SL_SAME
SL_STATUS[file]="skipped" SL_STATUS[parts]="skipped"
P2_WALL=NA P2_SAME=NA
if [ "${BENCH_E2E_SLURM:-1}" = 0 ]; then SL_STATUS[file]="skipped (BENCH_E2E_SLURM=0)" SL_STATUS[parts]=${SL_STATUS[file]}
elif [ "$(id -u)" != 0 ]; then SL_STATUS[file]="skipped (not root)" SL_STATUS[parts]=${SL_STATUS[file]}
else
  CL=$(mktemp -d /tmp/dc-e2e.XXXXXX)
  stop_cluster() { bash "$ROOT/scripts/slurm-local.sh" stop "$CL" > /dev/null 2>&1; rm -rf "$CL"; }
  trap stop_cluster EXIT
  trap 'exit 143' TERM INT HUP
  if env_line=$(bash scripts/slurm-local.sh start "$CL" 2> "$W/slurm-start.err"); then
    eval "$env_line"
    slurm_run file "$W/j2.jsonl" "${R_WALL[2]}" "$C"
    SL_STATUS[file]=$S_STATUS SL_WALL[file]=$S_WALL SL_RATIO[file]=$S_RATIO SL_SAME[file]=$S_SAME
    PD=${C%.jsonl}.parts$PARTS
    if [ ! -d "$PD" ]; then
      mkdir -p "$PD.tmp" && split -n l/$PARTS -d -a 3 --additional-suffix=.jsonl "$C" "$PD.tmp/part" && mv "$PD.tmp" "$PD"
    fi
    timed p2 "$DC" run -c conf/default.ini -q -j 2 -o "$W/p2.jsonl" "$PD"
    P2_WALL=$WALL
    printf '%-34s %7.2f s  %8.1f MB/s  peak RSS %5d MB\n' "docclean run -j2 ($PARTS part files)" "$WALL" "$(mbps "$BYTES" "$WALL")" $((RSS / 1024))
    if cmp -s <(python3 -c 'import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["text"])' "$W/p2.jsonl" | md5sum) <(python3 -c 'import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["text"])' "$W/j2.jsonl" | md5sum); then P2_SAME=yes; else P2_SAME=no; fi
    echo "  kept texts equal to the single-file run: $P2_SAME"
    slurm_run parts "$W/p2.jsonl" "$P2_WALL" "$PD"
    SL_STATUS[parts]=$S_STATUS SL_WALL[parts]=$S_WALL SL_RATIO[parts]=$S_RATIO SL_SAME[parts]=$S_SAME
  else
    SL_STATUS[file]="skipped (local cluster cannot start: $(tail -1 "$W/slurm-start.err"))" SL_STATUS[parts]=${SL_STATUS[file]}
  fi
  stop_cluster; trap - EXIT
fi
for k in file parts; do [ "${SL_STATUS[$k]}" = ok ] || echo "slurm ($k): ${SL_STATUS[$k]}"; done

# 6. summary
pf() { if "$@"; then echo PASS; else echo MISS; fi; }
G1=$(pf ge "$(echo "$J1 / 1" | bc -l)" 20) G1b=$(pf ge "$(echo "$J2 / 2" | bc -l)" 20)
G2=$(pf ge "$SPEEDUP" 1.8)
G3=$(pf [ "${R_RSS[2]}" -lt 1048576 ])
{
  echo "## End-to-end throughput (bench/bench_e2e.sh)"
  echo
  printf 'Corpus: `%s`, %d docs, %.1f MB (seed %s, bench/gen_corpus.py); %s cores; commit %s; %s.\n' \
    "$C" "$DOCS" "$(echo "$BYTES / 1000000" | bc -l)" "$SEED" "$(nproc)" "$REV" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Load average at the start: $LOAD0, at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the 2 cores)."
  echo "MB = 10^6 bytes of input JSONL. docclean run: best wall of $REPS runs each (-j1/-j2 alternating); everything else one run. The machine is shared: compare ratios."
  echo
  echo "| measurement | wall s | MB/s | MB/s per core | CPU s | MB/s per CPU-s | peak RSS MB | ratio |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  printf '| cat FILE > /dev/null (best of 3) | %.3f | %.1f | | | | | |\n' "$CAT_WALL" "$CAT"
  for j in 1 2; do
    m=$(mbps "$BYTES" "${R_WALL[$j]}")
    printf '| docclean run default -j%d | %.2f | %.1f | %.1f | %.2f | %.1f | %d | cat is %.0fx faster |\n' "$j" "${R_WALL[$j]}" "$m" \
      "$(echo "$m / $j" | bc -l)" "${R_CPU[$j]}" "$(mbps "$BYTES" "${R_CPU[$j]}")" $((R_RSS[$j] / 1024)) "$(ratio "$CAT" "$m")"
  done
  printf '| -j2 / -j1 speed-up | | | | | | | %.2fx |\n' "$SPEEDUP"
  [ "$PIN" != NA ] && printf '| docclean run default -j1 pinned to one core | %.2f | %.1f | %.1f | | | | -j2 on 2 cores is %.2fx this |\n' \
    "$PIN_WALL" "$PIN" "$PIN" "$PSPEEDUP"
  for j in 1 2; do
    m=$(mbps "$BYTES" "${N_WALL[$j]}")
    printf '| default without dedup -j%d | %.2f | %.1f | %.1f | | | | |\n' "$j" "${N_WALL[$j]}" "$m" "$(echo "$m / $j" | bc -l)"
  done
  printf '| without dedup: -j2 / -j1 speed-up | | | | | | | %.2fx |\n' "$NSPEEDUP"
  if [ "$OC" != NA ]; then
    printf '| opencc -c t2s.json (%.0f MB text slice) | %.2f | %.1f | %.1f | | | %d | 1.00x |\n' "$(echo "$SL_TXT / 1000000" | bc -l)" "$OC_WALL" "$OC" "$OC" $((OCRSS / 1024))
    printf '| docclean t2s-only -j1 (same slice) | %.2f | %.1f | %.1f | | | | %.2fx opencc (stage alone %s MB/s = %.1fx) |\n' \
      "$DCT_WALL" "$DCT" "$DCT" "$(ratio "$DCT" "$OC")" "$DCT_STAGE" "$(ratio "$DCT_STAGE" "$OC")"
    printf '| default -j1 vs opencc | | | | | | | %.2fx opencc |\n' "$(ratio "$J1" "$OC")"
  fi
  for k in file parts; do
    what="1 file"; [ $k = parts ] && what="$PARTS part files"
    [ $k = parts ] && [ "$P2_WALL" != NA ] && printf '| docclean run default -j2 (%s) | %.2f | %.1f | %.1f | | | | |\n' \
      "$what" "$P2_WALL" "$(mbps "$BYTES" "$P2_WALL")" "$(echo "$(mbps "$BYTES" "$P2_WALL") / 2" | bc -l)"
    if [ "${SL_STATUS[$k]}" = ok ]; then
      printf '| docclean slurm submit --tasks 2 (%s) | %.2f | %.1f | %.1f | | | | %.2fx run -j2 wall (overhead) |\n' \
        "$what" "${SL_WALL[$k]}" "$(mbps "$BYTES" "${SL_WALL[$k]}")" "$(echo "$(mbps "$BYTES" "${SL_WALL[$k]}") / 2" | bc -l)" "${SL_RATIO[$k]}"
    else
      echo "| docclean slurm submit --tasks 2 ($what) | | | | | | | ${SL_STATUS[$k]} |"
    fi
  done
  echo
  echo "Checks: -j1 and -j2 outputs identical: $SAME; slurm final.jsonl = run -j2 output (1 file): ${SL_SAME[file]:-NA},"
  echo "($PARTS part files): ${SL_SAME[parts]:-NA}; kept texts of run -j2 on the parts = on the file: $P2_SAME;"
  for j in 1 2; do [ "${R_RC[$j]}" = 0 ] || echo "**docclean run -j$j exited ${R_RC[$j]}**;"; done
  echo "docclean t2s-only text vs opencc output on the slice: $T2S_SAME; kept $KEPT, rejected $REJ of $DOCS docs."
  echo
  echo "| goal | measured | result |"
  echo "| --- | --- | --- |"
  printf '| >= 20 MB/s per core end to end | -j1 %.1f, -j1 on one core %s, -j2 %.1f MB/s per core | -j1 %s, -j2 %s |\n' "$J1" "$PIN" "$(echo "$J2 / 2" | bc -l)" "$G1" "$G1b"
  printf '| -j2 >= 1.8x -j1 | %.2fx (-j2 on 2 cores vs -j1 pinned to 1 core: %sx) | %s |\n' "$SPEEDUP" "$PSPEEDUP" "$G2"
  printf '| peak RSS < 1 GB at -j2 | %d MB | %s |\n' $((R_RSS[2] / 1024)) "$G3"
  echo
  echo "Per-stage breakdown (from \`--stats\`; -j1 seconds are the one worker's time in each stage):"
  echo
  cat "$W/stages.md"
  for k in file parts; do [ -s "$W/cluster-$k.md" ] && { echo; cat "$W/cluster-$k.md"; }; done
} > "$W/e2e.md"
echo; cat "$W/e2e.md"
cp "$W/e2e.md" bench/results/e2e.md
echo "written: bench/results/e2e.md"
rm -rf "$W" "$SNAP"
