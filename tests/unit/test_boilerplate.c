/*
 * test_boilerplate.c - the boilerplate stage: profile loading and its error
 * messages, each rule kind / zone / action, site selection and order,
 * option switches, counters, the repeated-title rule, pinyin-tolerant
 * matching, the literal prefilter, and one positive and one negative line
 * for every rule of the shipped generic profile.
 *
 * Fixture profiles are written to a temp dir by the tests themselves; the
 * generic profile is read from conf/sites/ (run from the source root, as
 * `make unit` does, or set SRC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bp.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

static char tmpdir[256];

/* ---------------- helpers ---------------- */

static const char *fixture(const char *name, const char *content) {
    static char path[8][512];
    static int slot;
    char *p = path[slot++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return p;
}

static const char *generic_profile(void) {
    static char p[1024];
    const char *src = getenv("SRC");
    snprintf(p, sizeof p, "%s/conf/sites/generic-docsite.ini", src && *src ? src : ".");
    return p;
}

typedef struct inst {
    void *bp;
    dc_stage *stage;
    char err[1024];
} inst;

/* Create the stage with "key=value" options; returns 0 or -1 (err set). */
/* The scored detector is off unless a test asks for it: these tests pin
 * down what the profile rules do (checks of the detector live in tests/e2e/boilerplate_scored.sh). */
static int make(inst *I, const char *const *kv) {
    memset(I, 0, sizeof *I);
    const char *all[16];
    size_t n = 0;
    int has_scored = 0;
    for (size_t k = 0; kv[k] && n < 14; k++) {
        has_scored |= strncmp(kv[k], "scored=", 7) == 0;
        all[n++] = kv[k];
    }
    if (!has_scored) all[n++] = "scored=false";
    all[n] = NULL;
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, all, "test", I->err,
                                          sizeof I->err);
    if (!o) return -1;
    I->stage = dc_stage_new_standalone("boilerplate");
    I->bp = docclean_plugin.create(dc_host_get(), I->stage, o, I->err, sizeof I->err);
    dc_options_free(o);
    return I->bp ? 0 : -1;
}

static void unmake(inst *I) {
    if (I->bp) docclean_plugin.destroy(I->bp);
    dc_stage_free_standalone(I->stage);
}

/* Process `in` (with an optional url); returns the text (malloc'd). */
static char *run_url(inst *I, const char *in, const char *url, dc_verdict *v) {
    dc_doc *d = dc_doc_new("t", in, strlen(in));
    if (url) dc_host_get()->meta_set_str(d, "url", url, strlen(url));
    dc_verdict r = docclean_plugin.process(I->bp, d);
    if (v) *v = r;
    char *out = malloc(d->len + 1);
    memcpy(out, d->text, d->len);
    out[d->len] = '\0';
    dc_doc_free(d);
    return out;
}

static char *run(inst *I, const char *in) {
    return run_url(I, in, NULL, NULL);
}

/* One-profile instance from profile text. */
static void make_with(inst *I, const char *profile_text, const char *extra) {
    char opt[600];
    snprintf(opt, sizeof opt, "profiles=%s", fixture("p.ini", profile_text));
    const char *kv[] = {opt, extra, NULL};
    if (make(I, kv) != 0) fail_msg("create failed: %s", I->err);
}

static void expect(inst *I, const char *in, const char *want) {
    char *out = run(I, in);
    assert_string_equal(out, want);
    free(out);
}

/* ---------------- profile loading errors ---------------- */

static void expect_create_error(const char *profile_text, const char *want_substr) {
    inst I;
    char opt[600];
    snprintf(opt, sizeof opt, "profiles=%s", fixture("bad.ini", profile_text));
    const char *kv[] = {opt, NULL};
    if (make(&I, kv) != -1) fail_msg("profile accepted:\n%s", profile_text);
    if (!strstr(I.err, want_substr)) fail_msg("error '%s' lacks '%s'", I.err, want_substr);
    unmake(&I);
}

static void test_error_bad_regex_names_file_line(void **s) {
    (void)s;
    char want[600];
    snprintf(want, sizeof want, "%s/bad.ini:4: match: bad regex", tmpdir);
    expect_create_error("[site]\nname = x\n[rule:r]\nmatch = a(b\nkind = regex\n", want);
}

static void test_error_long_line_is_loud(void **s) {
    (void)s;
    char text[1024] = "[rule:r]\nkind = regex\nmatch = ";
    for (int i = 0; i < 70; i++) strcat(text, "下");
    strcat(text, "\n");
    char want[600];
    snprintf(want, sizeof want, "%s/bad.ini:3: profile: line is", tmpdir);
    expect_create_error(text, want);
}

static void test_error_inline_comment_is_loud(void **s) {
    (void)s;
    char want[600];
    snprintf(want, sizeof want, "%s/bad.ini:3: profile: ' ;' starts an inline comment", tmpdir);
    expect_create_error("[rule:r]\nkind = substring\nmatch = a ;b\n", want);
}

