/*
 * docclean/tag.h - typed tags that stages put in place of what they mark.
 *
 * Stages that replace a span by a typed tag (placeholder: ⟦year⟧, pii:
 * ⟦mobile⟧) take a user format such as "⟦{type}⟧" as an option; one
 * expansion keeps their tags in the same style.  Header-only (static
 * inline), installed with plugin.h, so a plugin links against nothing.
 */
#ifndef DOCCLEAN_TAG_H
#define DOCCLEAN_TAG_H

#include <stdlib.h>
#include <string.h>

/* fmt with every "{type}" replaced by type; malloc'd, *len its length,
 * NULL when out of memory. */
static inline char *dc_tag_format(const char *fmt, const char *type, size_t *len)
{
    size_t flen = strlen(fmt), tlen = strlen(type), n = 0;
    for (const char *q = fmt; (q = strstr(q, "{type}")); q += 6) n++;
    char *out = (char *)malloc(flen + n * tlen + 1), *w = out;
    if (!out) return NULL;
    for (const char *q = fmt; *q;) {
        if (strncmp(q, "{type}", 6) == 0) {
            memcpy(w, type, tlen);
            w += tlen;
            q += 6;
        } else {
            *w++ = *q++;
        }
    }
    *w = 0;
    *len = (size_t)(w - out);
    return out;
}

#endif
