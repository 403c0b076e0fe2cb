#!/usr/bin/env python3
"""dedup_gen.py - seeded generator of labelled near-duplicate pairs for the
dedup quality bench.

Writes one pair per line, tab separated:
    pair_id  true_jaccard  edits  text_a  text_b
with newlines in the texts written as the two characters "\\n".  true_jaccard
is the exact Jaccard of the two texts' character-5-gram sets after the dedup
normalization (punctuation and whitespace removed, traditional folded to
simplified with the same small table the bench loads).

Edits applied to copies (1-3 per copy): 1-30% character edits, shuffled
paragraphs, added or removed site boilerplate, traditional/simplified swaps,
truncation.  Usage: dedup_gen.py SEED NPAIRS TSTABLE > pairs.tsv
"""
import random
import sys

PUNCT = "，。、；：！？"


def load_table(path):
    t2s = {}
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
            t2s[parts[0]] = parts[1]
    return t2s


def make_vocab(rng, simp_chars):
    # 1500 base characters from the CJK block plus the table's simplified
    # characters, grouped into 4000 words of 1-4 characters, Zipf-weighted so
    # unrelated documents still share common shingles as real text does.
    chars = [chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(1500)] + list(simp_chars) * 10
    words = ["".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(4000)]
    weights = [1.0 / (i + 1) for i in range(len(words))]
    return words, weights, chars


def make_doc(rng, vocab):
    words, weights, _ = vocab
    paras = []
    for _ in range(rng.randint(3, 12)):
        sent = []
        for _ in range(rng.randint(2, 6)):
            sent.append("".join(rng.choices(words, weights, k=rng.randint(4, 14))) + rng.choice(PUNCT))
        paras.append("".join(sent))
    return paras


def boilerplate(rng, vocab):
    return "".join(rng.choices(vocab[0], vocab[1], k=rng.randint(6, 25))) + "。"


def edit_chars(rng, text, rate, chars):
    out = []
    for c in text:
        if c == "\n" or rng.random() >= rate:
            out.append(c)
            continue
        op = rng.random()
        if op < 0.5:
            out.append(rng.choice(chars))
        elif op < 0.75:
            continue
        else:
            out.append(c)
            out.append(rng.choice(chars))
    return "".join(out)


def variant(rng, paras, vocab, s2t):
    kinds = rng.sample(["edit", "shuffle", "boiler", "trad", "trunc"], rng.choice((1, 1, 2, 3)))
    paras = list(paras)
    for k in kinds:
        if k == "shuffle":
            rng.shuffle(paras)
        elif k == "boiler":
            if rng.random() < 0.5 and len(paras) > 3:
                paras = paras[1:-1]  # the base's header/footer removed
            else:
                paras = [boilerplate(rng, vocab)] + paras + [boilerplate(rng, vocab), boilerplate(rng, vocab)]
        elif k == "trad":
            frac = rng.uniform(0.3, 1.0)
            paras = ["".join(s2t[c] if c in s2t and rng.random() < frac else c for c in p) for p in paras]
        elif k == "trunc":
            text = "\n".join(paras)
            text = text[: int(len(text) * rng.uniform(0.5, 0.97))]
            paras = text.split("\n")
        elif k == "edit":
            rate = rng.choice((rng.uniform(0.01, 0.05), rng.uniform(0.01, 0.30)))
            paras = [edit_chars(rng, p, rate, vocab[2]) for p in paras]
    return paras, "+".join(kinds)


def shingles(text, t2s):
    s = "".join(t2s.get(c, c) for c in text if c not in PUNCT and not c.isspace())
    return {s[i : i + 5] for i in range(len(s) - 4)}


def main():
    seed, npairs, table = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    t2s = load_table(table)
    s2t = {v: k for k, v in t2s.items()}
    vocab = make_vocab(rng, s2t.keys())
    base = None
    for i in range(npairs):
        if i % 4 == 0:  # four copies per original
            base = [boilerplate(rng, vocab)] + make_doc(rng, vocab) + [boilerplate(rng, vocab)]
        if i % 20 == 19:  # some unrelated pairs sharing nothing but vocabulary
            other, kinds = make_doc(rng, vocab), "unrelated"
        else:
            other, kinds = variant(rng, base, vocab, s2t)
        a, b = "\n".join(base), "\n".join(other)
        sa, sb = shingles(a, t2s), shingles(b, t2s)
        j = len(sa & sb) / max(1, len(sa | sb))
        esc_a, esc_b = a.replace("\n", "\\n"), b.replace("\n", "\\n")
        print(f"p{i}\t{j:.4f}\t{kinds}\t{esc_a}\t{esc_b}")


if __name__ == "__main__":
    main()
