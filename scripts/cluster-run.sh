#!/usr/bin/env bash
# cluster-run.sh - run every phase of a sharded docclean run on this machine
# (or, with a shared OUT, from any host), without Slurm: map phases as N
# shard tasks, reduce phases as their tasks, P at a time (xargs -P), then the
# merge.  Finished tasks have completion markers and are skipped, so running
# the same command again after a failure or a kill resumes the run.
#
#   scripts/cluster-run.sh [-P PARALLEL] [-j THREADS] [-c CONF] -n SHARDS -o OUT INPUT...
#
# The result is OUT/final.jsonl (and OUT/report.json), byte-identical to `docclean run` over the
# same inputs.  DOCCLEAN names the binary (default: docclean on PATH, or the
# build next to this script).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
D=${DOCCLEAN:-}
[ -n "$D" ] || { if [ -x "$here/build/docclean" ]; then D=$here/build/docclean; else D=docclean; fi; }
P=$(nproc 2>/dev/null || echo 1); J=1; C=(); N=; OUT=
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "P:j:c:n:o:h" o; do
  case $o in
    P) P=$OPTARG ;; j) J=$OPTARG ;; c) C=(-c "$OPTARG") ;; n) N=$OPTARG ;; o) OUT=$OPTARG ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$N" ] && [ -n "$OUT" ] && [ $# -gt 0 ] || usage
plan=$("$D" cluster plan "${C[@]}" --shards "$N")
while read -r phase kind tasks output; do
  echo "cluster-run: phase $phase ($kind, $tasks task(s))" >&2
  if [ "$kind" = map ]; then
    flag=(); [ "$phase" = shards ] || flag=(--cluster-phase "$phase")
    seq 0 $((tasks - 1)) | xargs -P "$P" -I{} "$D" run -q "${C[@]}" "${flag[@]}" --shard "{}/$N" \
      -j "$J" --no-progress -o "$OUT" -- "$@"
  else
    seq 0 $((tasks - 1)) | xargs -P "$P" -I{} "$D" cluster "$phase" -q --task "{}/$tasks" --shards "$N" \
      "${C[@]}" "$OUT"
  fi
done <<< "$plan"
"$D" merge "$OUT" -o "$OUT/final.jsonl"
"$D" slurm report "$OUT" --shards "$N"
rm -f "$OUT"/spool/*.spool; rmdir "$OUT/spool" 2>/dev/null || true   # the map phases' spools
echo "cluster-run: $OUT/final.jsonl, report $OUT/report.json and $OUT/report.html" >&2
