/*
 * ps_tables.h - the Unihan reading table compiled into pinyin_strip
 * (generated into $(BUILD)/gen/pinyin_strip_tables.c by gen_readings.py).
 */
#ifndef PS_TABLES_H
#define PS_TABLES_H

#include <stddef.h>
#include <stdint.h>

typedef struct ps_char {
    uint32_t cp;
    uint32_t first; /* index of its first reading in ps_reading_ids */
    uint8_t n;      /* number of readings                             */
    uint8_t trad;   /* traditional-only (has a different simplified form) */
} ps_char;

extern const char *const ps_syllables[]; /* toned syllables, sorted bytewise */
extern const size_t ps_nsyllables;
extern const uint16_t ps_reading_ids[];
extern const ps_char ps_chars[]; /* sorted by cp */
extern const size_t ps_nchars;

#endif
