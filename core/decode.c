/*
 * decode.c - turn the bytes of an input document into UTF-8.
 *
 * Detection order (dc_decode with forced == NULL):
 *   1. A BOM decides: UTF-8 BOM is stripped, UTF-32LE/BE and UTF-16LE/BE
 *      BOMs are decoded.  UTF-32LE's BOM (FF FE 00 00) starts with
 *      UTF-16LE's (FF FE), so UTF-32 is checked first.
 *   2. Strictly valid UTF-8 (no overlongs, surrogates or > U+10FFFF) is
 *      taken as is.  This is the hot path: one validating scan, one copy.
 *   3. Otherwise the text is decoded as UTF-8 (bad bytes → U+FFFD), as
 *      GB18030 and as BIG5-HKSCS, and the candidate with the best
 *      "common Han" score wins (ties go to GB18030, then UTF-8).
 *
 * The common-Han score.  Legacy Chinese encodings overlap almost completely
 * in byte space, so the question is which decoding yields text a person
 * would write.  Both national standards already answer "which characters are
 * common": GB2312 level 1 (rows 16-55, 3755 characters chosen by frequency
 * for simplified Chinese) and Big5 level 1 (常用字, A440-C67E, 5401
 * characters for traditional Chinese).  Their union, as Unicode code points,
 * is built once at start-up by decoding those byte ranges with iconv (no
 * table is shipped).  A wrong decoding of Chinese text scatters into level-2
 * and extension characters, private-use code points (GB18030's user-defined
 * areas, where Big5's most frequent lead bytes land), kana/Greek/Cyrillic
 * rows and decode errors, so per character:
 *     +2  Han character in the common set
 *     -1  kana, Greek or Cyrillic
 *     -3  private use
 *     -4  U+FFFD (each invalid byte)
 * Candidates are scored on 4 KB from the first non-ASCII byte (1400-2000
 * Han characters: plenty, and it keeps detection cheap for long documents);
 * the winner then decodes the whole document.  Measured
 * accuracy: tests/e2e/chardet_accuracy.sh.
 *
 * Binary detection: NUL bytes (outside UTF-16), or more than 30% of the
 * bytes invalid or C0 control characters other than \t \n \v \f \r.
 *
 * iconv: an iconv_t is not thread safe, and opening one per call costs
 * about 1.3 us per converter once glibc has loaded the gconv module
 * (measured here: decoding 2 KB of GB18030 takes ~23 us), i.e. ~10% for a
 * short document scored with three candidates.  So each thread keeps its
 * converters in thread-specific data, closed when the thread exits.
 * Invalid sequences (EILSEQ, or a truncated sequence at the end) become
 * U+FFFD and decoding resumes one byte later.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "io.h"
#include "json_scan.h"


#define SCORE_SAMPLE 4096

static const char FFFD[3] = {'\xef', '\xbf', '\xbd'};

/* ---------------- per-thread converters ---------------- */

enum { CV_GB18030, CV_BIG5HKSCS, CV_UTF16LE, CV_UTF16BE, CV_UTF32LE, CV_UTF32BE, CV_NFIXED };

static const char *const cv_names[CV_NFIXED] = {"GB18030", "BIG5-HKSCS", "UTF-16LE",
                                                "UTF-16BE", "UTF-32LE", "UTF-32BE"};

typedef struct converters {
    iconv_t fixed[CV_NFIXED];
    char *other_name; /* last forced encoding outside the fixed set */
    iconv_t other;
} converters;

static pthread_key_t cv_key;
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;

static void converters_free(void *p)
{
    converters *c = p;
    for (int i = 0; i < CV_NFIXED; i++)
        if (c->fixed[i] != (iconv_t)-1) iconv_close(c->fixed[i]);
    if (c->other != (iconv_t)-1) iconv_close(c->other);
    free(c->other_name);
    free(c);
}

static void cv_key_init(void)
{
    pthread_key_create(&cv_key, converters_free);
}

static converters *thread_converters(void)
{
    pthread_once(&cv_once, cv_key_init);
    converters *c = pthread_getspecific(cv_key);
    if (c) return c;
    c = dc_xcalloc(1, sizeof *c);
    for (int i = 0; i < CV_NFIXED; i++) c->fixed[i] = (iconv_t)-1;
    c->other = (iconv_t)-1;
    pthread_setspecific(cv_key, c);
    return c;
}

