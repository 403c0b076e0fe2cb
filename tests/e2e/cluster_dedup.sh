# Cluster-wide dedup: a run split into shards and the dedup stage's phases
# (lines, linewin, linecount, sign, exact, bands, verify, decide, apply) gives the kept set
# and the rejects of one `docclean run`, byte for byte, for several shard
# counts and option sets (all sub-features, exact only, near only, no
# repeated lines, global line scope, a low threshold that chains clusters).
# Also: reruns skip finished tasks, a missing phase is a clear error, a
# corrupt intermediate file names itself.
. "$SRC/tests/lib.sh"
python3 - <<'PY'
import json, random, os
rng = random.Random(11)
pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领"
def para(n): return "".join(rng.choice(pool) for _ in range(n))
base = [para(300) for _ in range(30)]
site_lines = {s: [para(30), para(28)] for s in ("a.example.cn", "b.example.cn")}
os.makedirs("in/sub", exist_ok=True)
docs = []
for i in range(160):
    b = rng.choice(base) if rng.random() < 0.6 else para(300)
    k = rng.random()
    if k < 0.35: text = b
    elif k < 0.7:
        t = list(b)
        for _ in range(rng.randrange(1, 12)): t[rng.randrange(len(t))] = rng.choice(pool)
        text = "".join(t)
    else: text = para(rng.choice([8, 300]))   # some too short for MinHash
    site = rng.choice(list(site_lines))
    lines = [text[j:j + 60] for j in range(0, len(text), 60)]
    if rng.random() < 0.6: lines.insert(0, site_lines[site][0])
    if rng.random() < 0.5: lines.append(site_lines[site][1])
    docs.append({"id": "d%03d" % i, "url": "https://%s/p/%d" % (site, i), "text": "\n".join(lines)})
for f in range(9):
    with open("in/%s%02d.jsonl" % ("sub/" if f % 3 == 0 else "", f), "w") as o:
        for d in docs[f::9]: o.write(json.dumps(d, ensure_ascii=False) + "\n")
        if f == 4: o.write('{"id": "broken", "text": \n')      # a broken line: rejected by the core
# plain text files too (the whole file is one document)
for f in range(4):
    with open("in/t%d.txt" % f, "w") as o: o.write(docs[f * 7]["text"] + "\n")
