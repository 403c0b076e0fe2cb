/*
 * io_bench.c - throughput of the I/O layer (core/reader.c, decode.c,
 * json.c, writer.c) without the pipeline, for bench/bench_io.sh.
 *
 *   io_bench gen JSONL TXT MB SEED
 *       write MB megabytes of seeded pseudo-Chinese documents as JSONL and
 *       the same texts as plain UTF-8 text (one document per paragraph)
 *   io_bench read FILE          reader only (JSONL or text by extension)
 *   io_bench decode FILE        dc_decode of every document (timed alone);
 *                               a text file is cut into ~16 KB documents at
 *                               line ends first (so GB18030 input exercises
 *                               detection per document, as a corpus would)
 *   io_bench escape FILE MB     dc_json_escape vs jansson json_dumpb on the
 *                               first MB megabytes of FILE's text
 *   io_bench write FILE OUT     reader + JSONL writer (escape, buffering,
 *                               fsync + rename at the end)
 * Each prints "<mode> <MB> MB <seconds> s <MB/s> MB/s" on one line.
 *
 * Built by bench/bench_io.sh with cc against build/libdccore.a.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "core.h"
#include "io.h"
#include "testkit.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, uint64_t bytes, double secs)
{
    double mb = (double)bytes / 1e6;
    printf("%-22s %8.1f MB %7.3f s %8.1f MB/s\n", what, mb, secs, mb / secs);
}

/* ---------------- data generation ---------------- */

static uint64_t rng;
static uint32_t next_rand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* A skewed pick from the CJK block: low code points far more often, so the
 * text has a frequency profile rather than uniform noise. */
