/*
 * io.h - everything between the bytes on disk and dc_doc: input discovery,
 * readers for plain / JSONL files (optionally .gz / .zst), decoding to UTF-8,
 * and the atomic output writers.
 *
 * The run loop (run.c) only sees this interface.  Input order is fully
 * deterministic: inputs in argument order, directories walked recursively in
 * byte-wise sorted order, documents in file order.  That order defines
 * dc_doc.seq, and output order.
 */
#ifndef DC_IO_H
#define DC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "meta.h"

/* ---------------- input discovery ---------------- */

typedef enum dc_format { DC_FMT_AUTO = 0, DC_FMT_TEXT, DC_FMT_JSONL } dc_format;
typedef enum dc_compress { DC_COMP_AUTO = 0, DC_COMP_NONE, DC_COMP_GZIP, DC_COMP_ZSTD } dc_compress;

typedef struct dc_input_file {
    char *path;      /* path to open ("-" = stdin)                          */
    char *rel;       /* path relative to the INPUT argument it was found under;
                        for a file argument: its basename; for stdin: "-"   */
    uint64_t size;   /* bytes on disk (0 for stdin)                          */
    int64_t mtime;   /* seconds                                             */
    dc_format format;     /* resolved (never AUTO)                          */
    dc_compress compress; /* resolved (never AUTO)                          */
    /* Sharded runs split big uncompressed JSONL files into byte ranges: this
     * entry holds the lines that *start* in [range_start, range_end)
     * (range_end 0: to the end of the file).  Line numbers stay those of the
     * whole file.  Both 0 for a whole file. */
    uint64_t range_start, range_end;
    /* --state, a JSONL file that grew since a run read it whole: continue
     * at resume_offset (the end of what was read, a line boundary) with
     * line numbers after resume_line, if the file's first resume_offset
     * bytes still hash to resume_hash; otherwise it is read from the start.
     * 0: read from the start. */
    uint64_t resume_offset, resume_line;
    char resume_hash[33];
} dc_input_file;

typedef struct dc_input_opts {
    dc_format format;     /* AUTO = from extension (.jsonl .ndjson .json → JSONL) */
    dc_compress compress; /* AUTO = from extension (.gz .zst)                     */
    const char *text_field; /* JSONL text field, default "text"                    */
    const char *encoding;   /* forced input encoding, NULL = detect                */
    int defer_parse;        /* JSONL: return raw lines (needs_parse = 1) and let the
                               caller parse them with dc_raw_doc_parse, so the run
                               loop can parse on its worker threads               */
    uint64_t max_doc_bytes; /* [input] max_doc_bytes: a plain file or a JSONL line
                               longer than this is rejected (stage "input") with
                               its size and xxh3 hash, never buffered whole;
                               0 = no limit                                       */
    int fingerprint;        /* hash what is read (dc_reader_fingerprint); --state */
} dc_input_opts;

/* [input] max_doc_bytes when the config does not set it (256 MiB). */
#define DC_DEFAULT_MAX_DOC_BYTES ((uint64_t)256 << 20)

typedef struct dc_input_list {
    dc_input_file *v;
    size_t n, cap;
} dc_input_list;

/* A problem with an input path that is not a document: nonexistent path,
 * unreadable directory.  Collected so the run can report them and exit
 * with the input-error status. */
typedef struct dc_input_error {
    char *path;
    char *reason;
} dc_input_error;

typedef struct dc_input_errors {
    dc_input_error *v;
    size_t n, cap;
} dc_input_errors;

/* Expand INPUT arguments into files.  Never fails as a whole: bad paths go
 * to errs. */
void dc_inputs_collect(char *const *args, size_t nargs, const dc_input_opts *opts,
                       dc_input_list *out, dc_input_errors *errs);
void dc_input_list_free(dc_input_list *l);
/* A file name as it appears in ids and "source" fields: valid UTF-8 is
 * kept, every byte that is not part of valid UTF-8 becomes \xHH (two hex
 * digits) and a backslash becomes \\, so different names never collide and the
 * original bytes can be recovered.  Malloc'd. */
char *dc_path_display(const char *raw);
void dc_input_errors_free(dc_input_errors *e);

/* ---------------- reading documents ---------------- */

/* One document as read, before decoding.  For JSONL, `bytes` is the text
 * field already UTF-8 (JSON is UTF-8), and `meta` holds every field of the
 * record in record order as input entries with their bytes as read (the
 * text field as a slot: its name only; see meta.h and reader.c).  When `reject_reason` is set the document could not be
 * read (broken JSON, truncated compressed stream, unreadable file): it goes
 * straight to rejects with stage "input", and `bytes` holds whatever raw
 * bytes were available (the broken line) so nothing is lost. */
typedef struct dc_raw_doc {
    char *id;           /* plain: rel path; JSONL: "id" field if a string without NUL or an
                           integer, else "rel:LINE" */
    char *source;       /* input path                                          */
    uint64_t line;      /* JSONL line (1-based), 0 for plain files             */
    char *bytes;        /* malloc'd, NUL-terminated after len                  */
    size_t len;
    int is_utf8_json;   /* 1: bytes came from JSON, already valid UTF-8        */
    dc_meta *meta;      /* never NULL                                           */
    char *reject_reason;/* NULL if the document is fine                         */
    int needs_parse;    /* defer_parse: bytes is the raw JSONL line             */
} dc_raw_doc;

typedef struct dc_reader dc_reader;

/* Open a reader.  On failure returns NULL with a message in err; the caller
 * records it as a rejected document for the whole file. */
