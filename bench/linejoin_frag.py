#!/usr/bin/env python3
"""linejoin_frag.py - fragment clean text the way PDF/PPT extraction does and
measure how much of it `linejoin` puts back.

  gen  CLEAN... --seed N --out DIR [--blank]   write DIR/NAME.txt (fragmented)
                                               and DIR/NAME.breaks (the map)
  eval DIR OUTDIR [--show]                            compare OUTDIR/NAME.txt (linejoin's
                                               output) with the map; print shares

Every line of the clean text that is not a table row is cut into runs of 1-12
characters; numbers (2023, 98.5), masks (XX, 20XX) and Latin words are runs of
their own and `%` is sometimes one too.  Each run goes on its own line.  The
breaks between runs of one clean line are layout breaks; the clean text's own
line ends are real breaks.  With --blank real breaks are blank lines (as
pdftotext writes paragraph ends).  Scoring ignores white space: a break counts
as joined when the output has no newline at that point of the text.
"""
import os, random, re, sys

TOKEN = re.compile(r"\d+(?:[.:]\d+)*|[0-9]*[Xx]{2,}|[A-Za-z]+(?:'[a-z]+)?|%|\s+|.", re.S)


# A heading or list marker stays in one run with what follows it, as in a
# PDF where the marker and the first words are set together.
ENUM = re.compile(r"^(第[一二三四五六七八九十百0-9]+[章节条款，]\s*|[一二三四五六七八九十]+[、，.]|"
                  r"（[一二三四五六七八九十0-9]+）|[0-9]+[.、）)])")


def cut_line(line, rnd):
    """Cut one clean line into runs (list of strings)."""
    m = ENUM.match(line)
    atoms = ([m.group(1)] if m else []) + TOKEN.findall(line[m.end() if m else 0:])
    runs, cur, want = [], "", rnd.randint(1, 12)
    for a in atoms:
        solo = len(a) > 1 and a[0].isdigit() and a[-1].isdigit() or a.isdigit() or a[0] in "Xx" and len(a) > 1 or a[0].isascii() and a[0].isalpha()
        if a == "%" and rnd.random() < 0.5:
            solo = True
        if a.isspace() and not cur.endswith(a):
            if cur:
                runs.append(cur)
                cur, want = "", rnd.randint(1, 12)
            continue
        if solo:
            if cur:
                runs.append(cur)
            runs.append(a)
            cur, want = "", rnd.randint(1, 12)
            continue
        cur += a
        if len(cur) >= want:
            runs.append(cur)
            cur, want = "", rnd.randint(1, 12)
    if cur:
        runs.append(cur)
    return runs


def gen(files, seed, out, blank):
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for f in files:
        name = os.path.splitext(os.path.basename(f))[0] + "-s%d" % seed
        lines = [l for l in open(f, encoding="utf-8").read().split("\n") if l.strip()]
        text, marks = [], []  # marks: "L" layout / "R" real, one per newline
        for i, line in enumerate(lines):
            runs = [line] if "\t" in line or "|" in line else cut_line(line, rnd)
            for k, r in enumerate(runs):
                text.append(r)
                if k + 1 < len(runs):
                    text.append("\n")
                    marks.append("L")
            if i + 1 < len(lines):
                text.append("\n\n" if blank else "\n")
                marks.append("R")
        text.append("\n")
        open(os.path.join(out, name + ".txt"), "w", encoding="utf-8").write("".join(text))
        open(os.path.join(out, name + ".breaks"), "w").write("".join(marks) + "\n")


def break_points(text):
    """Indexes (in the text without white space) where a newline falls."""
    pts, k, nl = [], 0, False
    for ch in text:
        if ch == "\n":
            nl = True
        elif not ch.isspace():
            if nl and k:
                pts.append(k)
            nl = False
            k += 1
    return pts


def evaluate(frag_dir, out_dir, show=False):
    tot = {"L": 0, "R": 0}
    ok = {"L": 0, "R": 0}
    for f in sorted(os.listdir(frag_dir)):
        if not f.endswith(".txt"):
            continue
        src = open(os.path.join(frag_dir, f), encoding="utf-8").read()
        got = open(os.path.join(out_dir, f), encoding="utf-8").read()
        marks = open(os.path.join(frag_dir, f[:-4] + ".breaks")).read().strip()
        pts = break_points(src)
        assert len(pts) == len(marks), f
        kept = set(break_points(got))
        flat = "".join(ch for ch in src if not ch.isspace())
        for p, m in zip(pts, marks):
            tot[m] += 1
            joined = p not in kept
            good = joined if m == "L" else not joined
            ok[m] += good
            if show and not good:
                print("%s %s: %s|%s" % (f, "not joined" if m == "L" else "joined", flat[max(0, p - 12):p], flat[p:p + 12]))
    lj = ok["L"] / max(tot["L"], 1)
    rk = ok["R"] / max(tot["R"], 1)
    print("layout breaks joined %d/%d = %.1f%%   real breaks kept %d/%d = %.1f%%"
          % (ok["L"], tot["L"], 100 * lj, ok["R"], tot["R"], 100 * rk))
    return lj, rk


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "gen":
        blank = "--blank" in a
        seed = int(a[a.index("--seed") + 1])
        out = a[a.index("--out") + 1]
        files = [x for i, x in enumerate(a[1:], 1)
                 if not x.startswith("--") and a[i - 1] not in ("--seed", "--out")]
        gen(files, seed, out, blank)
    elif a and a[0] == "eval":
        evaluate(a[1], a[2], "--show" in a)
    else:
        sys.exit(__doc__)
