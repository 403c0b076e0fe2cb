/*
 * normalize - whitespace and invisible-character hygiene, the first stage
 * of every pipeline so later stages can assume '\n' line ends.
 *
 * Rules (each switchable): CRLF and lone CR → LF; trailing spaces/tabs
 * (and U+3000 ideographic spaces) at line ends removed; runs of blank lines
 * collapsed to one; zero-width characters (U+200B..U+200D, U+2060, U+FEFF)
 * removed; leading/trailing blank lines of the document trimmed.
 *
 * Clean text is the common case, so one read-only scan first decides
 * whether anything needs to change; only then is a new text built.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"

enum { C_CR, C_TRAIL, C_BLANK, C_ZW, C_TRIM, C_N };
static const char *const counter_names[C_N] = {"cr_fixed", "trailing_space_removed",
                                                "blank_runs_collapsed", "zero_width_removed",
                                                "edges_trimmed"};

typedef struct normalize {
    const dc_host *host;
    dc_stage *stage;
    int crlf, trailing, blank, zero_width, trim;
    int counter[C_N];
} normalize;

static const dc_option_decl normalize_options[] = {
    {"crlf", DC_OPT_BOOL, "true", "turn \\r\\n and lone \\r into \\n", NULL},
    {"trailing_spaces", DC_OPT_BOOL, "true", "strip spaces, tabs and U+3000 at line ends", NULL},
    {"blank_lines", DC_OPT_BOOL, "true", "collapse runs of blank lines into one", NULL},
    {"zero_width", DC_OPT_BOOL, "true", "remove U+200B-U+200D, U+2060 and U+FEFF", NULL},
    {"trim", DC_OPT_BOOL, "true", "remove blank lines at the start and end of the document", NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static void *normalize_create(const dc_host *host, dc_stage *stage, const dc_options *o,
                              char *err, size_t errlen)
{
    normalize *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->host = host;
    n->stage = stage;
    n->crlf = host->opt_bool(o, "crlf");
    n->trailing = host->opt_bool(o, "trailing_spaces");
    n->blank = host->opt_bool(o, "blank_lines");
    n->zero_width = host->opt_bool(o, "zero_width");
    n->trim = host->opt_bool(o, "trim");
    for (int i = 0; i < C_N; i++) n->counter[i] = host->counter_register(stage, counter_names[i]);
    return n;
}

/* Length of a zero-width character at p (0 if none).  All are E2 80 8B-8D,
 * E2 81 A0, or EF BB BF. */
static size_t zero_width_len(const unsigned char *p, size_t left)
{
    if (left < 3) return 0;
    if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x8B && p[2] <= 0x8D) return 3;
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0) return 3;
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) return 3;
    return 0;
}