static void test_error_unknown_key_and_values(void **s) {
    (void)s;
    expect_create_error("[rule:r]\nmatch = a\ncolour = red\n", "bad.ini:3: colour: unknown key");
    expect_create_error("[rule:r]\nkind = fuzzy\nmatch = a\n", "bad.ini:2: kind: 'fuzzy'");
    expect_create_error("[rule:r]\nzone = middle\nmatch = a\n", "bad.ini:2: zone:");
    expect_create_error("[rule:r]\naction = burn\nmatch = a\n", "bad.ini:2: action:");
    expect_create_error("[rule:r]\nmax_chars = many\nmatch = a\n", "bad.ini:2: max_chars:");
    expect_create_error("[rules]\nmatch = a\n", "bad.ini:1: rules: unknown section");
    expect_create_error("[rule:r]\nkind = regex\n", "no match or match_file");
    expect_create_error("[rule:r]\nmatch = ab\nneed = ab\n", "only regex rules take need");
    expect_create_error("[rule:a b]\nmatch = ab\n", "may only hold letters");
    expect_create_error("[rule:r]\nmatch_file = nowhere.txt\n", "bad.ini:2: match_file: cannot open");
    expect_create_error("[rule:r]\nmatch = x\n[rule:r]\nmatch = y\n", "duplicate rule");
}

static void test_error_bad_regex_in_match_file(void **s) {
    (void)s;
    fixture("rules.re", "# comment\n\nok\n[unclosed\n");
    char want[600];
    snprintf(want, sizeof want, "%s/rules.re:4: match: bad regex", tmpdir);
    expect_create_error("[rule:r]\nkind = regex\nmatch_file = rules.re\n", want);
}

static void test_error_missing_profile_file(void **s) {
    (void)s;
    inst I;
    const char *kv[] = {"profiles=/nonexistent/dir/*.ini", NULL};
    assert_int_equal(make(&I, kv), -1);
    assert_non_null(strstr(I.err, "no file matches /nonexistent/dir/*.ini"));
    unmake(&I);
}

/* A long pattern with " ;" goes through a match_file unchanged. */
static void test_match_file_keeps_long_and_semicolon_values(void **s) {
    (void)s;
    char longpat[700] = "";
    for (int i = 0; i < 80; i++) strcat(longpat, "长");
    char file[800];
    snprintf(file, sizeof file, "%s\nx ;y\n", longpat);
    fixture("long.txt", file);
    inst I;
    make_with(&I, "[rule:r]\nkind = substring\nmatch_file = long.txt\n", NULL);
    char in[1200];
    snprintf(in, sizeof in, "keep\n%s\nkeep2\nx ;y\nx\n", longpat);
    expect(&I, in, "keep\nkeep2\nx\n");
    unmake(&I);
}

/* ---------------- kinds, zones, actions ---------------- */

static void test_kind_exact(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 收藏\n", NULL);
    expect(&I, "正文\n  收藏  \n收藏本文很有用\n", "正文\n收藏本文很有用\n");
    unmake(&I);
}

static void test_kind_prefix(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = prefix\nmatch = 当前位置\n", NULL);
    expect(&I, "当前位置:首页>范文\n我们当前位置很好\n", "我们当前位置很好\n");
    unmake(&I);
}

static void test_kind_substring(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = substring\nmatch = 我要投稿\n", NULL);
    expect(&I, "时间:2023 我要投稿\n正文内容\n", "正文内容\n");
    unmake(&I);
}

static void test_kind_regex_and_literal_extraction(void **s) {
    (void)s;
    inst I;
    /* no `need`: the engine extracts 页 / 共 as the prefilter literal */
    make_with(&I, "[rule:r]\nkind = regex\nmatch = ^第\\d+页\\s*共\\d+页$\n", NULL);
    expect(&I, "正文\n第7页 共7页\n第7页是重点\n", "正文\n第7页是重点\n");
    unmake(&I);
}

static void test_regex_with_alternation_needs_no_literal(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = regex\nmatch = ^(×|保存成功)$\n", NULL);
    expect(&I, "正文\n×\n保存成功\n保存成功了\n", "正文\n保存成功了\n");
    unmake(&I);
}

static void test_need_literal_gates_regex(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = regex\nmatch = (下载|下載)文档\nneed = 下载\n", NULL);
    /* 下載文档 holds no `need` literal, so the rule is not even tried */
    expect(&I, "下载文档\n下載文档\n", "下載文档\n");
    unmake(&I);
}

static void test_zone_header_and_footer(void **s) {
    (void)s;
    inst I;
    make_with(&I,
              "[rule:h]\nkind = exact\nzone = header 2\nmatch = 广告\n"
              "[rule:f]\nkind = exact\nzone = footer 1\nmatch = 完\n",
              NULL);
    /* empty lines do not count towards a zone */
    expect(&I, "广告\n\n标题\n广告\n正文\n完\n结尾\n完\n", "标题\n广告\n正文\n完\n结尾\n");
    unmake(&I);
}

static void test_zone_default_from_site_section(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[site]\nheader_lines = 1\n[rule:h]\nkind = exact\nzone = header\nmatch = 广告\n",
              NULL);
    expect(&I, "广告\n广告\n", "广告\n");
    unmake(&I);
}

