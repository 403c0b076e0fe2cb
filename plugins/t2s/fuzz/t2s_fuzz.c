/*
 * t2s_fuzz.c - libFuzzer target for the t2s conversion core (any bytes in,
 * never out of bounds; invalid UTF-8 passes through).
 *
 * For every input and each config (t2s, tw2s, hk2s) it checks, besides what
 * ASan/UBSan catch, that
 *   - a 0xFF byte (never part of UTF-8) splits the text: converting
 *     A 0xFF B equals converting A, 0xFF, converting B;
 *   - normalization folded into the tables gives the same result as a
 *     separate normalization pass.  Built and
 * run by plugins/t2s/fuzz/run.sh (not part of `make`: needs clang).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t2s_conv.h"

static t2s_conv convs[3], twopass[3];
static int ready;

static void setup(void)
{
    char err[256];
    for (int i = 0; i < 3; i++) {
        t2s_conv_opts o = {.config = (t2s_config)i, .normalize = 1, .ext_chars = 1, .ids = 1};
        if (t2s_conv_init(&convs[i], &o, err, sizeof err) < 0) abort();
        o.no_compose = 1;
        if (t2s_conv_init(&twopass[i], &o, err, sizeof err) < 0) abort();
    }
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) setup();
    /* exact-size heap copy so ASan sees any read past the end */
    uint8_t *in = malloc(size ? size : 1);
    memcpy(in, data, size);
    for (int i = 0; i < 3; i++) {
        t2s_out whole = {0};
        size_t changed = t2s_conv_run(&convs[i], in, size, &whole);
        if (changed > size) abort(); /* at most one change per input unit */
        t2s_out two = {0};
        size_t changed2 = t2s_conv_run(&twopass[i], in, size, &two);
        if (two.len != whole.len || changed2 != changed ||
            (whole.len && memcmp(two.data, whole.data, whole.len) != 0))
            abort();
        t2s_out_free(&two);
        const uint8_t *ff = memchr(in, 0xFF, size);
        if (ff) {
            size_t a = (size_t)(ff - in);
            t2s_out parts = {0};
            t2s_conv_run(&convs[i], in, a, &parts);
            t2s_out_append(&parts, "\xff", 1);
            t2s_conv_run(&convs[i], ff + 1, size - a - 1, &parts);
            if (parts.len != whole.len || memcmp(parts.data, whole.data, whole.len) != 0) abort();
            t2s_out_free(&parts);
        }
        t2s_out_free(&whole);
    }
    free(in);
    return 0;
}
