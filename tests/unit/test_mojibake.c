/*
 * test_mojibake.c - the mojibake stage through the real host (testkit):
 * every rule with a positive and a negative case, the switches, the
 * counters, and the byte-level repair functions directly.
 *
 * The damaged strings were made by tests/fixtures/mojibake/gen_fixtures.py
 * (GBK-encode a sentence, delete a byte or clear a high bit, decode as
 * GB18030); they are spelled in octal so the exact bytes are visible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mj.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

/* Run the stage with options kv on `in`; return the output (malloc'd). */
static char *run(const char *const *kv, const char *in)
{
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    int v = dc_test_run(&docclean_plugin, kv, in, strlen(in), &out, &outlen, &reason);
    assert_int_equal(v, DC_KEEP);
    free(reason);
    assert_int_equal(strlen(out), outlen);
    return out;
}

static void expect(const char *const *kv, const char *in, const char *want)
{
    char *got = run(kv, in);
    assert_string_equal(got, want);
    free(got);
}

static void expect_same(const char *const *kv, const char *in)
{
    expect(kv, in, in);
}

/* "  （二）加強教師隊伍建設，提高教學質量。" with the first byte of "（" lost. */
static const char *DROP =
    "  \307\230\356\221\252\342\224\230\350\250\214\345\250\212\350\231\225\347\206\275\347\212"
    "\226\346\246\273\343\204\224O\357\274\214\346\217\220\351\253\230\346\225\231\345\255\270"
    "\350\263\252\351\207\217\343\200\202\n";
/* "我們認真總結經驗，不斷完善學校管理制度。" with the trail byte of "結" lost. */
static const char *MID =
    "\346\210\221\345\200\221\350\252\215\347\234\237\347\270\275\346\265\207\346\266\267\347"
    "\201\222\356\203\215\347\262\251\345\227\244\346\231\237\350\214\226W\346\240\241\347\256"
    "\241\347\220\206\345\210\266\345\272\246\343\200\202\n";
/* "全區各校基本做到校園環境整潔優美。" with the high bit of "基"'s lead cleared. */
static const char *HIGHBIT =
    "\345\205\250\345\215\200\345\220\204\346\240\241;\356\212\242\345\222\200\351\276\205\345"
    "\217\253\356\227\215@\347\222\260\345\242\203\346\225\264\346\275\224\345\204\252\347\276"
    "\216\343\200\202\n";
/* "参数设置已经完成" in UTF-8, read as GBK. */
static const char *UTF8GBK =
    "\351\215\231\345\202\233\346\232\237\347\222\201\345\211\247\347\226\206\345\256\270\350"
    "\214\254\347\262\241\347\200\271\345\261\276\345\236\232\n";
/* "中文字符编码测试" in GBK, read as cp1252. */
static const char *LATIN =
    "\303\226\303\220\303\216\303\204\303\227\303\226\302\267\303\273\302\261\303\240\303\202"
    "\303\253\302\262\303\242\303\212\303\224\n";

/* ---- misalignment ---- */

static void test_misalign_drop(void **st)
{
    (void)st;
    expect(NULL, DROP, "  二）加強教師隊伍建設，提高教學質量。\n");
}

static void test_misalign_mid(void **st)
{
    (void)st;
    expect(NULL, MID, "我們認真總經驗，不斷完善學校管理制度。\n");
}

static void test_misalign_highbit(void **st)
{
    (void)st;
    expect(NULL, HIGHBIT, "全區各校基本做到校園環境整潔優美。\n");
}

static void test_misalign_switches(void **st)
{
    (void)st;
    const char *off[] = {"misalign=false", NULL};
    char *got = run(off, MID);
    assert_string_not_equal(got, "我們認真總經驗，不斷完善學校管理制度。\n");
    free(got);
    /* Without high-bit restoration the ';' stays a ';' (no full recovery). */
    const char *nohb[] = {"restore_high_bit=false", NULL};
    got = run(nohb, HIGHBIT);
    assert_string_not_equal(got, "全區各校基本做到校園環境整潔優美。\n");
    assert_null(strstr(got, "\356\212\242")); /* the private-use symptom still goes */
    free(got);
}

/* Clean text with weak signs (ASCII between Han, rare Han, box tables,
 * bopomofo lessons, a lone private-use glyph) is never touched. */