static iconv_t get_fixed(int which)
{
    converters *c = thread_converters();
    if (c->fixed[which] == (iconv_t)-1) c->fixed[which] = iconv_open("UTF-8", cv_names[which]);
    return c->fixed[which];
}

static iconv_t get_other(const char *name)
{
    converters *c = thread_converters();
    if (c->other_name && strcasecmp(c->other_name, name) == 0) return c->other;
    if (c->other != (iconv_t)-1) iconv_close(c->other);
    free(c->other_name);
    c->other_name = dc_xstrdup(name);
    c->other = iconv_open("UTF-8", name);
    return c->other;
}

/* ---------------- conversions ---------------- */

static uint64_t utf8_repair(const char *in, size_t len, dc_buf *out);

/* Convert with iconv into out (appending), bad bytes → U+FFFD.  A missing
 * converter (no gconv modules) degrades to UTF-8 repair. */
static uint64_t iconv_to_utf8(iconv_t cd, const char *in, size_t len, dc_buf *out)
{
    uint64_t bad = 0;
    char *ip = (char *)in;
    size_t il = len;

    if (cd == (iconv_t)-1) return utf8_repair(in, len, out);
    iconv(cd, NULL, NULL, NULL, NULL); /* reset shift state */
    dc_buf_reserve(out, len + len / 2 + 16);
    for (;;) {
        char *op = out->data + out->len;
        size_t room = out->cap - out->len - 1, ol = room;
        size_t r = il ? iconv(cd, &ip, &il, &op, &ol) : iconv(cd, NULL, NULL, &op, &ol);
        out->len += room - ol;
        if (r != (size_t)-1) {
            if (il == 0) break;
            continue;
        }
        if (errno == E2BIG) {
            dc_buf_reserve(out, il + il / 2 + 64);
        } else if (errno == EILSEQ || errno == EINVAL) {
            dc_buf_append(out, FFFD, 3);
            bad++;
            ip++;
            il--;
            iconv(cd, NULL, NULL, NULL, NULL);
        } else {
            break; /* not reached with glibc */
        }
    }
    out->data[out->len] = '\0';
    return bad;
}

/* UTF-8 with every byte outside a valid sequence replaced by U+FFFD. */
static uint64_t utf8_repair(const char *in, size_t len, dc_buf *out)
{
    uint64_t bad = 0;
    size_t i = 0;
    dc_buf_reserve(out, len + 16);
    while (i < len) {
        size_t ok = dc_utf8_valid_prefix(in + i, len - i);
        dc_buf_append(out, in + i, ok);
        i += ok;
        if (i < len) {
            dc_buf_append(out, FFFD, 3);
            bad++;
            i++;
        }
    }
    if (!out->data) dc_buf_reserve(out, 0);
    out->data[out->len] = '\0';
    return bad;
}

/* ---------------- the common-Han set ---------------- */

static uint8_t common_han[0x10000 / 8];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

/* Decode the double-byte range lead lo..hi x trail tlo..thi of `enc` and
 * mark each resulting BMP Han code point. */
static void mark_range(const char *enc, int lead_lo, int lead_hi, int tr_lo, int tr_hi)
{
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1) return;
    for (int l = lead_lo; l <= lead_hi; l++) {
        for (int t = tr_lo; t <= tr_hi; t++) {
            char in[2] = {(char)l, (char)t}, o[8];
            char *ip = in, *op = o;
            size_t il = 2, ol = sizeof o;
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - o != 3) continue;
            const unsigned char *u = (const unsigned char *)o;
            unsigned cp = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
            if (cp >= 0x3400 && cp <= 0x9fff) common_han[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        }
    }
    iconv_close(cd);
}

static void common_han_init(void)
{
    mark_range("EUC-CN", 0xb0, 0xd7, 0xa1, 0xfe); /* GB2312 level 1 */
    mark_range("BIG5", 0xa4, 0xc5, 0x40, 0x7e);   /* Big5 level 1 */
    mark_range("BIG5", 0xa4, 0xc5, 0xa1, 0xfe);
    mark_range("BIG5", 0xc6, 0xc6, 0x40, 0x7e);
}

