#!/usr/bin/env python3
"""Fit the boilerplate stage's scored line detector and write plugins/boilerplate/bp_model.h.

usage: fit-bp-model.py [--docclean BUILD/docclean] [--pages DIR] [--out FILE] [--budget SHARE] [--l2 LAMBDA] [--cv K] [--stages 1|2]
                      [--synthetic N]

Runs the default pipeline with `[boilerplate] dump_features = true, scored = false` over DIR/raw (pages-dev),
reads the feature row the stage logs for every non-empty line, and pairs it with the gold label of that line
(DIR/gold/NNN.labels, non-empty rows in order; pages whose line counts differ are skipped). Only pages that
DIR/split.tsv puts in `tune` are read: `check` pages are for scoring the result, never for fitting.

Stage 1 is an L2-regularised logistic regression on the line's own features (all labelled lines: the ones the
profile rules removed teach the cue kinds too). Stage 2 rescales the stage-1 logit with the neighbours' stage-1
probabilities (computed exactly as bp_score.c does) and is fitted on the lines the rules kept, which is where it
runs. The threshold is the lowest probability at which the kept content lines removed stay within --budget of all
content lines. D (repeated copy) lines are left out: the repeated-title rule handles them.
Plain Python (Newton's method), no numpy needed.

--synthetic N adds about N invented furniture lines per tune page (templates per kind below: our own strings, never
page text) in a temporary copy of the tune pages, at the top or the bottom, labelled junk. They teach kinds the
tune pages show too rarely; they are fitted on but never counted in the threshold or the cross-validation.
"""
import math, os, re, subprocess, sys, tempfile

NFEAT2 = 6
STAGES = 2


def parse_args(argv):
    a = {"docclean": "build/docclean", "pages": "../shared/pages-dev", "out": "plugins/boilerplate/bp_model.h",
         "budget": 0.002, "l2": 1.0, "cv": 0, "stages": 2, "synthetic": 0}
    i = 0
    while i < len(argv):
        k = argv[i].lstrip("-")
        if k not in a:
            sys.exit(__doc__)
        a[k] = type(a[k])(argv[i + 1]) if not isinstance(a[k], str) else argv[i + 1]
        i += 2
    return a


SYN_FILL = {"cat": ["工作总结", "教学设计", "毕业论文", "租赁合同", "演讲稿", "心得体会", "实习报告"],
            "site": ["远山", "青禾", "百川", "云帆", "星河"], "name": ["用户1024", "王老师", "yz_2019", "匿名"],
            "n": ["3", "12", "58", "136", "2.4", "1089", "25"]}
SYN_KINDS = {
    "account": ["登录 | 注册", "用户登录", "VIP会员专享", "开通会员 免费下载", "扫码登录", "忘记密码?", "个人中心 退出",
                "手机号快捷登录", "验证码登录"],
    "paywall": ["立即下载", "下载文档", "付费阅读全文", "¥{n} 购买", "剩余{n}页未读,继续阅读", "免费预览已结束",
                "下载券 {n}", "点击下载完整版"],
    "badge": ["格式:doc", "页数:{n}", "大小:{n}KB", "文档编号:{n}", "PPT {n}页", "DOCX格式 {n}页", "{n}MB"],
    "meta": ["上传者:{name}", "上传时间:2024-05-{n}", "贡献者:{name}", "发布者:{name} 更新时间:2023-1-{n}",
             "作者:{name} 来源:{site}网"],
    "nav": ["首页 > {cat} > {cat}", "{cat} | {cat} | {cat}", "返回首页", "网站导航", "上一篇:{cat}", "下一篇:{cat}"],
    "share": ["分享到:", "微信 微博 QQ空间", "收藏 举报", "点赞 {n}", "评论({n})", "扫一扫分享"],
    "counter": ["浏览次数:{n}", "阅读 {n}", "下载次数 {n}", "{n}人已下载", "已有{n}人阅读", "热度 {n}"],
    "copyright": ["版权所有 © 2024 {site}网", "ICP备{n}号", "联系我们 | 关于我们", "本站不对内容负责"],
    "related": ["相关推荐", "猜你喜欢", "相关文档", "热门文档", "推荐阅读"],
    "summary": ["内容简介:", "摘要:", "导读:"],
    "seo": ["{cat}大全", "{cat}范文下载", "{cat}模板免费下载"],
    "site": ["{site}文库", "{site}范文网", "{site}"],
}


def synthetic_line(rng):
    t = rng.choice(SYN_KINDS[rng.choice(sorted(SYN_KINDS))])
    for k, vals in SYN_FILL.items():
        while "{%s}" % k in t:
            t = t.replace("{%s}" % k, rng.choice(vals), 1)
    return t


