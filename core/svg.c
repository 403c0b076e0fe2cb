/*
 * svg.c - inline SVG bar charts and the HTML escaping they (and the
 * report) use.  Fixed geometry: charts are small multiples, read side by
 * side, so they share one size.
 */
#include "svg.h"

#include <math.h>
#include <string.h>

#include "docclean/utf8.h"

#define W 560
#define H 230
#define LEFT 56
#define RIGHT 12
#define TOP 30
#define BOTTOM 52

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid
 * (overlongs, surrogates and code points past U+10FFFF included): the
 * public decoder's rules, so the report escapes what plugins see. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    return dc_utf8_decode(s, n, 0, &len) == DC_UTF8_BAD ? 0 : len;
}

void dc_html_escape(dc_buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        switch (c) {
        case '&': dc_buf_puts(out, "&amp;"); i++; continue;
        case '<': dc_buf_puts(out, "&lt;"); i++; continue;
        case '>': dc_buf_puts(out, "&gt;"); i++; continue;
        case '"': dc_buf_puts(out, "&quot;"); i++; continue;
        case '\'': dc_buf_puts(out, "&#39;"); i++; continue;
        case '\t': case '\n': dc_buf_putc(out, (char)c); i++; continue;
        default: break;
        }
        size_t len = utf8_seq(s + i, n - i);
        if (!len || c < 0x20 || c == 0x7F) {
            dc_buf_puts(out, "\xEF\xBF\xBD"); /* U+FFFD */
            i += len ? len : 1;
            continue;
        }
        dc_buf_append(out, s + i, len);
        i += len;
    }
}

void dc_utf8_clean(dc_buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq(s + i, n - i);
        if (len) dc_buf_append(out, s + i, len);
        else dc_buf_puts(out, "\xEF\xBF\xBD");
        i += len ? len : 1;
    }
}

static void esc(dc_buf *out, const char *s)
{
    dc_html_escape(out, s ? s : "", s ? strlen(s) : 0);
}

/* A round number >= v for the y axis. */
static double nice_max(double v)
{
    if (v <= 0) return 1;
    double p = pow(10, floor(log10(v)));
    for (double m = 1; m <= 10; m += m < 2 ? 1 : m < 5 ? 3 : 5)
        if (m * p >= v) return m * p;
    return 10 * p;
}

void dc_svg_bars(dc_buf *out, const char *title, const char *const *labels, size_t nbins,
                 const dc_svg_series *series, size_t nseries, const dc_svg_marker *markers, size_t nmarkers)
{
    double max = 0;
    for (size_t s = 0; s < nseries; s++)
        for (size_t b = 0; b < nbins; b++)
            if (series[s].values[b] > max) max = series[s].values[b];
    double ymax = nice_max(max);
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double bw = nbins ? pw / (double)nbins : pw;
    dc_buf_printf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                       "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H, W, H);
    esc(out, title);
    dc_buf_puts(out, "\">\n<title>");
    esc(out, title);
    dc_buf_printf(out, "</title>\n<text x=\"%d\" y=\"16\" class=\"ct\">", LEFT);
    esc(out, title);
    dc_buf_puts(out, "</text>\n");
    /* y axis: 0, half, max */
    for (int k = 0; k <= 2; k++) {
        double v = ymax * k / 2, y = TOP + ph - ph * k / 2;
        dc_buf_printf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                           "<text x=\"%d\" y=\"%.1f\" class=\"ax\" text-anchor=\"end\">%g</text>\n",
                      LEFT, W - RIGHT, y, y, LEFT - 4, y + 4, v);
    }
    for (size_t b = 0; b < nbins; b++) {
        double x0 = LEFT + bw * (double)b;
        double sw = (bw - 2) / (double)(nseries ? nseries : 1);
        for (size_t s = 0; s < nseries; s++) {
            double v = series[s].values[b], h = ymax > 0 ? ph * v / ymax : 0;
            dc_buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                          x0 + 1 + sw * (double)s, TOP + ph - h, sw > 1 ? sw - 0.5 : sw, h, series[s].colour);
            esc(out, series[s].name);
            dc_buf_puts(out, " ");
            esc(out, labels[b]);
            dc_buf_printf(out, ": %.0f</title></rect>\n", v);
        }
        /* every label when they fit, else every other one */
        if (nbins <= 12 || b % 2 == 0) {
            dc_buf_printf(out, "<text x=\"%.1f\" y=\"%d\" class=\"ax\" text-anchor=\"end\" "
                               "transform=\"rotate(-40 %.1f %d)\">", x0 + bw / 2, TOP + (int)ph + 12,
                          x0 + bw / 2, TOP + (int)ph + 12);
            esc(out, labels[b]);
            dc_buf_puts(out, "</text>\n");
        }
    }
    for (size_t m = 0; m < nmarkers; m++) {
        double x = LEFT + bw * markers[m].bin;
        dc_buf_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" class=\"mark\"/>"
                           "<text x=\"%.1f\" y=\"%d\" class=\"mk\">", x, x, TOP - 4, TOP + ph, x + 3, TOP + 6);
        esc(out, markers[m].label);
        dc_buf_puts(out, "</text>\n");
    }
    /* legend */
    for (size_t s = 0; s < nseries && nseries > 1; s++) {
        int lx = W - RIGHT - 130 * (int)(nseries - s);
        dc_buf_printf(out, "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                           "<text x=\"%d\" y=\"17\" class=\"ax\">", lx, series[s].colour, lx + 14);
        esc(out, series[s].name);
        dc_buf_puts(out, "</text>\n");
    }
    dc_buf_puts(out, "</svg>\n");
}