/* Score a UTF-8 candidate (valid UTF-8 by construction). */
static int64_t han_score(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    int64_t score = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        unsigned cp;
        if (c < 0xe0) {
            if (i + 1 >= len) break;
            cp = ((c & 0x1fu) << 6) | (p[i + 1] & 0x3fu);
            i += 2;
        } else if (c < 0xf0) {
            if (i + 2 >= len) break;
            cp = ((c & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
            i += 3;
        } else {
            i += 4;
            continue; /* supplementary planes: rare Han, neutral */
        }
        if (cp >= 0x3400 && cp <= 0x9fff) {
            if (common_han[cp >> 3] & (1u << (cp & 7))) score += 2;
        } else if (cp == 0xfffd) {
            score -= 4;
        } else if (cp >= 0xe000 && cp <= 0xf8ff) {
            score -= 3;
        } else if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x370 && cp <= 0x4ff)) {
            score -= 1;
        }
    }
    return score;
}

/* ---------------- binary detection ---------------- */

static const char *binary_check(const char *s, size_t len, uint64_t invalid)
{
    uint64_t ctrl = 0;
    size_t i = 0;
    while (i < len) {
        /* Skip 8 bytes at a time while none is below 0x20 (the classic
         * "has byte less than" test, exact for any byte values). */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)s[i++];
        if (c == 0) return "NUL bytes in a non-UTF-16 file";
        if (c < 0x20 && !(c >= '\t' && c <= '\r')) ctrl++;
    }
    if ((ctrl + invalid) * 10 > (uint64_t)len * 3)
        return "more than 30% undecodable or control bytes";
    return NULL;
}

/* ---------------- entry point ---------------- */

static void finish(dc_decoded *out, dc_buf *b, const char *enc, uint64_t bad)
{
    out->text = dc_buf_take(b, &out->len);
    out->encoding = enc;
    out->invalid_bytes = bad;
}

static void decode_with(int which, const char *enc, const char *in, size_t len, dc_decoded *out)
{
    dc_buf b = {0};
    uint64_t bad = iconv_to_utf8(get_fixed(which), in, len, &b);
    finish(out, &b, enc, bad);
}

/* Map a forced encoding name onto one of ours; 0 if not one of them. */
static int forced_kind(const char *f, const char **label)
{
    static const char *const gb[] = {"gb2312", "gbk", "cp936", "gb18030", "euc-cn", "x-gbk", NULL};
    static const char *const big5[] = {"big5", "big5-hkscs", "cp950", "big5hkscs", NULL};
    for (int i = 0; gb[i]; i++)
        if (!strcasecmp(f, gb[i])) return *label = "gb18030", 1;
    for (int i = 0; big5[i]; i++)
        if (!strcasecmp(f, big5[i])) return *label = "big5-hkscs", 2;
    if (!strcasecmp(f, "utf-8") || !strcasecmp(f, "utf8")) return *label = "utf-8", 3;
    if (!strcasecmp(f, "utf-16le")) return *label = "utf-16le", 4;
    if (!strcasecmp(f, "utf-16be")) return *label = "utf-16be", 5;
    if (!strcasecmp(f, "utf-32le")) return *label = "utf-32le", 6;
    if (!strcasecmp(f, "utf-32be")) return *label = "utf-32be", 7;
    return 0;
}

static int decode_forced(const char *in, size_t len, const char *forced, dc_decoded *out)
{
    const char *label = NULL;
    dc_buf b = {0};
    switch (forced_kind(forced, &label)) {
    case 1: decode_with(CV_GB18030, label, in, len, out); return 1;
    case 2: decode_with(CV_BIG5HKSCS, label, in, len, out); return 1;
    case 3:
        if (len >= 3 && !memcmp(in, "\xef\xbb\xbf", 3)) in += 3, len -= 3;
        finish(out, &b, label, utf8_repair(in, len, &b));
        return 1;
    case 4: decode_with(CV_UTF16LE, label, in, len, out); return 1;
    case 5: decode_with(CV_UTF16BE, label, in, len, out); return 1;
    case 6: decode_with(CV_UTF32LE, label, in, len, out); return 1;
    case 7: decode_with(CV_UTF32BE, label, in, len, out); return 1;
    }
    iconv_t cd = get_other(forced);
    if (cd == (iconv_t)-1) return 0; /* unknown name: detect instead */
    finish(out, &b, forced, iconv_to_utf8(cd, in, len, &b));
    return 1;
}