/* Trailing whitespace length before position `end` (exclusive). */
static size_t trailing_ws(const char *s, size_t start, size_t end)
{
    size_t e = end;
    for (;;) {
        if (e > start && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
        else if (e >= start + 3 && (unsigned char)s[e - 3] == 0xE3 &&
                 (unsigned char)s[e - 2] == 0x80 && (unsigned char)s[e - 1] == 0x80) e -= 3;
        else break;
    }
    return end - e;
}

typedef struct out_state {
    dc_buf buf;
    int64_t count[C_N];
    int blank_run;     /* blank lines pending / emitted in the current run */
    int any_content;   /* a non-blank line has been emitted */
    size_t pending_blank;
} out_state;

static void emit_line(const normalize *n, out_state *st, const char *line, size_t len,
                      int had_newline)
{
    const dc_host *h = n->host;
    if (len == 0 && had_newline) {
        st->pending_blank++;
        return;
    }
    if (st->pending_blank) {
        size_t keep = st->pending_blank;
        if (n->trim && !st->any_content) keep = 0;
        else if (n->blank && keep > 1) keep = 1;
        if (keep != st->pending_blank) {
            if (!st->any_content) st->count[C_TRIM]++;
            else st->count[C_BLANK]++;
        }
        for (size_t i = 0; i < keep; i++) h->buf_append(&st->buf, "\n", 1);
        st->pending_blank = 0;
    }
    h->buf_append(&st->buf, line, len);
    if (had_newline) h->buf_append(&st->buf, "\n", 1);
    st->any_content = 1;
}

/* Process one line [s, e) (without its terminator) into the output. */
static void line_normalize(const normalize *n, out_state *st, const char *s, size_t len,
                           int had_newline, dc_buf *scratch)
{
    const char *line = s;
    if (n->zero_width) {
        const unsigned char *u = (const unsigned char *)s;
        int found = 0;
        for (size_t i = 0; i + 2 < len && !found; i++) found = zero_width_len(u + i, len - i) != 0;
        if (found) {
            scratch->len = 0;
            for (size_t i = 0; i < len;) {
                size_t z = zero_width_len(u + i, len - i);
                if (z) {
                    st->count[C_ZW]++;
                    i += z;
                    continue;
                }
                n->host->buf_append(scratch, s + i, 1);
                i++;
            }
            line = scratch->data ? scratch->data : "";
            len = scratch->len;
        }
    }
    if (n->trailing) {
        size_t t = trailing_ws(line, 0, len);
        if (t) {
            st->count[C_TRAIL]++;
            len -= t;
        }
    }
    emit_line(n, st, line, len, had_newline);
}

/* Any zero-width character?  memchr jumps over the text; U+FEFF is
 * searched on its own because its lead byte 0xEF also starts the common
 * fullwidth punctuation. */
static int has_zero_width(const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    while ((p = memchr(p, 0xE2, (size_t)(e - p))) != NULL) {
        if (zero_width_len((const unsigned char *)p, (size_t)(e - p))) return 1;
        p++;
    }
    /* U+FEFF = EF BB BF: jump between its middle bytes (glibc's memmem is
     * byte-wise for short needles; 0xBB is rarer than the lead 0xEF). */
    p = s + 1;
    while (p + 1 < e && (p = memchr(p, 0xBB, (size_t)(e - 1 - p))) != NULL) {
        if ((unsigned char)p[-1] == 0xEF && (unsigned char)p[1] == 0xBF) return 1;
        p++;
    }
    return 0;
}

/* Cheap scan: does anything need fixing at all?  Clean text is the common
 * case, so this walks line ends with memchr instead of every byte. */
static int needs_work(const normalize *n, const char *s, size_t len)
{
    if (len == 0) return 0;
    if (n->trim && s[0] == '\n') return 1;
    if (n->crlf && memchr(s, '\r', len)) return 1;
    const char *p = s, *e = s + len;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t end = nl ? (size_t)(nl - s) : len;
        if (n->trailing && trailing_ws(s, (size_t)(p - s), end)) return 1;
        if (!nl) break;
        if (n->blank && nl + 2 < e && nl[1] == '\n' && nl[2] == '\n') return 1;
        if (n->trim && nl + 2 == e && nl[1] == '\n') return 1;
        p = nl + 1;
        if (p == e) break;
    }
    return n->zero_width && has_zero_width(s, len);
}

static dc_verdict normalize_process(void *inst, dc_doc *doc)
{
    normalize *n = inst;
    const dc_host *h = n->host;
    if (!needs_work(n, doc->text, doc->len)) return DC_KEEP;
    out_state st;
    memset(&st, 0, sizeof st);
    dc_buf scratch = {0};
    const char *s = doc->text;
    size_t len = doc->len, start = 0;
    for (size_t i = 0; i <= len; i++) {
        int end_of_text = i == len;
        char c = end_of_text ? '\n' : s[i];
        if (c != '\n' && !(c == '\r' && n->crlf)) continue;
        if (end_of_text && start == len) break;
        line_normalize(n, &st, s + start, i - start, !end_of_text, &scratch);
        if (c == '\r') {
            st.count[C_CR]++;
            if (i + 1 < len && s[i + 1] == '\n') i++;
        }
        start = i + 1;
    }
    if (n->trim && st.pending_blank) {
        st.count[C_TRIM]++;
        st.pending_blank = 0;
    } else if (st.pending_blank) {
        emit_line(n, &st, "", 0, 0); /* flush kept blank lines at the end */
    }
    h->buf_free(&scratch);
    for (int i = 0; i < C_N; i++)
        if (st.count[i]) h->counter_add(n->stage, n->counter[i], st.count[i]);
    if (st.buf.len != doc->len || memcmp(st.buf.data ? st.buf.data : "", doc->text, doc->len) != 0)
        h->set_text_buf(doc, &st.buf, "normalize");
    else
        h->buf_free(&st.buf);
    return DC_KEEP;
}

static void normalize_destroy(void *inst)
{
    free(inst);
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "normalize",
    .description = "line ends, trailing spaces, blank-line runs and zero-width characters",
    .version = "1.0",
    .options = normalize_options,
    .create = normalize_create,
    .process = normalize_process,
    .destroy = normalize_destroy,
};
