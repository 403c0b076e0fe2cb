#!/usr/bin/env python3
"""Break down the junk a run leaves on the `tune` half of pages-dev, by category.

usage: bp-leftovers.py OUT.jsonl [--pages DIR] [--show]

Categories are the gold's: B lines, D lines (repeated copies) and junk spans inside content lines by span kind
(site, spam, noise, watermark, pagebreak, title). A junk item counts as left exactly as score.py counts it (its Han
string occurs in the output more often than in the gold content). This tells the ceiling of a line model: spans
are out of its reach. Only `tune` pages are read: `check` pages are for score.py alone, never for reading.
"""
import os, sys


def main(argv):
    pages, show, files = "../shared/pages-dev", False, []
    i = 0
    while i < len(argv):
        if argv[i] == "--pages":
            pages = argv[i + 1]; i += 2
        elif argv[i] == "--show":
            show = True; i += 1
        else:
            files.append(argv[i]); i += 1
    if not files:
        sys.exit(__doc__)
    sys.path.insert(0, os.path.abspath(pages))
    import score as S  # the pages' own scorer: same normalisation, same counting
    S.SPLIT = "tune"
    outs = {x.get("id"): x.get("text") or "" for x in S.read_jsonl(files[0])}
    tot, left = {}, {}
    for n in S.gold_names(pages):
        labels, _ = S.load_gold(pages, n)
        sp = os.path.join(pages, "gold", n + ".spans")
        spans = [l.split("\t", 1) for l in open(sp, encoding="utf-8").read().split("\n") if "\t" in l] \
            if os.path.exists(sp) else []
        texts = []
        for lab, t in labels:
            if lab == "C":
                for _, s in spans:
                    t = t.replace(s, S.CUT)
            texts.append(t)
        conv = S.t2s_all(texts + [s for _, s in spans] + [outs.get(n + ".txt", "")])
        lines, span_s, o = conv[:len(texts)], conv[len(texts):-1], S.han(conv[-1])
        gold_o = S.han("\n".join(t for (lab, _), t in zip(labels, lines) if lab == "C"))
        junk = [(t, lab) for (lab, _), t in zip(labels, lines) if lab in ("B", "D")] + \
               [(s, "span:" + k) for (k, _), s in zip(spans, span_s)]
        for t, cat in junk:
            h = S.han(t)
            if len(h) < 2:
                continue
            tot[cat] = tot.get(cat, 0) + 1
            if o.count(h) > gold_o.count(h):
                left[cat] = left.get(cat, 0) + 1
                if show:
                    print("%s.txt %s: %s" % (n, cat, t.strip()[:60]))
    for c in sorted(tot, key=lambda c: -tot[c]):
        print("%-15s junk %4d  left %4d" % (c, tot[c], left.get(c, 0)))
    print("%-15s junk %4d  left %4d" % ("all", sum(tot.values()), sum(left.values())))


if __name__ == "__main__":
    main(sys.argv[1:])