static void test_action_cut_to_end(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:c]\nkind = regex\naction = cut_to_end\nmatch = ^相关文章[:：]?$\n", NULL);
    /* a cut needs the body above it (a sentence-rich line): guard rail */
    expect(&I, "标题\n这是正文的第一句话,写得比较长一些。\n相关文章:\n别的文章一\n别的文章二", "标题\n这是正文的第一句话,写得比较长一些。\n");
    expect(&I, "标题\n这是正文的第一句话,写得比较长一些。\n\n\n相关文章:\n别的文章一\n", "标题\n这是正文的第一句话,写得比较长一些。\n");
    expect(&I, "标题\n正文讲相关文章\n", "标题\n正文讲相关文章\n");
    /* above the body only the marker goes, never the rest */
    expect(&I, "标题\n相关文章:\n这是正文的第一句话,写得比较长一些。\n", "标题\n这是正文的第一句话,写得比较长一些。\n");
    /* prose after the marker (three sentence-rich lines): only the marker goes */
    expect(&I, "标题\n这是正文的第一句话,写得比较长一些。\n相关文章:\n这是正文的第一句话,写得比较长一些。\n这是正文的第一句话,写得比较长一些。\n这是正文的第一句话,写得比较长一些。\n", "标题\n这是正文的第一句话,写得比较长一些。\n这是正文的第一句话,写得比较长一些。\n这是正文的第一句话,写得比较长一些。\n这是正文的第一句话,写得比较长一些。\n");
    unmake(&I);
}

static void test_action_inline(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:i]\nkind = regex\naction = inline\nmatch = ……此处隐藏\\d+个字……\n", NULL);
    expect(&I, "前文……此处隐藏123个字……后文\n再次……此处隐藏9个字……和……此处隐藏8个字……\n",
           "前文后文\n再次和\n");
    unmake(&I);
}

static void test_inline_literal_and_anchor_on_later_line(void **s) {
    (void)s;
    inst I;
    make_with(&I,
              "[rule:i]\nkind = regex\naction = inline\nmatch = ^【精品】\n"
              "[rule:j]\nkind = substring\naction = inline\nmatch = [打印本页]\n",
              NULL);
    expect(&I, "第一行\n【精品】标题[打印本页]\n正文【精品】\n", "第一行\n标题\n正文【精品】\n");
    unmake(&I);
}

static void test_min_max_chars(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = substring\nmax_chars = 6\nmin_chars = 3\nmatch = 下载\n", NULL);
    expect(&I, "下载\n立即下载\n这一行很长所以下载两个字不算\n", "下载\n这一行很长所以下载两个字不算\n");
    unmake(&I);
}

static void test_first_rule_wins_and_counters(void **s) {
    (void)s;
    inst I;
    make_with(&I,
              "[site]\nname = demo\n[rule:first]\nkind = substring\nmatch = 下载\n"
              "[rule:second]\nkind = substring\nmatch = 文档\n",
              NULL);
    expect(&I, "下载文档\n文档\n正文\n", "正文\n");
    assert_int_equal(dc_stage_counter_get(I.stage, "demo/first"), 1);
    assert_int_equal(dc_stage_counter_get(I.stage, "demo/second"), 1);
    assert_int_equal(dc_stage_counter_get(I.stage, "lines_removed"), 2);
    assert_int_equal(dc_stage_counter_get(I.stage, "docs_changed"), 1);
    unmake(&I);
}

/* ---------------- sites: host, signature, order ---------------- */

static void test_site_by_host_and_signature(void **s) {
    (void)s;
    char opt[1200];
    const char *a = fixture("a.ini", "[site]\nname = a\nhost = *.example.com\n"
                                     "[rule:r]\nkind = exact\nmatch = 甲站广告\n");
    const char *b = fixture("b.ini", "[site]\nname = b\nsignature = 乙站文库\n"
                                     "[rule:r]\nkind = exact\nmatch = 乙站广告\n");
    snprintf(opt, sizeof opt, "profiles=%s,%s", a, b);
    const char *kv[] = {opt, NULL};
    inst I;
    assert_int_equal(make(&I, kv), 0);
    const char *in = "甲站广告\n乙站广告\n正文\n";
    char *o1 = run_url(&I, in, "https://www.Example.com/x/1.html", NULL);
    assert_string_equal(o1, "乙站广告\n正文\n");
    char *o2 = run_url(&I, in, "https://other.org/", NULL);
    assert_string_equal(o2, in);
    char *o3 = run_url(&I, "乙站文库 提供\n乙站广告\n正文\n", NULL, NULL);
    assert_string_equal(o3, "乙站文库 提供\n正文\n");
    free(o1), free(o2), free(o3);
    unmake(&I);
}

