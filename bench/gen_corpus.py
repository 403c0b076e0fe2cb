#!/usr/bin/env python3
"""gen_corpus.py - seeded generator of a scraped-document-site corpus for the
end-to-end bench (bench_e2e.sh).

    gen_corpus.py --seed 1 --mb 1024 -o corpus.jsonl

Writes JSONL {"id", "text", "url"} documents of 2-20 KB that look like pages
from Chinese document-sharing and essay-template sites: site boilerplate
(upload notices, 客服QQ lines, 下载文档 prompts, 第N页 共M页, related-article
lists, 小编 intros), work-report prose built from a vocabulary (no page text is
copied), about 30% of documents in traditional characters (half of those with
pinyin annotations like 區(qū)), placeholders (XX, 20XX, ***, xx), censor dots,
lines broken mid-sentence, GBK mojibake lines, ~10% exact duplicates and ~10%
near duplicates (a few clauses edited, a line dropped, another date).

Same seed and size, same bytes (python3 stdlib only, no input files).  Output
is streamed; --mb counts 1,000,000-byte MB.
"""
import argparse
import json
import os
import random

WORDS = """
教育 工作 学校 发展 管理 教学 质量 建设 学生 教师 队伍 全面 推进 落实 加强 组织
开展 活动 提高 水平 完善 制度 机制 创新 改革 深化 服务 保障 安全 责任 目标 任务
领导 干部 党员 群众 思想 政治 理论 学习 培训 考核 评价 监督 检查 整改 问题 措施
经验 成绩 不足 计划 方案 实施 总结 汇报 会议 精神 部署 要求 规定 标准 规范 程序
资金 项目 投资 设施 设备 信息化 网络 平台 系统 数据 资源 环境 条件 改善 提升 优化
义务教育 学前教育 职业教育 高中 初中 小学 幼儿园 课堂 课程 教材 考试 招生 毕业 就业
农村 城镇 社区 乡镇 县级 市级 省级 国家 政府 部门 单位 企业 机构 协会 委员会 办公室
经济 社会 文化 卫生 体育 科技 环保 民生 扶贫 乡村振兴 疫情 防控 应急 消防 交通 财政
合同 甲方 乙方 协议 条款 双方 权利 义务 违约 赔偿 期限 租赁 房屋 费用 支付 签订 履行
积极 认真 扎实 稳步 有序 切实 不断 进一步 持续 深入 广泛 充分 明显 显著 重点 关键 核心
我们 大家 同志 个人 集体 全体 各级 各类 有关 相关 主要 基本 具体 实际 总体 年度 阶段
综合 素质 均衡 特色 品牌 示范 先进 典型 表彰 奖励 帮扶 救助 贫困 留守儿童 家长 家庭
调研 宣传 教育局 主管 校长 班主任 骨干 专家 指导 交流 合作 联盟 对接 共享 统筹 协调
理念 意识 能力 素养 作风 纪律 廉政 形象 效率 效益 成果 效果 作用 影响 意义 价值 方向
""".split()
VERBS = "坚持 围绕 抓好 做好 推动 促进 确保 实现 建立 健全 加大 强化 注重 突出 开展 组织 完成 形成".split()
NUMS = ["2017年", "2019年", "2021年", "2023年", "5500万元", "600万元", "31套", "16所", "3200名",
        "95%", "80%", "12个", "第7名", "4月初", "上半年", "下半年", "两个率先", "三个年级"]
PLACEHOLDERS = ["20XX年", "XX年", "20xx年", "XX市", "**县", "***同志", "xx学校", "XX局", "××乡"]
ORGS = "市教育局 区教育局 县教科局 教育体育局 街道办事处 人民医院 实验小学 第一中学 财政局 公司 社区居委会".split()
KINDS = "工作总结 工作计划 述职报告 心得体会 实施方案 自查报告 调研报告 发言稿 合同范本 活动方案".split()
NUMERALS = "一二三四五六七八九十"

# traditional char -> pinyin, as content farms annotate (區(qū) 總結(jié))
PINYIN = {"區": "qū", "結": "jié", "關": "guān", "經": "jīng", "發": "fā", "構": "gòu", "導": "dǎo",
          "學": "xué", "現": "xiàn", "優": "yōu", "務": "wù", "專": "zhuān", "會": "huì", "質": "zhì",
          "響": "xiǎng", "達": "dá", "實": "shí", "設": "shè", "與": "yǔ", "統": "tǒng"}

