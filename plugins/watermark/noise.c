/*
 * noise.c - anti-copy noise: forums (Discuz "jammer" text) append runs of
 * random ASCII fragments to lines, e.g. "i( j( e7 Z2 {! |0 K" or
 * "; Z' @- F5 z6 B+ Q% o$ G6".  Such a run is a sequence of space separated
 * tokens of one or two characters that mix letters, digits and
 * punctuation at random.
 *
 * Real ASCII inside Chinese text looks different, which is what keeps the
 * test safe: words, numbers, URLs, dates, model numbers and units are
 * tokens of three or more characters or pure letters/digits; formulas
 * (x + y = z, a1 + b2) use lone operators, code has two-character
 * operators (>> == || and the comment closer) and argument lists repeat tokens (v, v, 0, 0); lists of options (A. B. C.)
 * repeat one punctuation mark; letter lists (a, b; c) have neither digits
 * nor mixed case.  A junk run therefore needs all of:
 *   - at least noise_min_tokens tokens, every one at most two bytes long;
 *   - "glued" tokens (punctuation stuck to a character: G( \, s,) and
 *     letter+digit tokens (F5): at least 3 and a third of all tokens;
 *   - punctuation where no syntax puts it ("G(", "Q#", "|0", not "(i",
 *     "b)", "0;"): at least one such token, and two with the F5 kind;
 *   - no repeated tokens (argument lists), not two English words (if, is);
 *   - at least noise_min_punct_kinds different glued punctuation marks;
 *   - letters in at least two tokens, and a digit or both letter cases.
 * Longer tokens split a run into groups; each group is judged on its own,
 * so "iPhone 12 i( j( e7 Z2 {! |0 K" loses only its junk.
 */
#include "wm.h"

static int is_punct(unsigned char b)
{
    return (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) ||
           (b >= 0x7B && b <= 0x7E);
}
static int is_alpha(unsigned char b) { return (b | 0x20) >= 'a' && (b | 0x20) <= 'z'; }
static int is_num(unsigned char b) { return b >= '0' && b <= '9'; }
static int is_blank(unsigned char b) { return b == ' ' || b == '\t'; }

/* Two-character operators of code and formulas (>> == || ...): random
 * junk almost never produces them, code almost always has some. */
static int is_operator(const unsigned char *t)
{
    static const char ops[][3] = {"==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--",
                                  "->", "::", "/*", "*/", "//", "+=", "-=", "*=", "/=", "%=",
                                  "&=", "|=", "^=", "##", "=>", "..", "**", ":=", "<-", "()"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (t[0] == (unsigned char)ops[k][0] && t[1] == (unsigned char)ops[k][1]) return 1;
    return 0;
}

/* How many of the two-byte tokens are repeats of an earlier one: argument
 * lists (v, v, h, h, 0, 0) repeat, random junk hardly ever does. */
static size_t repeated_pairs(const unsigned char *s, const wm_span *tok, size_t n)
{
    size_t rep = 0;
    for (size_t k = 0; k < n; k++) {
        if (tok[k].len != 2) continue;
        const unsigned char *t = s + tok[k].off;
        for (size_t j = 0; j < k; j++)
            if (tok[j].len == 2 && s[tok[j].off] == t[0] && s[tok[j].off + 1] == t[1]) {
                rep++;
                break;
            }
    }
    return rep;
}

static int is_open(unsigned char b) { return b == '(' || b == '[' || b == '{' || b == '<'; }
static int is_after_word(unsigned char b)
{
    return b == ')' || b == ']' || b == '}' || b == ',' || b == ';' || b == '.' || b == ':' ||
           b == '!' || b == '?' || b == '>';
}

/* Punctuation where code, prose and formulas put it: an opening bracket
 * before a name, a closing bracket or separator after one ("(i", "0;",
 * "b)", "s,").  Junk puts it anywhere ("G(", "Q#", "|0", "\,"). */
static int is_syntactic(const unsigned char *t, int alnum0, int alnum1)
{
    return (is_open(t[0]) && alnum1) || (alnum0 && is_after_word(t[1]));
}

/* Common two-letter English words: two of them make a run prose. */
static int is_english_pair(const unsigned char *t)
{
    static const char words[][3] = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "if",
                                    "in", "is", "it", "me", "my", "no", "of", "ok", "on", "or",
                                    "so", "to", "up", "us", "we"};
    unsigned char a = t[0] | 0x20, b = t[1] | 0x20;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (a == (unsigned char)words[k][0] && b == (unsigned char)words[k][1]) return 1;
    return 0;
}

