/*
 * svg.h - inline SVG bar charts for the HTML report, drawn by docclean
 * itself (no script, no external resource), so the report reads offline
 * and in a mail attachment.
 */
#ifndef DC_SVG_H
#define DC_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct dc_svg_series {
    const char *name;     /* legend text */
    const double *values; /* one per bin */
    const char *colour;   /* CSS colour  */
} dc_svg_series;

typedef struct dc_svg_marker {
    double bin;           /* position in bins (fractional: 2.5 = middle of bin 2) */
    const char *label;
} dc_svg_marker;

/* A bar chart: nbins bins labelled `labels`, one to three series side by
 * side, optional vertical markers (thresholds).  All text is escaped. */
void dc_svg_bars(dc_buf *out, const char *title, const char *const *labels, size_t nbins,
                 const dc_svg_series *series, size_t nseries, const dc_svg_marker *markers, size_t nmarkers);

/* Append s[0, n) with &, <, >, " and ' escaped and bytes that are not
 * valid UTF-8 (and control characters other than tab / newline) replaced
 * by U+FFFD: safe in HTML text, attribute values and SVG. */
void dc_html_escape(dc_buf *out, const char *s, size_t n);
/* Append s[0, n) with invalid UTF-8 replaced by U+FFFD (JSON strings must
 * be valid UTF-8; binary rejects and odd ids are not). */
void dc_utf8_clean(dc_buf *out, const char *s, size_t n);

#endif