def synthetic_pages(a):
    """A temporary pages dir: the tune pages with invented furniture lines (label S) at the top or bottom."""
    import random, shutil
    rng = random.Random(15)
    d = tempfile.mkdtemp()
    os.makedirs(d + "/raw"), os.makedirs(d + "/gold")
    names = tune_pages(a["pages"])
    with open(d + "/split.tsv", "w", encoding="utf-8") as f:
        f.write("".join(n + "\ttune\n" for n in names))
    for name in names:
        rows = [l.split("\t", 1) for l in open(os.path.join(a["pages"], "gold", name[:-4] + ".labels"),
                                                encoding="utf-8").read().split("\n") if "\t" in l]
        top = [("S", synthetic_line(rng)) for _ in range(rng.randint(0, a["synthetic"]))]
        bottom = [("S", synthetic_line(rng)) for _ in range(rng.randint(0, a["synthetic"]))]
        rows = top + rows + bottom
        with open(d + "/raw/" + name, "w", encoding="utf-8") as f:
            f.write("\n".join(t for _, t in rows) + "\n")
        with open(d + "/gold/" + name[:-4] + ".labels", "w", encoding="utf-8") as f:
            f.write("".join("%s\t%s\n" % (lab, t) for lab, t in rows))
    return d


def dump_rows(a):
    """Return {doc id: [(removed, [features])]} from the stage's debug log."""
    conf = tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False)
    conf.write("include = %s\n[boilerplate]\ndump_features = true\nscored = false\n"
               % os.path.abspath("conf/default.ini"))
    conf.close()
    out = tempfile.mkdtemp()
    r = subprocess.run([a["docclean"], "run", "-c", conf.name, "-v", "-j", "1", "-o", out + "/o.jsonl",
                        "--rejects", out + "/r.jsonl", os.path.join(a["pages"], "raw")],
                       capture_output=True, text=True)
    os.unlink(conf.name)
    docs = {}
    for line in r.stderr.splitlines():
        if ": debug: features\t" not in line:
            continue
        f = line.split(": debug: features\t", 1)[1].split("\t")
        docs.setdefault(f[0], []).append((int(f[2]), [float(v) for v in f[3:]]))
    return docs


def tune_pages(pages):
    return sorted(l.split("\t")[0] for l in open(os.path.join(pages, "split.tsv"), encoding="utf-8")
                  if l.rstrip("\n").split("\t")[1] == "tune")


def labelled(a, docs):
    """Per tune page: list of (label, removed, x)."""
    pages, skipped = {}, []
    for name in tune_pages(a["pages"]):
        labs = [l.split("\t", 1)[0] for l in
                open(os.path.join(a["pages"], "gold", name[:-4] + ".labels"), encoding="utf-8").read().split("\n")
                if "\t" in l]
        labs = [l for l in labs if l != "E"]
        rows = docs.get(name, [])
        if len(rows) != len(labs):
            skipped.append(name)
            continue
        pages[name] = [(lab, rm, x) for lab, (rm, x) in zip(labs, rows)]
    return pages, skipped


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-40, min(40, z))))


