/*
 * plugin_expect.h - the assertion every plugin unit test needs: run the
 * plugin under test (its `docclean_plugin` descriptor, linked in) on one
 * text with the given options and require DC_KEEP and exactly `want`.
 * Include after <cmocka.h> and "testkit.h".
 */
#ifndef DC_PLUGIN_EXPECT_H
#define DC_PLUGIN_EXPECT_H

#include <stdlib.h>
#include <string.h>

extern const dc_plugin docclean_plugin;

static inline void expect_plugin_output(const char *const *kv, const char *in, const char *want)
{
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    int v = dc_test_run(&docclean_plugin, kv, in, strlen(in), &out, &outlen, &reason);
    if (v != DC_KEEP || outlen != strlen(want) || memcmp(out, want, outlen) != 0)
        fail_msg("input   |%s|\nwant    |%s|\ngot     |%.*s| (verdict %d, %s)", in, want,
                 (int)outlen, out ? out : "", v, reason ? reason : "-");
    free(out);
    free(reason);
}

/* The text must come through unchanged. */
static inline void expect_plugin_same(const char *const *kv, const char *in)
{
    expect_plugin_output(kv, in, in);
}

#endif