static void test_site_profiles_run_before_generic(void **s) {
    (void)s;
    char opt[1200];
    /* generic listed first, but the site profile's rule must win */
    const char *g = fixture("g.ini", "[site]\nname = g\n[rule:r]\nkind = substring\nmatch = 下载\n");
    const char *t = fixture("t.ini", "[site]\nname = t\nsignature = 某文库\n"
                                     "[rule:r]\nkind = substring\nmatch = 下载\n");
    snprintf(opt, sizeof opt, "profiles=%s,%s", g, t);
    const char *kv[] = {opt, NULL};
    inst I;
    assert_int_equal(make(&I, kv), 0);
    expect(&I, "某文库\n下载\n", "某文库\n");
    assert_int_equal(dc_stage_counter_get(I.stage, "t/r"), 1);
    assert_int_equal(dc_stage_counter_get(I.stage, "g/r"), 0);
    expect(&I, "别处\n下载\n", "别处\n");
    assert_int_equal(dc_stage_counter_get(I.stage, "g/r"), 1);
    unmake(&I);
}

/* ---------------- switches ---------------- */

static void test_disable_and_family_switches(void **s) {
    (void)s;
    const char *prof = "[site]\nname = s\n[rule:drop]\nkind = exact\nmatch = 甲\n"
                       "[rule:inl]\nkind = substring\naction = inline\nmatch = 【乙】\n"
                       "[rule:cut]\nkind = exact\naction = cut_to_end\nmatch = 丙\n"
                       "[repeated_title]\nwindow = 3\n";
    /* the body line is sentence-rich so that the cut_to_end guard lets 丙 cut */
    const char *in = "标题标题标题\n甲\n标题标题标题\n正文【乙】写得比较长一些的第一句话语言。\n丙\n尾\n";
    inst I;
    make_with(&I, prof, NULL);
    expect(&I, in, "标题标题标题\n正文写得比较长一些的第一句话语言。\n");
    unmake(&I);
    make_with(&I, prof, "disable=s/dr*");
    /* with 甲 kept, nothing was removed between the title and its copy */
    expect(&I, in, "标题标题标题\n甲\n标题标题标题\n正文写得比较长一些的第一句话语言。\n");
    unmake(&I);
    make_with(&I, prof, "inline=false");
    expect(&I, in, "标题标题标题\n正文【乙】写得比较长一些的第一句话语言。\n");
    unmake(&I);
    make_with(&I, prof, "cut_to_end=no");
    expect(&I, in, "标题标题标题\n正文写得比较长一些的第一句话语言。\n丙\n尾\n");
    unmake(&I);
    make_with(&I, prof, "repeated_title=false");
    expect(&I, in, "标题标题标题\n标题标题标题\n正文写得比较长一些的第一句话语言。\n");
    unmake(&I);
    make_with(&I, prof, "drop_line=false");
    expect(&I, in, "标题标题标题\n甲\n标题标题标题\n正文写得比较长一些的第一句话语言。\n");
    unmake(&I);
}

static void test_drop_empty_after(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 下载文档\n", NULL);
    dc_verdict v;
    const char *both = "下载文档\n\n下载文档";
    dc_doc *d = dc_doc_new("t", both, strlen(both));
    v = docclean_plugin.process(I.bp, d);
    assert_int_equal(v, DC_DROP);
    assert_string_equal(dc_doc_reason(d), "boilerplate: nothing left");
    dc_doc_free(d);
    char *out = run_url(&I, "", NULL, &v); /* an empty input is not our drop */
    assert_int_equal(v, DC_KEEP);
    free(out);
    unmake(&I);
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 下载文档\n", "drop_empty_after=false");
    out = run_url(&I, "下载文档\n", NULL, &v);
    assert_int_equal(v, DC_KEEP);
    assert_string_equal(out, "");
    free(out);
    unmake(&I);
}

/* ---------------- repeated title ---------------- */

static void test_repeated_title(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 时间:\n[repeated_title]\nwindow = 4\n", NULL);
    /* the copy after a dropped meta line, count-suffix variant, ### marks */
    expect(&I, "工作总结汇总十篇\n时间:\n工作总结\n### 工作总结汇总十篇\n工作总结 篇1\n正文\n",
           "工作总结汇总十篇\n工作总结 篇1\n正文\n");
    /* outside the window, or too short, a repeat stays */
    expect(&I, "一二三四五\n甲\n乙\n丙\n丁\n一二三四五\n", "一二三四五\n甲\n乙\n丙\n丁\n一二三四五\n");
    expect(&I, "总则\n总则\n", "总则\n总则\n");
    /* right after the first line, with only blank lines between: a copy */
    expect(&I, "学校安全制度\n\n学校安全制度\n正文\n", "学校安全制度\n\n正文\n");
    /* a statute's title under its header block, no junk between: kept */
    const char *law = "# 某某市条例\n\n2020年1月1日通过\n\n某某市条例\n\n第一条 内容。\n";
    expect(&I, law, law);
    /* a sentence is not a title */
    expect(&I, "一二三四五。\n一二三四五。\n", "一二三四五。\n一二三四五。\n");
    /* "第一篇:" before the first copy, and an anonymized copy (X XX) */
    expect(&I, "第一篇:办公环境管理办法\n办公环境管理办法\n正文\n", "第一篇:办公环境管理办法\n正文\n");
    expect(&I, "XX县防汛应急预案\n时间:\n X XX 县防汛应急预案\n正文\n", "XX县防汛应急预案\n正文\n");
    /* "第一篇" alone is not stripped into an empty title */
    expect(&I, "第一篇\n时间:\n第一篇\n", "第一篇\n第一篇\n");
    unmake(&I);
}