# simplified -> traditional, one pair per two chars: every simplified char
# in this file's strings, converted once with `opencc -c s2tw.json`
S2T = (
    "万萬专專业業两兩个個为為义義习習乡鄉乱亂争爭产產仅僅们們价價众眾优優会會传傳体體偿償儿兒党黨关關兴興养養内內农農准準击擊划劃创創"
    "别別办辦务務动動励勵区區医醫协協单單卫衛县縣参參双雙发發台臺后後员員响響园園围圍国國坚堅处處备備奖獎学學实實对對导導尽盡属屬师師"
    "帮幫干幹广廣应應开開异異强強归歸当當总總户戶报報据據数數断斷无無时時显顯机機权權条條极極构構标標档檔检檢欢歡毕畢汇匯济濟温溫满滿"
    "点點环環现現画畫监監确確离離积積稳穩筹籌签籤类類约約级級纪紀线線组組细細织織经經结結绕繞络絡统統绩績续續综綜编編网網职職联聯范範"
    "荐薦补補规規览覽计計订訂认認训訓议議论論设設证證评評识識试試请請诸諸读讀课課调調负負财財责責质質贫貧费費赁賃资資赔賠载載辑輯进進"
    "违違错錯键鍵镇鎮长長门門问問间間阅閱队隊阶階际際页頁项項预預领領题題额額风風馈饋验驗"
)