/* Step 3: pick the best of UTF-8 (repaired), GB18030 and BIG5-HKSCS.  The
 * candidates are scored on SCORE_SAMPLE bytes starting at the first
 * non-ASCII byte (a legacy character's lead byte: ASCII is never inside a
 * multibyte character there), so markup before the text does not dilute the
 * sample; then the winner decodes the whole document. */
static void decode_guess(const char *in, size_t len, dc_decoded *out)
{
    pthread_once(&common_once, common_han_init);
    size_t start = 0;
    while (start < len && !((unsigned char)in[start] & 0x80)) start++;
    size_t sample = len - start > SCORE_SAMPLE ? SCORE_SAMPLE : len - start;
    int whole = start == 0 && sample == len;
    const char *labels[3] = {"gb18030", "utf-8", "big5-hkscs"};
    dc_buf cand[3] = {{0}, {0}, {0}};
    uint64_t bad[3];
    int64_t score[3];

    bad[0] = iconv_to_utf8(get_fixed(CV_GB18030), in + start, sample, &cand[0]);
    bad[1] = utf8_repair(in + start, sample, &cand[1]);
    bad[2] = iconv_to_utf8(get_fixed(CV_BIG5HKSCS), in + start, sample, &cand[2]);
    int best = 0;
    for (int i = 0; i < 3; i++) {
        score[i] = han_score(cand[i].data, cand[i].len);
        if (score[i] > score[best]) best = i;
    }
    if (whole) {
        finish(out, &cand[best], labels[best], bad[best]);
    } else if (best == 1) {
        dc_buf b = {0};
        finish(out, &b, labels[1], utf8_repair(in, len, &b));
    } else {
        decode_with(best == 0 ? CV_GB18030 : CV_BIG5HKSCS, labels[best], in, len, out);
    }
    for (int i = 0; i < 3; i++) dc_buf_free(&cand[i]); /* the winner is already empty */
}

int dc_decode(const char *bytes, size_t len, const char *forced, dc_decoded *out)
{
    memset(out, 0, sizeof *out);
    if (!bytes) len = 0;
    if (forced && *forced && decode_forced(bytes, len, forced, out)) {
        const char *why = NULL;
        /* the label may be a forced name as given ("UTF-16", "ucs-2", ...) */
        if (strncasecmp(out->encoding, "utf-16", 6) != 0 && strncasecmp(out->encoding, "utf-32", 6) != 0 &&
            strncasecmp(out->encoding, "ucs-", 4) != 0)
            why = binary_check(bytes, len, out->invalid_bytes);
        out->binary = why != NULL;
        out->binary_reason = why;
        return 0;
    }

    dc_buf b = {0};
    int bom32 = len >= 4 && (!memcmp(bytes, "\xff\xfe\0\0", 4) || !memcmp(bytes, "\0\0\xfe\xff", 4));
    if (bom32 || (len >= 2 && (!memcmp(bytes, "\xff\xfe", 2) || !memcmp(bytes, "\xfe\xff", 2)))) {
        int le = bytes[0] == '\xff';
        if (bom32)
            decode_with(le ? CV_UTF32LE : CV_UTF32BE, le ? "utf-32le" : "utf-32be", bytes + 4, len - 4, out);
        else
            decode_with(le ? CV_UTF16LE : CV_UTF16BE, le ? "utf-16le" : "utf-16be", bytes + 2, len - 2, out);
        if (out->invalid_bytes * 10 > (uint64_t)len * 3) {
            out->binary = 1;
            out->binary_reason = "more than 30% undecodable or control bytes";
        }
        return 0;
    }
    if (len >= 3 && !memcmp(bytes, "\xef\xbb\xbf", 3)) {
        finish(out, &b, "utf-8-bom", utf8_repair(bytes + 3, len - 3, &b));
    } else if (dc_utf8_valid_prefix(bytes, len) == len) {
        dc_buf_append(&b, bytes, len);
        finish(out, &b, "utf-8", 0);
    } else {
        decode_guess(bytes, len, out);
    }
    out->binary_reason = binary_check(bytes, len, out->invalid_bytes);
    out->binary = out->binary_reason != NULL;
    return 0;
}