static void test_title_tags(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 收藏\n[repeated_title]\nwindow = 12\n", NULL);
    expect(&I, "收藏\n2024\n教育局\n工作总结\n市教育体育局二〇二四年工作总结\n正文。\n",
           "市教育体育局二〇二四年工作总结\n正文。\n");
    assert_int_equal(dc_stage_counter_get(I.stage, "p/title-tags"), 3);
    /* a cover spelled one character per line is the document's own text */
    const char *cover = "应\n急\n预\n案\n应急预案编制单位名单\n";
    expect(&I, cover, cover);
    /* short lines that are not words of the next line stay */
    const char *list = "甲方\n乙方\n市教育体育局二〇二四年工作总结\n";
    expect(&I, list, list);
    unmake(&I);
}

static void test_teaser(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 收藏\n[repeated_title]\nwindow = 12\n", NULL);
    const char *body = "一、活动背景随着城市的不断发展,社区的人口越来越多,居民对安全知识的需求不断增加,"
                       "我们决定在本月开展一次面向全体居民的消防安全宣传活动。\n";
    char in[2048], want[2048];
    /* title + the start of the text, cut off mid-word, before the full text */
    snprintf(in, sizeof in, "社区消防活动方案\n社区消防活动方案一、活动背景随着城市的不断发展,社区的人口越来越多,居民对安全知识的需求不断\n%s", body);
    snprintf(want, sizeof want, "社区消防活动方案\n%s", body);
    expect(&I, in, want);
    assert_int_equal(dc_stage_counter_get(I.stage, "p/teaser"), 1);
    /* a long title quoted deep inside a later sentence is not a teaser */
    const char *law = "关于办理危害食品安全刑事案件适用法律若干问题的解释和有关规定的补充说明的通知文件\n"
                      "第一条 本解释公布实施后,以前发布的关于办理危害食品安全刑事案件适用法律若干问题的解释和有关规定的补充说明的通知文件同时废止。\n";
    expect(&I, law, law);
    unmake(&I);
}

/* ---------------- text edge cases ---------------- */

static void test_blank_lines_collapse(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 广告\n", NULL);
    /* holes left by removed lines close up; the document's own blank lines stay */
    expect(&I, "\n广告\n\n标题\n\n广告\n\n正文\n\n\n第二段\n\n广告\n\n",
           "标题\n\n正文\n\n\n第二段\n");
    unmake(&I);
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 广告\n", "collapse_blank_lines=false");
    expect(&I, "标题\n\n广告\n\n正文\n", "标题\n\n\n正文\n");
    unmake(&I);
}

static void test_crlf_nbsp_and_last_line(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 收藏\n", NULL);
    expect(&I, "正文\r\n\xe3\x80\x80收藏\xc2\xa0\r\n尾\r\n", "正文\r\n尾\r\n");
    expect(&I, "正文\n收藏\n收藏", "正文\n"); /* two dropped last lines, no final newline */
    expect(&I, "收藏", ""); /* nothing left: the verdict is drop (test_drop_empty_after) */
    unmake(&I);
}

static void test_invalid_utf8_passes_through(void **s) {
    (void)s;
    inst I;
    make_with(&I, "[rule:r]\nkind = regex\nmatch = ^下载\n[rule:i]\nkind = regex\naction = inline\n"
                  "match = 【广告】\n",
              NULL);
    const char in[] = "\xff\xfe\xe4\xb8\n\xe4\xb8\x8b\xe8\xbd\xbd\xff\n\xc3(\xe6\n";
    char *out = run(&I, in);
    assert_string_equal(out, "\xff\xfe\xe4\xb8\n\xc3(\xe6\n");
    free(out);
    unmake(&I);
}

static void test_pinyin_annotations_ignored(void **s) {
    (void)s;
    inst I;
    make_with(&I,
              "[rule:r]\nkind = exact\nmatch = 相關推薦\n"
              "[rule:i]\nkind = regex\naction = inline\nmatch = ^【實用】\n",
              NULL);
    expect(&I, "相關(guān)推薦\n【實(shí)用】租房合同(甲方)\n", "租房合同(甲方)\n");
    unmake(&I);
    make_with(&I, "[rule:r]\nkind = exact\nmatch = 相關推薦\n", "ignore_pinyin=false");
    expect(&I, "相關(guān)推薦\n", "相關(guān)推薦\n");
    unmake(&I);
}

/* ---------------- prefilter ---------------- */

typedef struct hits {
    int n;
    int seen[512];
} hits;

static void count_hit(void *ctx, int id) {
    hits *h = ctx;
    if (!h->seen[id]++) h->n++;
}

