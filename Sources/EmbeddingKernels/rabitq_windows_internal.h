// Shared by rabitq_lookup.c (the tables) and rabitq_windows_avx512.c (the scan): the 7-bit
// windows of the 1-bit lookup scan (RaBitQKernels.h, "Windows").
#ifndef EMBEDQ_RABITQ_WINDOWS_INTERNAL_H
#define EMBEDQ_RABITQ_WINDOWS_INTERNAL_H

#include <stdint.h>

/// Windows per 64-bit code word.
#define EQ_RABITQ_WINDOWS 10

/// Where window g of a word starts (bit of the little-endian word) and how many bits it owns.
static const int eq_rabitq_window_start[EQ_RABITQ_WINDOWS] = {0, 7, 14, 21, 28, 34, 40, 46, 52, 58};
static const int eq_rabitq_window_bits[EQ_RABITQ_WINDOWS] = {7, 7, 7, 7, 6, 6, 6, 6, 6, 6};

/// Bytes of one query's window tables: 128 entries per window.
static inline int64_t eq_rabitq_window_table_bytes(int64_t plane_words) {
    return plane_words * EQ_RABITQ_WINDOWS * 128;
}

#endif