dc_reader *dc_reader_open(const dc_input_file *f, const dc_input_opts *opts, char *err,
                          size_t errlen);
/* 1 = a document in *out, 0 = end of input. Never fails otherwise: read
 * errors come back as a document with reject_reason set (then 0 next). */
int dc_reader_next(dc_reader *r, dc_raw_doc *out);
void dc_reader_close(dc_reader *r);

/* What was read from one file, for the --state ledger: the bytes that went
 * through the reader, hashed as they were read (plain, zstd) or from the
 * same open file after decompression (gzip). */
typedef struct dc_read_fingerprint {
    int complete;      /* every byte was read (no read(2) error)               */
    int changed;       /* the file was written to between open and the end     */
    uint64_t size;     /* bytes read                                            */
    int64_t mtime_ns;
    uint64_t dev, ino; /* the inode read (the path may name another one now)   */
    char hash[33];     /* XXH3-128 of those bytes, hex                          */
    uint64_t lines;    /* JSONL: lines up to the end of what was read           */
    int resumable;     /* JSONL ending at a line boundary: growth can be
                          continued at `size` (dc_input_file.resume_offset)     */
    int resumed;       /* this read continued at resume_offset                  */
    char why[300];     /* why not complete, or what changed                     */
} dc_read_fingerprint;
/* With dc_input_opts.fingerprint, after dc_reader_next returned 0: finish
 * the hash (reading what the document layer left), and compare the file
 * with what it was at open.  0 with fp->complete set, or -1 (fp->why). */
int dc_reader_fingerprint(dc_reader *r, dc_read_fingerprint *fp);
/* Compressed bytes of the file consumed so far; -1 when not compressed. */
int64_t dc_reader_compressed_pos(const dc_reader *r);
void dc_raw_doc_free(dc_raw_doc *d);
/* Parse a deferred JSONL line in place (no-op unless needs_parse); exactly
 * what dc_reader_next would have returned without defer_parse. */
void dc_raw_doc_parse(dc_raw_doc *d, const char *text_field);

/* ---------------- decoding ---------------- */

typedef struct dc_decoded {
    char *text;          /* malloc'd UTF-8, NUL-terminated after len            */
    size_t len;
    const char *encoding;/* "utf-8", "utf-8-bom", "gb18030", "big5-hkscs", "utf-16le", ... */
    uint64_t invalid_bytes; /* bytes replaced by U+FFFD                         */
    int binary;          /* 1 if this looks like a binary / undecodable file    */
    const char *binary_reason; /* static text when binary                       */
} dc_decoded;

/* Decode arbitrary bytes to UTF-8.  `forced` names an encoding to use
 * (gb2312/gbk/cp936 are treated as GB18030), NULL to detect:
 *   BOM → strict UTF-8 → best of GB18030 / BIG5-HKSCS by common-Han score.
 * Never fails; invalid sequences become U+FFFD. Returns 0. */
int dc_decode(const char *bytes, size_t len, const char *forced, dc_decoded *out);

/* ---------------- writing ---------------- */

typedef enum dc_out_format {
    DC_OUT_JSONL = 0, /* {"id","text",<input fields>,<meta>,"docclean":{...}} */
    DC_OUT_TEXT,      /* one file, documents separated by a blank line    */
    DC_OUT_TEXTDIR    /* directory mirroring ids, one .txt per document   */
} dc_out_format;

typedef struct dc_writer dc_writer;

/* Open `path` ("-" = stdout) for writing under a temporary name in the same
 * directory; compression from the extension (.gz/.zst).  NULL + err on failure. */
dc_writer *dc_writer_open(const char *path, dc_out_format fmt, char *err, size_t errlen);
/* Write a kept document. 0 or -1 (err set on the writer, see dc_writer_error). */
int dc_writer_put_doc(dc_writer *w, const dc_doc *doc);
/* Write a rejected document as JSONL: id, source, line, stage, reason,
 * text (the original input text), meta. */
int dc_writer_put_reject(dc_writer *w, const dc_doc *doc, const char *stage,
                         const char *reason, const char *orig, size_t orig_len);
/* The JSONL record of a kept document (what dc_writer_put_doc writes for
 * DC_OUT_JSONL), appended to b.  Thread safe: the run loop formats records
 * on its worker threads and hands them over with dc_writer_put_formatted. */
void dc_format_jsonl_doc(const dc_doc *doc, dc_buf *b);
int dc_writer_put_formatted(dc_writer *w, const char *rec, size_t len);
dc_out_format dc_writer_format(const dc_writer *w);
/* Flush, fsync, rename to the final name, fsync the directory, free. */
int dc_writer_commit(dc_writer *w, char *err, size_t errlen);
/* Phase one of a group commit (commit.h): flush, fsync and close the
 * temporary and hand over its name (*tmp, malloc'd) and the final name
 * (*final); the caller renames.  stdout, devices and textdir have no file
 * to rename: they are committed here as by dc_writer_commit and *tmp is
 * NULL.  Frees the writer.  0, or -1 with err (the temporary is removed). */
int dc_writer_seal(dc_writer *w, char **tmp, char **final, char *err, size_t errlen);
/* Remove the temporary file, free. */
void dc_writer_abort(dc_writer *w);
const char *dc_writer_error(const dc_writer *w);
/* Bytes written so far (uncompressed). */
uint64_t dc_writer_bytes(const dc_writer *w);

/* JSON string escaping used by writers and the stats report (appends a
 * quoted JSON string to b; invalid UTF-8 bytes become U+FFFD). */
void dc_json_escape(dc_buf *b, const char *s, size_t len);

#endif