static void test_prefilter_many_literals(void **s) {
    (void)s;
    bp_prefilter *pf = bp_prefilter_new();
    char lits[300][32];
    for (int i = 0; i < 300; i++) {
        snprintf(lits[i], sizeof lits[i], "规则%d号", i);
        assert_int_equal(bp_prefilter_add(pf, lits[i], strlen(lits[i]), i), 0);
    }
    assert_int_equal(bp_prefilter_add(pf, "", 0, 299), -1);  /* nothing to index */
    assert_int_equal(bp_prefilter_add(pf, ">", 1, 300), 0);   /* 1-byte table */
    assert_int_equal(bp_prefilter_add(pf, "ab", 2, 301), 0);  /* 2-byte table */
    assert_int_equal(bp_prefilter_add(pf, "共", 3, 302), 0);  /* 3-byte table */
    assert_int_equal(bp_prefilter_build(pf), 0);
    hits h = {0};
    const char *line = "前面规则7号和规则299号以及规则12号,末尾ab>";
    bp_prefilter_scan(pf, line, strlen(line), count_hit, &h);
    assert_int_equal(h.n, 5);
    assert_true(h.seen[7] && h.seen[299] && h.seen[12] && h.seen[301] && h.seen[300]);
    /* a literal is only found at a character start, never inside one */
    hits mid = {0};
    const char *inside = "\xe5\x85\xb1"; /* 共 itself: found */
    bp_prefilter_scan(pf, inside, 3, count_hit, &mid);
    assert_int_equal(mid.n, 1);
    hits none = {0};
    bp_prefilter_scan(pf, "规则", 6, count_hit, &none); /* literal longer than text */
    assert_int_equal(none.n, 0);
    bp_prefilter_free(pf);
}

/* ---------------- the shipped generic profile ---------------- */

typedef struct gcase {
    const char *rule;    /* generic-docsite/<rule> must fire on junk */
    const char *junk;    /* a junk line (own words, not copied from pages) */
    const char *content; /* a content line near it that must stay */
} gcase;

static const gcase generic_cases[] = {
    {"upload-notice", "2、本文档由用户上传,本平台仅做整理发布。", "本文档由三个部分组成,下面分别说明各部分的内容和要求。"},
    {"disclaimer", "免责声明:以上内容来自网友,仅供参考。", "合同应当写明免责条款的适用范围,以及违约责任的承担方式和争议的解决办法等内容。"},
    {"site-self-notice", "本站确认后会在三个工作日内处理。", "本站位于城市东侧,附近有公交站台。"},
    {"service-contact", "在线客服QQ:123456789", "客服人员要耐心回答顾客的问题。"},
    {"size-badge", "• 48.2 KB", "本次共收集资料48.2KB左右的电子表格一份。"},
    {"page-count-badge", "共12页", "全书共12页,分为三个部分。"},
    {"publish-badge", "2021-05-06 12:30:01 发布", "2021年5月6日,学校召开了全体教师大会。"},
    {"doc-info-label", "文件大小:2.3MB", "文件大小要控制在合理范围之内。"},
    {"meta-label", "发布时间:2020-01-02 08:00", "发布时间由办公室统一确定。"},
    {"meta-counter", "本文已被浏览次数:88 次", "这次活动吸引了许多人参加。"},
    {"meta-empty-field", "责编: 阅读:", "我们一起阅读:《朝花夕拾》。"},
    {"meta-datetime", "某某网 2020-03-04 10:11", "二〇二〇年三月四日"},
    {"meta-datetime-source", "某某市某某区某某街道办事处宣传科某某某某某某某某某某某某某某某某某某某某某某某某某某某某 2018-01-02 来源:某某网站", "1月2日的来源情况说明如下。"},
    {"gov-info-box", "- 发文字号:某政发〔2020〕1号", "根据某政发〔2020〕1号文件精神,现将有关事项通知如下。"},
    {"gov-info-name", "名称: 关于印发某县防汛应急预案的通知", "名称:某某有限公司"},
    {"journal-issue", "某某学刊 2021年第3期", "本刊2021年第3期刊发了这篇文章。"},
    {"download-prompt", "立即下载", "下一步我们要开展立法工作。"},
    {"widget-word", "保存成功", "保存成功的经验要推广。"},
    {"ad-banner", "写作助手,超好用的写作神器!", "他的写作很有神采。"},
    {"page-counter", "第3页 / 共9页", "第3页的表格需要重新填写。"},
    {"breadcrumb", "当前位置:首页 > 范文 > 总结", "我们当前的位置十分重要。"},
    {"breadcrumb-path", "某某学院 > 新闻中心 > 正文", "当温度>30时应当停止作业。"},
    {"breadcrumb-path", "某某网 » 教育频道 » 正文", "甲>乙,乙>丙,所以甲>丙。"},
    {"welcome-banner", "欢迎访问某某范文网!", "欢迎访问团到我校参观交流,我们表示热烈欢迎和衷心感谢。"},
    {"prev-next", "上一篇:某某计划 下一篇:某某总结", "他上一次来已经是三年前了。"},
    {"site-self-description", "作文专题栏目,提供与读后感相关的作文集合。", "我们提供优质服务,是群众满意的窗口。"},
    {"repost-footer", "原文链接:https://example.com/a/1.html", "详见网站的说明文件。"},
    {"recommend-heading", "小编推荐:年终总结大全", "编辑部推荐了三篇优秀稿件。"},
    {"copyright-footer", "Copyright © 2020 某某网 版权所有", "著作权人享有作品的署名权。"},
    {"template-link-row", "请假条格式 | 请假条范文 | 请假条模板 | 请假条写法", "姓名 | 年龄 | 性别 | 职务"},
    {"collection-toc", "本文目录工作计划一工作计划二工作计划三", "本文目录如下:"},
    {"category-label", "校园新闻", "校园新闻报道了运动会的盛况。"},
    {"reference-widget", "某某百科-通知", "百科全书是工具书的一种。"},
    {"seo-spam", "超碰在线|免费观看视频,毛片在线,久久影院", "电影院今天放映两部国产影片,观众反响热烈。"},
    {"anticopy-noise", "# q5 L% z* 8a ~x @1 }0", "A. 正确 B. 错误 C. 不确定 D. 都不对"},
    {"editor-intro", "下面是小编为大家整理的请假条范文,仅供参考。", "编辑部的小王为大家讲解了排版要求。"},
    {"related-heading-top", "- 相关推荐", "相关推荐意见已经报送上级部门。"},
    {"author-byline", "作者: 某某abc", "作者在书中写道:读书使人明智。"},
    {"genre-tag", "-学习心得", "学习心得体会范文三篇"},
    {"site-name-line", "某某文学吧", "某某文学吧的会员在这里交流写作经验。"},
    {"comment-widget", "查看剩下25条评论", "大家的评论让我们受益匪浅,我们会继续改进工作。"},
    {"comment-widget", "写评论", "文学评论"},
};