int wm_tokens_are_junk(const wm_config *c, const unsigned char *s, const wm_span *tok, size_t n)
{
    if (n < (size_t)c->noise_min_tokens || n < 2) return 0;
    size_t glued = 0, wild = 0, mixed = 0, words = 0, with_alpha = 0, with_digit = 0;
    int upper = 0, lower = 0;
    unsigned char seen[128] = {0};
    int kinds = 0;
    for (size_t k = 0; k < n; k++) {
        const unsigned char *t = s + tok[k].off;
        size_t len = tok[k].len;
        if (len > 2) return 0;
        if (len == 2 && is_operator(t)) return 0;
        int p = 0, a = 0, d = 0;
        for (size_t j = 0; j < len; j++) {
            if (is_punct(t[j])) p++;
            else if (is_alpha(t[j])) {
                a++;
                if (t[j] <= 'Z') upper = 1;
                else lower = 1;
            }
            else if (is_num(t[j])) d++;
        }
        if (a) with_alpha++;
        if (d) with_digit++;
        if (len == 2 && a == 2 && is_english_pair(t)) words++;
        if (len == 2 && p) { /* punctuation glued to something: "G(" "\," "o$" */
            glued++;
            int an0 = is_alpha(t[0]) || is_num(t[0]), an1 = is_alpha(t[1]) || is_num(t[1]);
            if (!is_syntactic(t, an0, an1)) wild++;
            for (size_t j = 0; j < len; j++)
                if (is_punct(t[j]) && !seen[t[j]]) { seen[t[j]] = 1; kinds++; }
        } else if (len == 2 && a && d) { /* "F5" "z6" */
            mixed++;
        }
    }
    /* lone operators (x + y = z) do not count: only glued punctuation does */
    if (repeated_pairs(s, tok, n) * 6 > n || words >= 2) return 0;
    return wild >= 1 && wild + mixed >= 2 && glued + mixed >= 3 && (glued + mixed) * 3 >= n &&
           kinds >= c->noise_min_punct_kinds && with_alpha >= 2 && (with_digit >= 1 || (upper && lower));
}

#define WM_MAX_TOKENS 256

size_t wm_noise_in_run(const wm_config *c, const unsigned char *s, size_t rs, size_t re,
                       wm_span *out, size_t max)
{
    wm_span tok[WM_MAX_TOKENS];
    size_t nt = 0, nout = 0, i = rs;
    while (i < re && nt < WM_MAX_TOKENS) {
        while (i < re && is_blank(s[i])) i++;
        if (i == re) break;
        size_t st = i;
        while (i < re && !is_blank(s[i])) i++;
        tok[nt].off = st;
        tok[nt].len = i - st;
        nt++;
    }
    while (i < re && is_blank(s[i])) i++;
    int cut = i < re; /* more tokens than we looked at: the last group is not at the end */
    /* groups of consecutive short tokens */
    for (size_t a = 0; a < nt && nout < max;) {
        if (tok[a].len > 2) { a++; continue; }
        size_t b = a;
        while (b < nt && tok[b].len <= 2) b++;
        if (wm_tokens_are_junk(c, s, tok + a, b - a)) {
            size_t from = tok[a].off, to = tok[b - 1].off + tok[b - 1].len;
            if (a == 0) from = rs;                  /* spaces before it too */
            if (b == nt && !cut) {
                to = re;                            /* and after it */
                if (a > 0) from = tok[a - 1].off + tok[a - 1].len;
            } else if (b < nt) {
                to = tok[b].off;                    /* keep one separator */
            }
            out[nout].off = from;
            out[nout].len = to - from;
            nout++;
        }
        a = b;
    }
    return nout;
}
