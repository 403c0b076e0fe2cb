/*
 * mj_misalign.c - repair GBK byte misalignment.
 *
 * A page served as GBK lost bytes (or had high bits stripped) in transit, so
 * the decoder paired the wrong bytes until it happened to resynchronise:
 * "（一）辦學" became " 。ㄒ唬┺k學".  The bytes are still there, only the
 * pairing is wrong, so we encode the suspicious window back to GBK and search
 * the lattice of decodings with a Viterbi pass over byte positions.  From
 * position i a path may
 *   - decode an ASCII byte, or a valid two-byte GBK code (no penalty),
 *   - treat an ASCII byte 0x21..0x7E as a lead byte that lost its high bit
 *     (MJ_HIGHBIT penalty),
 *   - drop the byte (MJ_SKIP penalty).
 * Each emitted character costs its model cost minus MJ_BONUS, so common
 * characters earn their keep and junk does not.  The untouched decoding is
 * one of the paths, which is why clean text inside a window survives: any
 * change must pay for its edits with a clearly likelier text.
 * Characters that are themselves symptoms (private use, box drawing,
 * bopomofo) may not be emitted at all: what cannot be re-paired is dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "mj.h"

#define MJ_INF INT32_MAX

int64_t mj_text_cost(const mj_model *m, const uint32_t *cps, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++) c += mj_char_cost(m, cps[i]) - MJ_BONUS;
    return c;
}

typedef struct mj_step {
    int32_t cost;  /* best cost to reach this byte position */
    int32_t from;  /* previous position */
    uint32_t cp;   /* emitted code point, 0 = none (dropped byte) */
    uint8_t edit;  /* 0 none, 1 dropped byte, 2 high bit restored */
} mj_step;

static void relax(mj_step *st, size_t i, size_t j, int32_t add, uint32_t cp, uint8_t edit)
{
    int32_t c = st[i].cost + add;
    if (c < st[j].cost) {
        st[j].cost = c;
        st[j].from = (int32_t)i;
        st[j].cp = cp;
        st[j].edit = edit;
    }
}

static int emit_cost(const mj_model *m, uint32_t cp, int32_t *cost)
{
    if (mj_forbidden_output(m->t, cp)) return 0;
    *cost = mj_char_cost(m, cp) - MJ_BONUS;
    return 1;
}

/* A '!' or '?' next to Han inside a misalignment window is usually a lead
 * byte that lost its high bit (A1 B1 ” became 21 B1 ...) or the decoder's
 * stand-in for a byte it could not pair: it is a symptom, so it earns no
 * bonus for being kept.  Without this an ASCII mark is among the cheapest
 * characters there are and the untouched text wins even where the re-paired
 * bytes read far better.  (Only these two marks: letters, digits, ';' and
 * '@' next to Han are ordinary in clean text too often; a mark next to
 * another ASCII mark, "?!" or "??", is typed punctuation or a lost
 * character's stand-in, not a lead byte.  After the ")" of a pinyin
 * annotation on a Han base the mark counts as next to Han.)  One flag per
 * GBK byte of cps, 1 where the ASCII byte is such a mark. */
static unsigned char *symptom_marks(const uint32_t *cps, size_t n, size_t nb, int on)
{
    unsigned char *f = calloc(nb + 1, 1);
    if (!f || !on) return f;
    for (size_t k = 0, i = 0; k < n && i < nb; k++) {
        uint32_t c = cps[k];
        int alone = !(k > 0 && cps[k - 1] < 0x80) && !(k + 1 < n && cps[k + 1] < 0x80);
        if ((c == '!' || c == '?') && (alone || (k > 0 && cps[k - 1] == ')')) &&
            ((k > 0 && mj_is_han(cps[k - 1])) || (k + 1 < n && mj_is_han(cps[k + 1])) ||
             (k > 0 && cps[k - 1] == ')')))
            f[i] = 1;
        i += c < 0x80 ? 1 : 2;
    }
    return f;
}

/* The cost of an emitted ASCII byte: no bonus for a symptom mark. */
static int32_t ascii_cost(const mj_model *m, unsigned x, int symptom)
{
    return symptom ? mj_char_cost(m, x) : mj_char_cost(m, x) - MJ_BONUS;
}

int mj_misalign_repair(const mj_model *m, const uint32_t *cps, size_t n,
                       int allow_highbit, int marks_are_symptoms, mj_fix *fix)
{
    unsigned char *b;
    size_t nb;
    memset(fix, 0, sizeof *fix);
    if (mj_encode_gbk(m->t, cps, n, &b, &nb) != 0) return -1;
    mj_step *st = malloc((nb + 1) * sizeof *st);
    unsigned char *sym = symptom_marks(cps, n, nb, marks_are_symptoms);
    if (!st || !sym) { free(st); free(sym); free(b); return -1; }
    for (size_t i = 0; i <= nb; i++) st[i] = (mj_step){MJ_INF, -1, 0, 0};
    st[0].cost = 0;
    for (size_t i = 0; i < nb; i++) {
        if (st[i].cost == MJ_INF) continue;
        int32_t c;
        unsigned x = b[i];
        /* The original pairing first: ties keep the text as it was. */
        if (x < 0x80) {
            relax(st, i, i + 1, ascii_cost(m, x, sym[i]), x, 0);
        } else if (i + 1 < nb) {
            uint32_t cp = mj_gbk_pair(m->t, x, b[i + 1]);
            if (cp && emit_cost(m, cp, &c)) relax(st, i, i + 2, c, cp, 0);
        }
        if (allow_highbit && x >= 0x21 && x <= 0x7E && i + 1 < nb) {
            uint32_t cp = mj_gbk_pair(m->t, x | 0x80, b[i + 1]);
            if (cp && emit_cost(m, cp, &c)) relax(st, i, i + 2, c + MJ_HIGHBIT, cp, 2);
        }
        relax(st, i, i + 1, MJ_SKIP, 0, 1);
    }
    /* Walk back, counting the output and the edits. */
    size_t nout = 0;
    for (int32_t j = (int32_t)nb; j > 0; j = st[j].from) nout += st[j].cp != 0;
    fix->cps = malloc((nout + 1) * sizeof *fix->cps);
    if (!fix->cps) { free(st); free(sym); free(b); return -1; }
    fix->ncps = nout;
    size_t k = nout;
    for (int32_t j = (int32_t)nb; j > 0; j = st[j].from) {
        if (st[j].cp) fix->cps[--k] = st[j].cp;
        if (st[j].edit == 1) fix->dropped++;
        if (st[j].edit == 2) fix->highbits++;
        if (st[j].edit == 2 && sym[st[j].from]) fix->marks_restored++;
    }
    /* the untouched text, scored as the search scores it */
    int64_t orig = 0;
    for (size_t k = 0, i = 0; k < n; k++) {
        orig += cps[k] < 0x80 ? ascii_cost(m, cps[k], sym[i]) : mj_char_cost(m, cps[k]) - MJ_BONUS;
        i += cps[k] < 0x80 ? 1 : 2;
    }
    fix->gain = orig - st[nb].cost;
    free(sym);
    free(st);
    free(b);
    return 0;
}