/* Doc layout puts the junk in the middle (header/footer zones still hold it
 * for rules limited to them: the doc is short). */
static void test_generic_profile_rules(void **s) {
    (void)s;
    char opt[1200];
    snprintf(opt, sizeof opt, "profiles=%s", generic_profile());
    const char *kv[] = {opt, NULL};
    inst I;
    if (make(&I, kv) != 0) fail_msg("generic profile: %s", I.err);
    for (size_t k = 0; k < sizeof generic_cases / sizeof *generic_cases; k++) {
        const gcase *c = &generic_cases[k];
        char name[128], in[2048], want[2048];
        snprintf(name, sizeof name, "generic-docsite/%s", c->rule);
        int64_t before = dc_stage_counter_get(I.stage, name);
        snprintf(in, sizeof in, "文档标题一号\n%s\n%s\n", c->junk, c->content);
        snprintf(want, sizeof want, "文档标题一号\n%s\n", c->content);
        char *out = run(&I, in);
        if (strcmp(out, want) != 0)
            fail_msg("rule %s:\n--- got\n%s--- want\n%s", c->rule, out, want);
        free(out);
        if (dc_stage_counter_get(I.stage, name) != before + 1)
            fail_msg("rule %s did not count the removal", c->rule);
        /* negative: the content line alone is untouched */
        snprintf(in, sizeof in, "文档标题一号\n%s\n", c->content);
        out = run(&I, in);
        if (strcmp(out, in) != 0) fail_msg("rule %s: content changed: %s", c->rule, out);
        free(out);
    }
    unmake(&I);
}

typedef struct icase {
    const char *rule, *in, *want;
} icase;

static const icase inline_cases[] = {
    {"inline-hidden-marker", "前面的话……此处隐藏512个字……后面的话", "前面的话后面的话"},
    {"inline-title-badge", "【精品】学校工作计划", "学校工作计划"},
    {"inline-print-label", "标题 | 学校工作计划 [打印本页]", "学校工作计划"},
    {"inline-keyword-notice", "某某研究综述,本文主要内容关键词为:甲论文,乙论文,文章仅供参考阅读下载。", "某某研究综述"},
    {"inline-pagebreak", "今年我们完成了全部的建设任务第1页共4页并且通过了上级部门组织的验收工作。",
     "今年我们完成了全部的建设任务并且通过了上级部门组织的验收工作。"},
    {"inline-related-prefix", "相关范文:活动策划的基本步骤如下。", "活动策划的基本步骤如下。"},
    {"inline-gambling-brand", "会议指出开云体育官网要加强管理。", "会议指出要加强管理。"},
    {"inline-signature-dashes", "这是一篇关于论文检测的介绍文章。-------某某检测专家", "这是一篇关于论文检测的介绍文章。"},
    {"inline-welcome-intro", "欢迎阅读了解请假条的写法,请假条一般由标题和正文组成。", "请假条一般由标题和正文组成。"},
};