SITES = [  # host, header style, footer style, has 小编 intro
    ("www.taowenku-demo.com", "upload", "pages", False),
    ("www.huiwen-demo.net", "tips", "related", False),
    ("www.fanwen-demo.cn", "farm", "related", True),
    ("www.docin-demo.com", "upload", "download", False),
    ("wenku.jiaoyu-demo.org", "preview", "pages", False),
    ("www.xuexila-demo.com", "farm", "download", True),
    ("www.renrendoc-demo.com", "tips", "pages", False),
    ("www.gov-demo.cn", "none", "none", False),  # clean control pages
]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        t = {S2T[i]: S2T[i + 1] for i in range(0, len(S2T), 2)}
        self.s2t = str.maketrans(t)
        # traditional plus pinyin annotations, in one pass
        self.s2t_py = str.maketrans({s: c + "(%s)" % PINYIN[c] if c in PINYIN else c for s, c in t.items()})
        weights = [1.0 / (i + 1) ** 0.5 for i in range(len(WORDS))]
        self.rng.shuffle(WORDS)
        # a pool of clauses; sentences are 1-3 clauses, so text rarely repeats
        r = self.rng
        self.clauses = []
        for _ in range(50000):
            ws = r.choices(WORDS, weights, k=r.randint(2, 6))
            if r.random() < 0.5:
                ws.insert(0, r.choice(VERBS))
            if r.random() < 0.15:
                ws.insert(r.randrange(len(ws) + 1), r.choice(NUMS))
            if r.random() < 0.04:
                ws.insert(r.randrange(len(ws) + 1), r.choice(PLACEHOLDERS))
            self.clauses.append("".join(ws))
        self.recent = []  # (text, url) of recent documents, for duplicates
        self.n = 0

    def sentence(self):
        r = self.rng
        s = "，".join(r.choices(self.clauses, k=r.choice((1, 2, 2, 3))))
        if r.random() < 0.01:  # censor dot: a word taken out between Han chars
            i = r.randrange(1, len(s))
            if "\u4e00" <= s[i - 1] <= "\u9fff":
                s = s[:i] + "." + s[i:]
        if r.random() < 0.01:
            s = s.replace("的", "的`", 1)
        return s + "。"

    def title(self):
        r = self.rng
        return "%s%s%s" % (r.choice(ORGS), r.choice(["2021年", "2022年", "2023年", "20XX年", ""]), r.choice(KINDS))

    def paragraph(self):
        r = self.rng
        p = "".join(self.sentence() for _ in range(r.randint(2, 8)))
        if r.random() < 0.15:  # a PDF-extraction line break every ~35 chars
            p = "\n".join(p[i:i + 35] for i in range(0, len(p), 35))
        return "  " + p if r.random() < 0.5 else p

    def header(self, style, title):
        r = self.rng
        qq = str(r.randrange(10000000, 3999999999))
        if style == "upload":
            return ["• %.2f KB" % (r.random() * 90 + 5), "  • 2022-%02d-%02d 发布" % (r.randint(1, 12), r.randint(1, 28)), "",
                    title, "", "  • %d页" % r.randint(2, 40), "  • 当前文档由用户上传发布,收益归属用户",
                    "  1. 1、本文档由用户上传,本站整理发布,可阅读全部内容。",
                    "  2. 2、本文档内容版权归属内容提供方,所产生的收益全部归内容提供方所有。如果您对本文有版权争议,请立即联系网站客服。",
                    "  3. 3、本文档由用户上传,本站不保证质量和数量令人满意,可能有诸多瑕疵,付费之前,请仔细阅读内容确认后进行付费下载。",
                    "  4. 网站客服QQ:" + qq]
        if style == "tips":
            return ["温馨提示:", "1. 部分包含数学公式或PPT动画的文件,查看预览时可能会显示错乱或异常,文件下载后无此问题,请放心下载。",
                    "2. 本文档由用户上传,版权归属用户,本站负责整理代发布。如果您对本文档版权有争议请及时联系客服。",
                    "3. 下载前请仔细阅读文档内容,确认文档内容符合您的需求后进行下载。", "网站客服:" + qq, title]
        if style == "farm":
            return [title, "", "时间:2023-%02d-%02d %02d:%02d:%02d %s 我要投稿" % (
                r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.choice(KINDS)),
                "  • 相关推荐", "", title + "(通用%d篇)" % r.randint(3, 12), ""]
        if style == "preview":
            return [title, "", "  1. 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充、找答案等附加服务。",
                    "  2. 2、\"仅部分预览\"的文档,不可在线预览部分如存在完整性等问题,可反馈申请退款。",
                    "  3. 3、如文档侵犯您的权益,请联系客服反馈,我们会尽快为您处理(人工客服工作时间:9:00-18:30)。", "", title]
        return [title, ""]

    def footer(self, style, page, pages):
        r = self.rng
        if style == "pages":
            return ["", "第%d页 共%d页" % (page, pages)]
        if style == "related":
            return ["", "相关文章:"] + ["%d、%s" % (i + 1, self.title()) for i in range(r.randint(4, 8))]
        if style == "download":
            return ["", "免费阅读已结束,点击下载阅读编辑剩下 ...", "", "阅读已结束,您可以下载文档离线阅读编辑", "下载文档"]
        return []

    def mojibake(self, line):
        r = self.rng
        k = r.random()
        if k < 0.4:  # UTF-8 bytes read as GBK
            return line.encode("utf-8").decode("gbk", "replace")
        if k < 0.8:  # GBK text one byte out of step
            return line.encode("gbk", "ignore")[1:].decode("gbk", "replace")
        return line[:20] + "锟斤拷锟斤拷" + line[20:40]

    def fresh(self):
        r = self.rng
        host, head, foot, intro = r.choice(SITES)
        tbl = None  # 30% traditional (half with pinyin) except on the clean site
        if head != "none" and r.random() < 0.3:
            tbl = self.s2t_py if r.random() < 0.5 else self.s2t
        title = self.title()
        target = int(2000 * 10 ** r.random())  # 2-20 KB, log-uniform
        lines = self.header(head, title)
        if intro:
            lines += ["  " + self.sentence() + "下面是小编为大家整理的" + title + ",仅供参考,欢迎大家阅读。", ""]
        size, sec, pages = 0, 0, max(2, target // 3000)
        while size < target * 0.36:  # ~2.8 UTF-8 bytes per char
            if r.random() < 0.2:
                h = "%s、%s" % (NUMERALS[sec % 10], self.sentence()[:-1]) if r.random() < 0.6 else \
                    "(%s)%s" % (NUMERALS[sec % 10], r.choice(self.clauses))
                sec += 1
                lines.append(h)
            p = self.paragraph()
            if r.random() < 0.03:  # mojibake happens to the page as stored
                p = self.mojibake(p.translate(tbl) if tbl else p)
                lines.append(None)  # marks: do not convert the next line
            lines.append(p)
            lines.append("")
            size += len(p)
            if foot == "pages" and r.random() < 0.05:
                lines.append("第%d页 共%d页" % (min(pages, 1 + size // 1000), pages))
        lines += self.footer(foot, pages, pages)
        if tbl:
            out, keep = [], False
            for x in lines:
                if x is not None:
                    out.append(x if keep else x.translate(tbl))
                keep = x is None
            return "\n".join(out), host
        return "\n".join(x for x in lines if x is not None), host

    def near(self, text):
        """a copy with small edits: a few clauses changed, a line dropped, a new date."""
        r = self.rng
        lines = text.split("\n")
        for _ in range(r.randint(1, 3)):
            i = r.randrange(len(lines))
            if len(lines[i]) > 30:
                j = r.randrange(len(lines[i]) - 10)
                lines[i] = lines[i][:j] + r.choice(self.clauses) + lines[i][j + 8:]
        if len(lines) > 12 and r.random() < 0.5:
            del lines[r.randrange(len(lines))]
        lines.insert(min(2, len(lines)), "发布时间:2024-%02d-%02d" % (r.randint(1, 12), r.randint(1, 28)))
        return "\n".join(lines)

    def doc(self):
        r = self.rng
        self.n += 1
        k = r.random()
        if self.recent and k < 0.1:  # exact duplicate, mirrored elsewhere
            text, host = r.choice(self.recent)
        elif self.recent and k < 0.2:
            text, host = r.choice(self.recent)
            text = self.near(text)
        else:
            text, host = self.fresh()
            self.recent.append((text, host))
            if len(self.recent) > 500:
                del self.recent[r.randrange(len(self.recent))]
        url = "https://%s/doc/%d.html" % (host, r.randrange(10 ** 8))
        return json.dumps({"id": "d%08d" % self.n, "text": text, "url": url}, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mb", type=float, default=64, help="size in MB (10^6 bytes)")
    ap.add_argument("-o", dest="out", required=True)
    a = ap.parse_args()
    g = Gen(a.seed)
    limit, n = int(a.mb * 1e6), 0
    with open(a.out + ".tmp", "wb", buffering=1 << 20) as f:
        while n < limit:
            b = g.doc().encode("utf-8")
            f.write(b)
            n += len(b)
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
