/*
 * test_pii.c - the pii stage: the validators (ID checksum and birth date,
 * Luhn), every type in the ways pages write it, the look-alikes that must
 * stay, cues for QQ/WeChat, the three modes, type switches, metadata and
 * counters.  All numbers are made up for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pii.h"
#include "testkit.h"
#include "plugin_expect.h"

#define MOB "⟦mobile⟧"
#define LAN "⟦landline⟧"
#define IDC "⟦idcard⟧"
#define BANK "⟦bankcard⟧"
#define QQ "⟦qq⟧"
#define WX "⟦wechat⟧"
#define MAIL "⟦email⟧"

typedef struct tcase {
    const char *in, *out; /* out NULL: unchanged */
} tcase;

static void run_cases(const char *const *kv, const tcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) expect_plugin_output(kv, c[i].in, c[i].out ? c[i].out : c[i].in);
}
#define RUN(kv, cases) run_cases(kv, cases, sizeof cases / sizeof *cases)

static void test_validators(void **s)
{
    (void)s;
    assert_true(pii_idcard_valid("11010519491231002X"));
    assert_true(pii_idcard_valid("11010519491231002x"));
    assert_false(pii_idcard_valid("110105194912310021")); /* checksum */
    assert_false(pii_idcard_valid("11010519490231002X")); /* 31 February... wrong digit too */
    assert_false(pii_idcard_valid("99010519491231002X")); /* no province 99 */
    assert_true(pii_luhn_valid("4111111111111111", 16));
    assert_false(pii_luhn_valid("4111111111111112", 16));
    assert_true(pii_luhn_valid("6222021234567890128", 19));
}

static void test_numbers(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"电话13812345678。", "电话" MOB "。"},
        {"手机：138-1234-5678", "手机：" MOB},
        {"手机 138 1234 5678 联系", "手机 " MOB " 联系"},
        {"拨打+86 13912345678", "拨打" MOB},
        {"拨打008613912345678", "拨打" MOB},
        {"电话010-62345678", "电话" LAN},
        {"电话0755-82345678-801转", "电话" LAN "转"},
        {"(0571)88886666", LAN},
        {"（020）87654321", LAN},
        {"Tel:075582345678", "Tel:" LAN},
        {"证件11010519491231002X。", "证件" IDC "。"},
        {"卡号6222021234567890128", "卡号" BANK},
        {"卡号 4111 1111 1111 1111 已停用", "卡号 " BANK " 已停用"},
    };
    RUN(NULL, c);
}

static void test_cues(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"QQ:12345678", "QQ:" QQ},
        {"QQ号码是 1234567", "QQ号码是 " QQ},
        {"扣扣88886666", "扣扣" QQ},
        {"QQ12345678", "QQ" QQ},
        {"微信：zhang_san88", "微信：" WX},
        {"加V abc12345 领资料", "加V " WX " 领资料"},
        {"vx13812345678", "vx" WX},
        {"微信同号13812345678", "微信同号" MOB},
        {"写信 zhangsan@example.com。", "写信 " MAIL "。"},
        {"12345@qq.com", MAIL},
        /* no cue: untouched */
        {"共12345678人", NULL},
        {"函数zhang_san88返回", NULL},
        {"wxWidgets 3.2", NULL},
    };
    RUN(NULL, c);
}

static void test_lookalikes(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"市教基字[2019]1号", NULL},
        {"GB/T 1234-2008", NULL},
        {"GB 50016-2014", NULL},
        {"ISBN 978-7-111-12345-6", NULL},
        {"ISBN 9787111123456", NULL},
        {"2019年3月15日", NULL},
        {"20190315", NULL},
        {"2019-03-15", NULL},
        {"金额13812345678元", NULL},
        {"合计13812345678.50", NULL},
        {"订单号：13812345678", NULL},
        {"编号110105194912310021", NULL},
        {"110105194912310021", NULL},  /* ID shape, bad checksum */
        {"4111111111111112", NULL},    /* Luhn fails */
        {"1234567890123456", NULL},    /* Luhn ok? prefix 1 is no card */
        {"第138条", NULL},
        {"http://a.cn/13812345678", NULL},
        {"id=13812345678&x", NULL},
        {"v1.13812345678", NULL},
        {"A13812345678", NULL},
        {"0755-8234", NULL},
        {"400-810-8888", NULL},
        {"user@localhost", NULL},
    };
    RUN(NULL, c);
}

static void test_modes(void **s)
{
    (void)s;
    static const char *const mask[] = {"mode=mask", NULL};
    expect_plugin_output(mask, "电话13812345678。", "电话138******78。");
    expect_plugin_output(mask, "a.b@ex.com", "a.b@e*.*om");
    static const char *const mask2[] = {"mode=mask", "mask_head=0", "mask_tail=4", "mask_char=#",
                                        NULL};
    expect_plugin_output(mask2, "13812345678", "#######5678");
    static const char *const keep[] = {"mode=keep", NULL};
    expect_plugin_same(keep, "电话13812345678。");
    static const char *const fmt[] = {"tag_format=<{type}>", NULL};
    expect_plugin_output(fmt, "电话13812345678。", "电话<mobile>。");
    static const char *const off[] = {"mobile=false", NULL};
    expect_plugin_same(off, "电话13812345678。");
    expect_plugin_output(off, "QQ:12345678", "QQ:" QQ);
}

static void test_bad_options(void **s)
{
    (void)s;
    static const char *const kv[] = {"mask_char=", NULL};
    char *out = NULL, *reason = NULL;
    size_t n;
    int v = dc_test_run(&docclean_plugin, kv, "x", 1, &out, &n, &reason);
    assert_int_equal(v, -1);
    assert_non_null(strstr(reason, "mask_char"));
    free(out);
    free(reason);
}

static void test_metadata_and_counters(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    assert_non_null(o);
    dc_stage *st = dc_stage_new_standalone("pii");
    void *inst = docclean_plugin.create(h, st, o, err, sizeof err);
    assert_non_null(inst);
    const char *in = "13812345678 13912345678 QQ:1234567 a@b.cn 110105194912310021";
    dc_doc *d = dc_doc_new("m", in, strlen(in));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    size_t n;
    assert_string_equal(h->meta_get(d, "pii", &n), "4");
    assert_string_equal(h->meta_get(d, "pii_mobile", &n), "2");
    assert_string_equal(h->meta_get(d, "pii_qq", &n), "1");
    assert_string_equal(h->meta_get(d, "pii_email", &n), "1");
    assert_null(h->meta_get(d, "pii_idcard", &n));
    assert_int_equal(dc_stage_counter_get(st, "mobile"), 2);
    assert_int_equal(dc_stage_counter_get(st, "docs_with_pii"), 1);
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

static void test_invalid_utf8_and_edges(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "\xff\xfe" "12345 @ @@ a@ @b.c QQ QQ: 微信");
    expect_plugin_output(NULL, "13812345678", MOB);
    expect_plugin_same(NULL, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_cues),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_metadata_and_counters),
        cmocka_unit_test(test_invalid_utf8_and_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