PY
check() { # check NAME CONF N
  local name=$1 conf=$2 n=$3
  "$DOCCLEAN" run -q -j2 -c "$conf" -o "$name.single.jsonl" --rejects "$name.single.rej" in 2>/dev/null
  DOCCLEAN="$DOCCLEAN" bash "$SRC/scripts/cluster-run.sh" -P 2 -c "$conf" -n "$n" -o "$name.out" in 2>"$name.err" ||
    { cat "$name.err" >&2; fail "$name: cluster-run"; }
  expect_file_eq "$name.out/final.jsonl" "$name.single.jsonl"
  zstd -qdc "$name.out"/shards/*.rejects.jsonl.zst | sort > "$name.rej.sorted"
  sort "$name.single.rej" > "$name.single.rej.sorted"
  expect_file_eq "$name.rej.sorted" "$name.single.rej.sorted"
}
conf_with() { # conf_with FILE key=value...
  local f=$1; shift
  { printf '[pipeline]\nstages = normalize, dedup\n[dedup]\n'; for kv in "$@"; do echo "$kv"; done; } > "$f"
}
check default "$SRC/conf/default.ini" 4
kept=$(nlines default.single.jsonl); dups=$(grep -c '"stage":"dedup"' default.single.rej)
[ "$kept" -gt 60 ] && [ "$dups" -gt 20 ] || fail "fixture too weak: kept $kept, dedup drops $dups"
grep -q 'near duplicate' default.single.rej || fail "no near duplicates in the fixture"
grep -q 'exact duplicate' default.single.rej || fail "no exact duplicates in the fixture"
conf_with all.ini; check all1 all.ini 1; check all7 all.ini 7
python3 - all1.single.jsonl <<'PY' || fail "no repeated lines were removed in the fixture"
import json, sys
sys.exit(0 if any(json.loads(l).get("dedup_lines_removed") for l in open(sys.argv[1])) else 1)
PY
conf_with exact.ini near=false lines=false; check exact exact.ini 3
# files cut into 4 KiB chunks: one file's documents are spread over shards
{ cat all.ini; printf '[run]\nshard_chunk_bytes = 4096\n'; } > chunk.ini; check chunk chunk.ini 3
[ "$(ls chunk.out/shards/*.order | wc -l)" = 3 ] || fail "chunked run: shards"
python3 - <<'PY' || fail "no file was split over shards"
import glob, json, subprocess
seen = {}
for f in glob.glob("chunk.out/shards/*.jsonl.zst"):
    for l in subprocess.run(["zstd", "-qdc", f], capture_output=True).stdout.splitlines():
        r = json.loads(l); seen.setdefault(r.get("docclean", r)["source"], set()).add(f)
assert any(len(v) > 1 for v in seen.values()), seen
PY
conf_with near.ini exact=false; check near near.ini 3
conf_with glob.ini line_scope=global line_min_docs=3; check glob glob.ini 5
conf_with low.ini threshold=0.3 bands=20 rows=3 reduce_tasks=3; check low low.ini 4
expect_eq "low: tasks of bands" "$(ls low.out/cluster/bands | grep -c 'done$')" 20

# a second run finds every task done and changes nothing
cp all7.out/final.jsonl before.jsonl
DOCCLEAN="$DOCCLEAN" bash "$SRC/scripts/cluster-run.sh" -c all.ini -n 7 -o all7.out in 2>again.err || fail rerun
expect_contains again.err "already complete"
expect_file_eq all7.out/final.jsonl before.jsonl

# a reduce phase before its inputs exist is an error naming the file
"$DOCCLEAN" cluster decide --task 0/1 --shards 3 -c all.ini fresh.out 2>err.txt; expect_eq "decide early" $? 1
expect_contains err.txt "verified/00000.bin"
expect_contains err.txt "did the earlier phase finish?"
[ ! -e fresh.out/cluster/decide/00000.done ] || fail "marker written for a failed task"
# a corrupt intermediate file is named
printf 'garbage!' > all1.out/dedup/pairs/000.bin
"$DOCCLEAN" cluster verify --force --task 0/16 --shards 1 -c all.ini all1.out 2>err.txt; expect_eq "corrupt" $? 1
expect_contains err.txt "pairs/000.bin: not a docclean dedup file"
head -c 30 all1.out/dedup/drop/00000.bin > cut.bin; cp cut.bin all1.out/dedup/drop/00000.bin
"$DOCCLEAN" run -q -c all.ini --cluster-phase apply --force --shard 0/1 -o all1.out in 2>err.txt; expect_eq "truncated" $? 3
expect_contains err.txt "drop/00000.bin: truncated or corrupt record at byte"
"$DOCCLEAN" cluster verify --task 0/4 --shards 1 -c all.ini all1.out 2>err.txt; expect_eq "task count" $? 1
expect_contains err.txt "verify runs as reduce_tasks = 16 tasks, not 4"
# the later map phases continue from the first one's spool; without it they
# say so (and a finished run no longer needs it)
[ ! -e all1.out/spool ] || fail "spools left after the run"
"$DOCCLEAN" run -q -c all.ini --cluster-phase sign --force --shard 0/1 -o all1.out in 2>err.txt; expect_eq "no spool" $? 1
expect_contains err.txt "all1.out/spool/00000.spool: No such file or directory (did the first map phase finish?)"
# phase names are checked against the pipeline
"$DOCCLEAN" run -c all.ini --cluster-phase nope --shard 0/2 -o x in 2>err.txt; expect_eq "bad phase" $? 2
expect_contains err.txt "'nope' is not a map phase of this pipeline"
"$DOCCLEAN" run -c all.ini --cluster-phase sign -o x in 2>err.txt; expect_eq "no shard" $? 2
# keep = longest has no cluster form
conf_with longest.ini keep=longest
"$DOCCLEAN" run -c longest.ini --cluster-phase lines --shard 0/2 -o y in 2>err.txt; expect_eq "longest" $? 3
expect_contains err.txt "cluster run supports keep = first"
"$DOCCLEAN" cluster plan -c all.ini --shards 3 > plan.txt
printf 'lines map 3\nlinewin reduce 16\nlinecount reduce 16\nsign map 3\nexact reduce 16\nbands reduce 14\nverify reduce 16\ndecide reduce 1\napply map 3 output\n' > want.txt
expect_file_eq plan.txt want.txt
echo "cluster dedup: kept sets and rejects identical to one run (default, 1/3/4/5/7 shards, 6 option sets)"
