#!/usr/bin/env bash
# dedup: the kept set and every reject are identical for -j1 and -j2 (the
# stage runs in input order whatever the worker count), with all three
# sub-features on, on a generated corpus of originals, edited copies and
# site boilerplate.  Same for keep = longest.
set -eu
python3 - <<'PY'
import json, random
rng = random.Random(7)
pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之"
foot = ["本站所有文章均来自互联网，如有侵权请联系删除。", "版权所有：示例信息网，未经授权禁止复制。"]
docs = []
for i in range(1500):
    if docs and rng.random() < 0.3:
        src = rng.choice(docs)["text"]
        t = list(src)
        for _ in range(rng.randint(0, 12)):
            t[rng.randrange(len(t))] = rng.choice(pool)
        text = "".join(t)
    else:
        text = "一、指导思想\n" + "".join(rng.choice(pool) for _ in range(rng.randint(50, 400))) + "\n"
    site = rng.randrange(5)
    docs.append({"id": f"d{i}", "url": f"https://s{site}.cn/{i}", "text": text + foot[site % 2] + "\n"})
with open("in.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
printf '[pipeline]\nstages = dedup\n' > c.ini
"$DOCCLEAN" run -q -c c.ini -j1 -o o1.jsonl --rejects r1.jsonl in.jsonl
"$DOCCLEAN" run -q -c c.ini -j2 -o o2.jsonl --rejects r2.jsonl in.jsonl
cmp o1.jsonl o2.jsonl
cmp r1.jsonl r2.jsonl
kept=$(wc -l < o1.jsonl); dropped=$(wc -l < r1.jsonl)
[ "$kept" -gt 800 ] && [ "$dropped" -gt 200 ] || { echo "unexpected split: kept $kept dropped $dropped"; exit 1; }
grep -q '"dedup_lines_removed":1' o1.jsonl
grep -c '一、指导思想' o1.jsonl > /dev/null
# keep = longest is decided in the prepass: just as deterministic
printf '[pipeline]\nstages = dedup\n[dedup]\nkeep = longest\n' > l.ini
"$DOCCLEAN" run -q -c l.ini -j1 -o l1.jsonl --rejects lr1.jsonl in.jsonl
"$DOCCLEAN" run -q -c l.ini -j2 -o l2.jsonl --rejects lr2.jsonl in.jsonl
cmp l1.jsonl l2.jsonl
cmp lr1.jsonl lr2.jsonl
! cmp -s o1.jsonl l1.jsonl || { echo "keep=longest kept the same documents as keep=first"; exit 1; }
echo "ok: kept $kept dropped $dropped"