def solve(A, b):
    n = len(b)
    M = [row[:] + [b[i]] for i, row in enumerate(A)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[p] = M[p], M[c]
        if abs(M[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c and M[r][c]:
                f = M[r][c] / M[c][c]
                M[r] = [x - f * y for x, y in zip(M[r], M[c])]
    return [M[i][n] / M[i][i] if abs(M[i][i]) > 1e-12 else 0 for i in range(n)]


def fit_logistic(X, y, l2, iters=25):
    """Newton's method; the bias (column 0) is not regularised."""
    d = len(X[0])
    w = [0.0] * d
    for _ in range(iters):
        g = [l2 * w[k] if k else 0.0 for k in range(d)]
        H = [[(l2 if (i == j and i) else 0.0) for j in range(d)] for i in range(d)]
        for x, t in zip(X, y):
            p = sigmoid(sum(wk * xk for wk, xk in zip(w, x)))
            r, s = p - t, p * (1 - p)
            nz = [(k, v) for k, v in enumerate(x) if v]
            for k, v in nz:
                g[k] += r * v
            for i, vi in nz:
                Hi = H[i]
                for j, vj in nz:
                    Hi[j] += s * vi * vj
        step = solve(H, g)
        w = [wk - sk for wk, sk in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def stage2_rows(rows, w1):
    """rows: [(label, removed, x)] of one page -> list of f2 rows (as bp_score.c)."""
    z = [sum(a * b for a, b in zip(w1, x)) for _, _, x in rows]
    p1 = [1.0 if rm else sigmoid(zi) for (_, rm, _), zi in zip(rows, z)]
    n, out = len(rows), []
    for i in range(n):
        prev = p1[i - 1] if i > 0 else 0.5
        nxt = p1[i + 1] if i + 1 < n else 0.5
        out.append([1.0, max(-12, min(12, z[i])) / 4.0, max(prev, nxt), (prev + nxt) / 2,
                    1.0 if prev > 0.5 and nxt > 0.5 else 0.0, 1.0 if rows[i][2][5] >= 0.5 else 0.0])
    return out


def fit_pages(pages, l2):
    X1, y1 = [], []
    for rows in pages.values():
        for lab, rm, x in rows:
            if lab in ("B", "C", "S"):
                X1.append(x), y1.append(0.0 if lab == "C" else 1.0)
    w1 = fit_logistic(X1, y1, l2)
    X2, y2, guard = [], [], []
    for rows in pages.values():
        for (lab, rm, x), f in zip(rows, stage2_rows(rows, w1)):
            if rm or lab not in ("B", "C"):
                continue
            X2.append(f), y2.append(1.0 if lab == "B" else 0.0)
            guard.append(x[5] >= 0.5 and x[1] >= 0.3)
    # --stages 1: stage 2 passes the stage-1 probability through unchanged
    w2 = fit_logistic(X2, y2, l2) if STAGES == 2 else [0.0, 4.0, 0.0, 0.0, 0.0, 0.0]
    return w1, w2, X1, y1, X2, y2, guard


def predict(rows, w1, w2):
    """(p, label) of the lines the rules kept, prose-guarded lines left out."""
    out = []
    for (lab, rm, x), f in zip(rows, stage2_rows(rows, w1)):
        if rm or lab not in ("B", "C") or (x[5] >= 0.5 and x[1] >= 0.3):
            continue
        out.append((sigmoid(sum(p * q for p, q in zip(w2, f))), lab))
    return out


def cross_validate(pages, k, l2):
    """k folds of whole pages (tune sites held out in turn): what the model does on pages it did not see."""
    names = sorted(pages)
    preds = []
    for fold in range(k):
        train = {n: pages[n] for i, n in enumerate(names) if i % k != fold}
        w1, w2 = fit_pages(train, l2)[:2]
        for i, n in enumerate(names):
            if i % k == fold:
                preds += predict(pages[n], w1, w2)
    nb = sum(1 for _, l in preds if l == "B")
    nc = sum(1 for rows in pages.values() for l, _, _ in rows if l == "C")
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        jb = sum(1 for p, l in preds if p >= t and l == "B")
        jc = sum(1 for p, l in preds if p >= t and l == "C")
        sys.stderr.write("cv t=%.2f: junk left by rules removed %d/%d, content removed %d/%d (%.4f)\n"
                         % (t, jb, nb, jc, nc, jc / max(1, nc)))


def main(argv):
    global STAGES
    a = parse_args(argv)
    STAGES = a["stages"]
    if a["synthetic"]:
        a["pages"] = synthetic_pages(a)
    docs = dump_rows(a)
    pages, skipped = labelled(a, docs)
    if a["cv"]:
        cross_validate(pages, a["cv"], a["l2"])
    w1, w2, X1, y1, X2, y2, guard = fit_pages(pages, a["l2"])
    ncontent = sum(1 for t in y1 if t == 0)
    scored = sorted(((sigmoid(sum(p * q for p, q in zip(w2, f))), t) for f, t, g in zip(X2, y2, guard) if not g),
                    reverse=True)
    budget, lost, thr, junk = int(a["budget"] * ncontent), 0, 0.99, 0
    for p, t in scored:
        if t == 0:
            if lost + 1 > budget:
                break
            lost += 1
        else:
            junk += 1
        thr = p
    thr = max(thr, 0.5)
    left = sum(1 for t in y2 if t == 1)
    sys.stderr.write("tune pages %d (skipped %d: %s); lines %d; stage-2 lines %d, junk among them %d\n"
                     % (len(pages), len(skipped), " ".join(skipped), len(X1), len(X2), left))
    sys.stderr.write("threshold %.3f: removes %d of those junk lines, %d content lines (budget %d of %d)\n"
                     % (thr, junk, lost, budget, ncontent))
    from_names = open("plugins/boilerplate/bp_features.c", encoding="utf-8").read()
    names = from_names.split("bp_feature_names[BP_NFEAT] = {", 1)[1].split("};", 1)[0]
    names = re.sub(r"/\*.*?\*/", "", names, flags=re.S)
    names = [s.strip().strip('"') for s in names.replace("\n", " ").split(",") if '"' in s]
    with open(a["out"], "w", encoding="utf-8") as f:
        f.write("/*\n * bp_model.h - weights of the scored boilerplate detector (bp_score.c).\n *\n"
                " * GENERATED by scripts/fit-bp-model.py from the `tune` half of pages-dev\n"
                " * (%d pages, %d labelled lines; L2 %.3g, content budget %.3g); do not edit.\n"
                " * Regenerate after changing bp_features.c:  python3 scripts/fit-bp-model.py\n */\n"
                % (len(pages), len(X1), a["l2"], a["budget"]))
        f.write("#define BP_MODEL_NFEAT %d /* bp_score.c checks it against BP_NFEAT */\n\n" % len(w1))
        f.write("static const double bp_w1[BP_NFEAT] = {\n")
        for n, w in zip(names, w1):
            f.write("    %.6f, /* %s */\n" % (w, n))
        f.write("};\n\nstatic const double bp_w2[BP_NFEAT2] = {\n")
        for n, w in zip(["bias", "own-logit/4", "neighbour-max", "neighbour-mean", "both-neighbours", "prose"], w2):
            f.write("    %.6f, /* %s */\n" % (w, n))
        f.write("};\n\n#define BP_MODEL_THRESHOLD %.4f\n" % thr)


if __name__ == "__main__":
    main(sys.argv[1:])
