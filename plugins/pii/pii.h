/*
 * pii.h - personal-data detection: the scanner's types and entry points.
 *
 * The scanner (pii_scan.c) finds mainland mobile numbers, landlines with an
 * area code, resident ID numbers (checksum and birth date verified), bank
 * card numbers (Luhn), QQ numbers and WeChat ids after a cue word, and
 * e-mail addresses, and returns them as typed byte spans.  It is pure (no
 * host calls), so unit tests and the bench drive it directly; pii.c turns
 * the spans into tags or masks, metadata and counters.
 */
#ifndef PII_H
#define PII_H

#include <stddef.h>
#include <stdint.h>

typedef enum pii_type {
    PII_MOBILE = 0, /* 13812345678, +86 138-1234-5678                */
    PII_LANDLINE,   /* 010-12345678, (0755)1234567, 0571 8888 6666     */
    PII_IDCARD,     /* 18-digit resident ID, checksum + date verified  */
    PII_BANKCARD,   /* 16-19 digits, Luhn, issuer prefix 3-6           */
    PII_QQ,         /* digits after QQ / 企鹅 / 扣扣                    */
    PII_WECHAT,     /* id after 微信 / VX / 加V / wx                   */
    PII_EMAIL,      /* local@domain.tld                               */
    PII_NTYPES
} pii_type;

typedef struct pii_hit {
    size_t off, len; /* byte span of the personal datum (cue words excluded) */
    uint8_t type;    /* pii_type */
} pii_hit;

typedef struct pii_hits {
    pii_hit *v;
    size_t n, cap;
} pii_hits;

/* Find every personal datum in text[0, len), in text order, without
 * overlaps.  `types` is a bit set (1u << pii_type) of what to look for.
 * Returns 0, or -1 when memory ran out (hits so far kept). */
int pii_scan(unsigned types, const char *text, size_t len, pii_hits *out);
void pii_hits_free(pii_hits *h);

const char *pii_type_name(pii_type t);

/* Validators, exported for the unit tests. */
int pii_idcard_valid(const char *d18);          /* 18 chars, last may be X/x */
int pii_luhn_valid(const char *digits, size_t n);

#endif