static void test_misalign_negative(void **st)
{
    (void)st;
    expect_same(NULL, "A股市场今天上涨，B超检查正常，X光片已出，T恤打折。\n");
    expect_same(NULL, "注音符號：ㄅㄆㄇㄈ，ㄉㄊㄋㄌ。\n");
    expect_same(NULL, "┌────┬────┐\n│名称│数量│\n└────┴────┘\n");
    expect_same(NULL, "古籍中此字\356\211\252待考。\n");
    expect_same(NULL, "饕餮、魑魅魍魉、耄耋、龃龉都是难字。\n");
    expect_same(NULL, "お婆さんは川へ洗濯に行きました。大きな桃が流れてきました。\n");
    expect_same(NULL, "北京(Běijīng)是中国的首都。饕(tāo)餮(tiè)是传说中的猛兽。\n");
}

/* ---- classic mojibake ---- */

static void test_utf8_as_gbk(void **st)
{
    (void)st;
    expect(NULL, UTF8GBK, "参数设置已经完成\n");
    expect(NULL, "鍙傛暟\n", "参数\n");
    const char *off[] = {"utf8_as_gbk=false", "misalign=false", NULL};
    expect_same(off, UTF8GBK);
}

static void test_latin1(void **st)
{
    (void)st;
    expect(NULL, LATIN, "中文字符编码测试\n");
    expect(NULL, "ÖÐÎÄ\n", "中文\n");
    expect(NULL, "ä¸­æ–‡\n", "中文\n"); /* UTF-8 read as cp1252 */
    const char *off[] = {"latin1=false", NULL};
    expect_same(off, LATIN);
    expect_same(NULL, "Müller café, naïve résumé, Ångström.\n");
    expect_same(NULL, "第···届 ···活动，5×3=15，气温25°C。\n");
}

/* "電腦網路連線" / "銀行帳戶餘額" / "選舉結果統計" in Big5, read as GBK. */
static const char *BIG5GBK =
    "\347\255\277\347\246\217\345\221\274\351\232\224\347\241\210\347\265\254\n\350\235"
    "\227\357\270\275\347\234\200\343\202\201\347\267\207\350\202\202\n\345\214\241\347"
    "\276\255\346\214\241\347\213\246\345\217\202\347\222\270\n";
/* "学校的参数设置已经完成了吗" in GBK, read as Big5. */
static const char *GBKBIG5 =
    "\346\202\235\350\213\272\350\205\224\347\265\261\346\235\205\346\211\242\347\246"
    "\273\347\234\222\345\206\252\344\277\207\345\202\226\350\263\270\351\216\230\n";

static void test_big5(void **st)
{
    (void)st;
    expect(NULL, BIG5GBK, "電腦網路連線\n銀行帳戶餘額\n選舉結果統計\n");
    expect(NULL, GBKBIG5, "学校的参数设置已经完成了吗\n");
    const char *off[] = {"big5=false", "misalign=false", NULL};
    expect_same(off, BIG5GBK);
    expect_same(off, GBKBIG5);
    /* Clean traditional and simplified lines full of rare characters stay. */
    expect_same(NULL, "饕餮、魑魅魍魉、耄耋、龃龉都是难字。\n");
    expect_same(NULL, "鬱鬱蔥蔥，龘靐齉齾爩鱻麤龖。\n");
}

/* ---- unrecoverable ---- */

static void test_unrecoverable(void **st)
{
    (void)st;
    const char *in = "内容锟斤拷锟斤拷已损坏，内存烫烫烫烫未初始化，标题\357\277\275\357\277\275正文。\n";
    expect(NULL, in, "内容已损坏，内存未初始化，标题正文。\n");
    const char *mark[] = {"unrecoverable=mark", "marker=<?>", NULL};
    expect(mark, in, "内容<?>已损坏，内存<?>未初始化，标题<?>正文。\n");
    const char *keep[] = {"unrecoverable=keep", NULL};
    expect_same(keep, in);
    expect(NULL, "名字???看不清了。\n", "名字看不清了。\n");
    const char *noq[] = {"question_runs=false", NULL};
    expect_same(noq, "名字???看不清了。\n");
}

static void test_unrecoverable_negative(void **st)
{
    (void)st;
    expect_same(NULL, "你说什么???真的吗？热烫烫的汤。屯兵。\n");
    expect_same(NULL, "填空：3□5=8，□□处填写。\n");
    expect_same(NULL, "锟铻是古代名剑。\n");
}