static void test_generic_profile_inline_rules(void **s) {
    (void)s;
    char opt[1200];
    snprintf(opt, sizeof opt, "profiles=%s", generic_profile());
    const char *kv[] = {opt, NULL};
    inst I;
    if (make(&I, kv) != 0) fail_msg("generic profile: %s", I.err);
    for (size_t k = 0; k < sizeof inline_cases / sizeof *inline_cases; k++) {
        const icase *c = &inline_cases[k];
        char in[2048], want[2048], name[128];
        snprintf(name, sizeof name, "generic-docsite/%s", c->rule);
        int64_t before = dc_stage_counter_get(I.stage, name);
        snprintf(in, sizeof in, "正文第一行内容\n%s\n", c->in);
        snprintf(want, sizeof want, "正文第一行内容\n%s\n", c->want);
        char *out = run(&I, in);
        if (strcmp(out, want) != 0) fail_msg("rule %s:\n--- got\n%s--- want\n%s", c->rule, out, want);
        free(out);
        if (dc_stage_counter_get(I.stage, name) <= before) fail_msg("rule %s not counted", c->rule);
    }
    /* negatives: look-alikes that must stay */
    const char *keep[] = {"标题:学校工作计划", "正文:", "他在【实践】中成长。", "开云南的山路很难走。",
                          "第1页的内容很重要。", "分隔线-----", "欢迎阅读本书的读者朋友们。",
                          "2023年体育中考方案", "学校举办第20届体育节。", "G20论坛在杭州举行。", NULL};
    for (int k = 0; keep[k]; k++) {
        char in[512];
        snprintf(in, sizeof in, "正文第一行内容\n%s\n", keep[k]);
        char *out = run(&I, in);
        if (strcmp(out, in) != 0) fail_msg("inline changed '%s' -> %s", keep[k], out);
        free(out);
    }
    unmake(&I);
}

/* Cut-to-end of the generic profile only acts in the footer zone; near
 * the top the same heading is dropped as a line and the text stays. */
static void test_generic_related_list_only_in_footer(void **s) {
    (void)s;
    char opt[1200];
    snprintf(opt, sizeof opt, "profiles=%s", generic_profile());
    const char *kv[] = {opt, NULL};
    inst I;
    assert_int_equal(make(&I, kv), 0);
    char body[4096] = "", in[8192], want[8192];
    for (int i = 0; i < 50; i++) strcat(body, "这是正文中的一段内容,足够长也有句号。\n"); /* sentence-rich: the cut guard */
    snprintf(in, sizeof in, "标题\n相关文章:\n%s", body);
    snprintf(want, sizeof want, "标题\n%s", body);
    expect(&I, in, want);
    snprintf(in, sizeof in, "标题\n%s相关文章:\n别的文章一\n别的文章二\n", body);
    snprintf(want, sizeof want, "标题\n%s", body);
    expect(&I, in, want);
    snprintf(in, sizeof in, "标题\n%s【某某总结】相关文章:\n别的文章一 12-06\n", body);
    expect(&I, in, want);
    assert_int_equal(dc_stage_counter_get(I.stage, "generic-docsite/related-list"), 5); /* lines cut */
    /* a sentence that mentions related articles is not a heading */
    snprintf(in, sizeof in, "标题\n%s与本案相关文章的作者已经到庭。\n", body);
    expect(&I, in, in);
    unmake(&I);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_boilerplate.XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_bad_regex_names_file_line),
        cmocka_unit_test(test_error_long_line_is_loud),
        cmocka_unit_test(test_error_inline_comment_is_loud),
        cmocka_unit_test(test_error_unknown_key_and_values),
        cmocka_unit_test(test_error_bad_regex_in_match_file),
        cmocka_unit_test(test_error_missing_profile_file),
        cmocka_unit_test(test_match_file_keeps_long_and_semicolon_values),
        cmocka_unit_test(test_kind_exact),
        cmocka_unit_test(test_kind_prefix),
        cmocka_unit_test(test_kind_substring),
        cmocka_unit_test(test_kind_regex_and_literal_extraction),
        cmocka_unit_test(test_regex_with_alternation_needs_no_literal),
        cmocka_unit_test(test_need_literal_gates_regex),
        cmocka_unit_test(test_zone_header_and_footer),
        cmocka_unit_test(test_zone_default_from_site_section),
        cmocka_unit_test(test_action_cut_to_end),
        cmocka_unit_test(test_action_inline),
        cmocka_unit_test(test_inline_literal_and_anchor_on_later_line),
        cmocka_unit_test(test_min_max_chars),
        cmocka_unit_test(test_first_rule_wins_and_counters),
        cmocka_unit_test(test_site_by_host_and_signature),
        cmocka_unit_test(test_site_profiles_run_before_generic),
        cmocka_unit_test(test_disable_and_family_switches),
        cmocka_unit_test(test_drop_empty_after),
        cmocka_unit_test(test_repeated_title),
        cmocka_unit_test(test_title_tags),
        cmocka_unit_test(test_teaser),
        cmocka_unit_test(test_blank_lines_collapse),
        cmocka_unit_test(test_crlf_nbsp_and_last_line),
        cmocka_unit_test(test_invalid_utf8_passes_through),
        cmocka_unit_test(test_pinyin_annotations_ignored),
        cmocka_unit_test(test_prefilter_many_literals),
        cmocka_unit_test(test_generic_profile_rules),
        cmocka_unit_test(test_generic_profile_inline_rules),
        cmocka_unit_test(test_generic_related_list_only_in_footer),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
