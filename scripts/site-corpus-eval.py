#!/usr/bin/env python3
"""Many pages per site: how much furniture the dedup stage's per-site repeated lines (`[dedup] lines`) catch.

usage: site-corpus-eval.py [--docclean BUILD/docclean] [--pages DIR] [--split tune|check] [--variants K] [--conf INI]

A real crawl holds thousands of pages per host; pages-dev holds one. This builds a corpus with K page variants per
page of the given split (default tune): every variant keeps the page's junk lines (B) where they are and the host
(`url` from index.tsv), and takes its content lines (C) from another page of the split, so the host's furniture
repeats across K documents while the text differs. It runs the pipeline twice (dedup `lines` on and off) and
prints, over all variants, the junk lines removed and the content lines lost (Han-string comparison as score.py:
a line counts as removed when its Han characters no longer occur in the document's output). Nothing is written
outside a temporary directory; page text never leaves it.
"""
import importlib.util, json, os, re, subprocess, sys, tempfile

HAN = re.compile(r"[\u3400-\u9fff]")


def han(t):
    return "".join(HAN.findall(t))


def args(argv):
    a = {"docclean": "build/docclean", "pages": "../shared/pages-dev", "split": "tune", "variants": "6",
         "conf": "conf/default.ini"}
    for i in range(0, len(argv), 2):
        a[argv[i].lstrip("-")] = argv[i + 1]
    return a


def load(a):
    split = dict(l.rstrip("\n").split("\t")[:2] for l in open(os.path.join(a["pages"], "split.tsv"), encoding="utf-8"))
    url = {}
    for l in open(os.path.join(a["pages"], "index.tsv"), encoding="utf-8"):
        f = l.rstrip("\n").split("\t")
        if len(f) > 1:
            url[f[0]] = f[1]
    pages = []
    for name in sorted(n for n, s in split.items() if s == a["split"]):
        rows = [l.split("\t", 1) for l in open(os.path.join(a["pages"], "gold", name[:-4] + ".labels"),
                                               encoding="utf-8").read().split("\n") if "\t" in l]
        pages.append((name, url.get(name, "http://unknown.invalid/"), rows))
    return pages


def build(pages, k):
    docs, truth = [], {}
    contents = [[t for lab, t in rows if lab == "C"] for _, _, rows in pages]
    for i, (name, url, rows) in enumerate(pages):
        for v in range(k):
            donor = contents[(i + 1 + v * 7) % len(pages)]
            out, junk, cont, d = [], [], [], 0
            for lab, t in rows:
                if lab in ("B", "D"):
                    out.append(t)
                    junk.append(t)
                elif lab == "C":
                    if d < len(donor):
                        out.append(donor[d])
                        cont.append(donor[d])
                        d += 1
                else:
                    out.append("")
            did = "%s-%d" % (name[:-4], v)
            docs.append({"id": did, "url": url, "text": "\n".join(out)})
            truth[did] = (junk, cont)
    return docs, truth


def run(a, docs, lines_on, tmp):
    conf = os.path.join(tmp, "c%d.ini" % lines_on)
    with open(conf, "w") as f:
        f.write("include = %s\n[dedup]\nlines = %s\nexact = false\nnear = false\n"
                % (os.path.abspath(a["conf"]), "true" if lines_on else "false"))
    inp = os.path.join(tmp, "in.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    out = os.path.join(tmp, "out%d.jsonl" % lines_on)
    subprocess.run([a["docclean"], "run", "-q", "-c", conf, "-o", out, "--rejects", out + ".rej", inp], check=True)
    return {json.loads(l)["id"]: json.loads(l)["text"] for l in open(out, encoding="utf-8") if l.strip()}


def measure(outs, truth, sc):
    """sc: pages-dev's score.py module (OpenCC t2s and pinyin-free Han strings, as the scorer compares)."""
    jg = jt = cl = ct = 0
    ids = sorted(truth)
    simp = dict(zip(ids, sc.t2s_all([outs.get(i, "") for i in ids])))
    for did in ids:
        junk, cont = truth[did]
        conv = sc.t2s_all(junk + cont)
        junk, cont = conv[:len(junk)], conv[len(junk):]
        o = sc.han(simp[did])
        han = sc.han
        for t in junk:
            h = han(t)
            if len(h) >= 2:
                jt += 1
                jg += h not in o
        for t in cont:
            h = han(t)
            if len(h) >= 2:
                ct += 1
                cl += h not in o
    return jg, jt, cl, ct


def main(argv):
    a = args(argv)
    spec = importlib.util.spec_from_file_location("score", os.path.join(a["pages"], "score.py"))
    sc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    pages = load(a)
    docs, truth = build(pages, int(a["variants"]))
    with tempfile.TemporaryDirectory() as tmp:
        for on in (0, 1):
            jg, jt, cl, ct = measure(run(a, docs, on, tmp), truth, sc)
            print("dedup lines %-3s: junk lines removed %.3f (%d/%d), content lines lost %.4f (%d/%d); %d docs, %s split"
                  % ("on" if on else "off", jg / max(1, jt), jg, jt, cl / max(1, ct), cl, ct, len(docs), a["split"]))


if __name__ == "__main__":
    main(sys.argv[1:])