static void put_han(dc_buf *b)
{
    uint32_t r = next_rand() % 20000, cp = 0x4e00 + (r * r) / 20000;
    char u[3] = {(char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
                 (char)(0x80 | (cp & 0x3f))};
    dc_buf_append(b, u, 3);
}

static void gen_text(dc_buf *b)
{
    int paras = 1 + (int)(next_rand() % 6);
    for (int p = 0; p < paras; p++) {
        int sentences = 2 + (int)(next_rand() % 10);
        for (int s = 0; s < sentences; s++) {
            int n = 6 + (int)(next_rand() % 30);
            for (int i = 0; i < n; i++) {
                put_han(b);
                if (next_rand() % 40 == 0) dc_buf_puts(b, " ABC 123 ");
                if (i + 1 < n && next_rand() % 9 == 0) dc_buf_puts(b, "，");
            }
            dc_buf_puts(b, next_rand() % 5 ? "。" : "！");
        }
        if (p + 1 < paras) dc_buf_puts(b, "\n");
    }
}

static int cmd_gen(const char *jsonl, const char *txt, double mb, uint64_t seed)
{
    rng = seed * 2654435761u + 88172645463325252ull;
    FILE *fj = fopen(jsonl, "wb"), *ft = fopen(txt, "wb");
    if (!fj || !ft) return perror("gen"), 1;
    dc_buf text = {0}, rec = {0};
    uint64_t total = 0, id = 0;
    while ((double)total < mb * 1e6) {
        text.len = rec.len = 0;
        gen_text(&text);
        dc_buf_printf(&rec, "{\"id\":\"doc-%08llu\",\"text\":", (unsigned long long)id);
        dc_json_escape(&rec, text.data, text.len);
        dc_buf_printf(&rec, ",\"url\":\"https://example.com/p/%llu\",\"n\":%llu}\n",
                      (unsigned long long)id, (unsigned long long)id % 977);
        fwrite(rec.data, 1, rec.len, fj);
        fwrite(text.data, 1, text.len, ft);
        fputs("\n\n", ft);
        total += rec.len;
        id++;
    }
    fclose(fj);
    fclose(ft);
    dc_buf_free(&text);
    dc_buf_free(&rec);
    return 0;
}

/* ---------------- reading ---------------- */

static dc_reader *open_file(const char *path)
{
    dc_input_list l = {0};
    dc_input_errors e = {0};
    char *args[] = {(char *)path};
    dc_input_opts o = {0};
    dc_inputs_collect(args, 1, &o, &l, &e);
    if (l.n != 1) {
        fprintf(stderr, "cannot use %s\n", path);
        exit(1);
    }
    char err[256];
    dc_reader *r = dc_reader_open(&l.v[0], &o, err, sizeof err);
    dc_input_list_free(&l);
    dc_input_errors_free(&e);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return r;
}

static int cmd_read(const char *path)
{
    double t = now();
    dc_reader *r = open_file(path);
    dc_raw_doc d;
    uint64_t bytes = 0, docs = 0;
    while (dc_reader_next(r, &d) == 1) {
        bytes += d.len;
        docs++;
        dc_raw_doc_free(&d);
    }
    dc_reader_close(r);
    report("read (text bytes)", bytes, now() - t);
    return docs ? 0 : 1;
}

static double decode_secs; /* time inside dc_decode only */

/* Decode one document, counting its bytes. */
static void decode_one(const char *p, size_t n, uint64_t *bytes, uint64_t *bad)
{
    dc_decoded dec;
    double t = now();
    dc_decode(p, n, NULL, &dec);
    free(dec.text);
    decode_secs += now() - t;
    *bytes += n;
    *bad += dec.invalid_bytes;
}

static int cmd_decode(const char *path)
{
    dc_reader *r = open_file(path);
    dc_raw_doc d;
    uint64_t bytes = 0, bad = 0;
    double t = now();
    while (dc_reader_next(r, &d) == 1) {
        if (d.line) { /* JSONL: one document each */
            decode_one(d.bytes, d.len, &bytes, &bad);
        } else { /* one big text: ~16 KB documents cut at line ends */
            size_t off = 0;
            while (off < d.len) {
                size_t end = off + 16384 < d.len ? off + 16384 : d.len;
                const char *nl = end < d.len ? memchr(d.bytes + end, '\n', d.len - end) : NULL;
                end = nl ? (size_t)(nl - d.bytes) + 1 : d.len;
                decode_one(d.bytes + off, end - off, &bytes, &bad);
                off = end;
            }
        }
        dc_raw_doc_free(&d);
    }
    dc_reader_close(r);
    (void)t;
    report("decode only", bytes, decode_secs);
    if (bad) printf("  (%llu invalid bytes)\n", (unsigned long long)bad);
    return 0;
}

/* ---------------- escaping ---------------- */

static int cmd_escape(const char *path, double mb)
{
    FILE *f = fopen(path, "rb");
    if (!f) return perror(path), 1;
    size_t want = (size_t)(mb * 1e6);
    char *text = malloc(want + 1);
    size_t n = fread(text, 1, want, f);
    fclose(f);
    while (n && ((unsigned char)text[n - 1] & 0xc0) == 0x80) n--; /* whole characters */
    if (n) n--;

    dc_buf b = {0};
    double best_ours = 1e9, best_jansson = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        b.len = 0;
        double t = now();
        dc_json_escape(&b, text, n);
        double dt = now() - t;
        if (dt < best_ours) best_ours = dt;

        t = now();
        json_t *s = json_stringn_nocheck(text, n);
        size_t need = json_dumpb(s, NULL, 0, JSON_ENCODE_ANY);
        char *out = malloc(need);
        json_dumpb(s, out, need, JSON_ENCODE_ANY);
        json_decref(s);
        dt = now() - t;
        if (dt < best_jansson) best_jansson = dt;
        if (rep == 0 && (need != b.len || memcmp(out, b.data, need) != 0))
            printf("  note: jansson output differs (%zu vs %zu bytes)\n", need, b.len);
        free(out);
    }
    report("escape (ours)", n, best_ours);
    report("escape (jansson dumpb)", n, best_jansson);
    printf("  ratio ours/jansson: %.1fx faster\n", best_jansson / best_ours);
    dc_buf_free(&b);
    free(text);
    return 0;
}

/* ---------------- writing ---------------- */

static int cmd_write(const char *path, const char *out)
{
    double t = now();
    dc_reader *r = open_file(path);
    char err[256];
    dc_writer *w = dc_writer_open(out, DC_OUT_JSONL, err, sizeof err);
    if (!w) return fprintf(stderr, "%s\n", err), 1;
    dc_raw_doc d;
    uint64_t bytes = 0;
    while (dc_reader_next(r, &d) == 1) {
        dc_doc *doc = dc_doc_new_owned(d.id, d.source, d.line, 0, d.bytes, d.len, d.meta);
        d.id = d.source = d.bytes = NULL;
        d.meta = NULL;
        bytes += doc->len;
        if (dc_writer_put_doc(w, doc) != 0) return fprintf(stderr, "write failed\n"), 1;
        dc_doc_free(doc);
        dc_raw_doc_free(&d);
    }
    dc_reader_close(r);
    if (dc_writer_commit(w, err, sizeof err) != 0) return fprintf(stderr, "%s\n", err), 1;
    report("read+write jsonl", bytes, now() - t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "gen"))
        return cmd_gen(argv[2], argv[3], atof(argv[4]), strtoull(argv[5], NULL, 10));
    if (argc >= 3 && !strcmp(argv[1], "read")) return cmd_read(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "decode")) return cmd_decode(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "escape")) return cmd_escape(argv[2], atof(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "write")) return cmd_write(argv[2], argv[3]);
    fprintf(stderr, "usage: io_bench gen|read|decode|escape|write ...\n");
    return 2;
}