/* ---- robustness ---- */

static void test_invalid_utf8_passes(void **st)
{
    (void)st;
    const char in[] = "abc\377\376中文\300\n鍙傛暟";
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    int v = dc_test_run(&docclean_plugin, NULL, in, sizeof in - 1, &out, &outlen, &reason);
    assert_int_equal(v, DC_KEEP);
    assert_memory_equal(out, "abc\377\376中文\300\n参数", outlen);
    free(out);
    free(reason);
    expect_same(NULL, "");
}

static void test_bad_option(void **st)
{
    (void)st;
    const char *kv[] = {"window=0", NULL};
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    assert_int_equal(dc_test_run(&docclean_plugin, kv, "x", 1, &out, &outlen, &reason), -1);
    assert_non_null(reason);
    free(reason);
    free(out);
}

/* ---- counters ---- */

static void test_counters(void **st)
{
    (void)st;
    const dc_host *h = dc_host_get();
    char err[256];
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    assert_non_null(o);
    dc_stage *stage = dc_stage_new_standalone("mojibake");
    void *inst = docclean_plugin.create(h, stage, o, err, sizeof err);
    assert_non_null(inst);
    const char *texts[] = {DROP, MID, UTF8GBK, LATIN, BIG5GBK, "锟斤拷\n", "干净的文本。\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dc_doc *d = dc_doc_new("t", texts[i], strlen(texts[i]));
        assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
        dc_doc_free(d);
    }
    assert_int_equal(dc_stage_counter_get(stage, "docs_repaired"), 6);
    assert_int_equal(dc_stage_counter_get(stage, "big5_gbk_runs"), 3);
    assert_int_equal(dc_stage_counter_get(stage, "misaligned_runs"), 2);
    assert_true(dc_stage_counter_get(stage, "bytes_dropped") >= 2);
    assert_int_equal(dc_stage_counter_get(stage, "utf8_as_gbk_runs"), 1);
    assert_int_equal(dc_stage_counter_get(stage, "latin1_runs"), 1);
    assert_int_equal(dc_stage_counter_get(stage, "unrecoverable_runs"), 1);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(stage);
    dc_options_free(o);
}

/* ---- the byte-level search directly ---- */

static void test_repair_function(void **st)
{
    (void)st;
    char err[256];
    mj_tables *t = mj_tables_new(err, sizeof err);
    assert_non_null(t);
    mj_model m = {t, MJ_COST_OTHER};
    /* 辦 is DE 6B in GBK: " 。ㄒ唬┺k學" is "20 A1 A3 A8 D2 BB A3 A9 DE 6B 8C 57". */
    uint32_t in[] = {' ', 0x3002, 0x3112, 0x552C, 0x253A, 'k', 0x5B78};
    mj_fix fx;
    assert_int_equal(mj_misalign_repair(&m, in, 7, 1, 0, &fx), 0);
    uint32_t want[] = {' ', 0xFF08, 0x4E00, 0xFF09, 0x8FA6, 0x5B78}; /* " （一）辦學" */
    assert_int_equal(fx.ncps, 6);
    assert_memory_equal(fx.cps, want, sizeof want);
    assert_int_equal(fx.dropped, 1);
    assert_true(fx.gain > 0);
    free(fx.cps);
    /* Clean text: the search returns it unchanged. */
    uint32_t clean[] = {0x4E2D, 0x6587, 0x5B57, 0x7B26};
    assert_int_equal(mj_misalign_repair(&m, clean, 4, 1, 0, &fx), 0);
    assert_int_equal(fx.ncps, 4);
    assert_memory_equal(fx.cps, clean, sizeof clean);
    assert_int_equal(fx.gain, 0);
    free(fx.cps);
    mj_tables_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misalign_drop),
        cmocka_unit_test(test_misalign_mid),
        cmocka_unit_test(test_misalign_highbit),
        cmocka_unit_test(test_misalign_switches),
        cmocka_unit_test(test_misalign_negative),
        cmocka_unit_test(test_utf8_as_gbk),
        cmocka_unit_test(test_latin1),
        cmocka_unit_test(test_big5),
        cmocka_unit_test(test_unrecoverable),
        cmocka_unit_test(test_unrecoverable_negative),
        cmocka_unit_test(test_invalid_utf8_passes),
        cmocka_unit_test(test_bad_option),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_repair_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
