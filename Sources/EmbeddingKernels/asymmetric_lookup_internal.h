// Shared by the `asymmetric_lookup_<isa>.c` files: the transposition of two 16-row blocks of bit
// codes into one 32-row lookup block (AsymmetricKernels.h, "Nibble lookups").
#ifndef EMBEDQ_ASYMMETRIC_LOOKUP_INTERNAL_H
#define EMBEDQ_ASYMMETRIC_LOOKUP_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "SearchKernels.h"

/// Rows of a lookup block: two blocks of the stored layout.
#define EQ_LOOKUP_ROWS (2 * EQ_BLOCK_ROWS)

/// Writes the lookup block of the `halves` (1 or 2) stored blocks at `blocks` (`words` 8-byte
/// words per row) to `out`: byte k of row r at `out[k * 32 + r]` for k < 8 · words; the rows of a
/// missing second block read 0.
static inline void eq_lookup_transpose(const uint8_t *blocks, int64_t words, int halves, uint8_t *out) {
    const int64_t stored = words * EQ_BLOCK_ROWS * 8;
    for (int h = 0; h < 2; h++) {
        for (int64_t w = 0; w < words; w++) {
            for (int i = 0; i < 8; i++) {
                uint8_t *dst = out + (w * 8 + i) * EQ_LOOKUP_ROWS + h * EQ_BLOCK_ROWS;
                if (h >= halves) {
                    memset(dst, 0, EQ_BLOCK_ROWS);
                    continue;
                }
                const uint8_t *src = blocks + h * stored + w * EQ_BLOCK_ROWS * 8 + i;
                for (int r = 0; r < EQ_BLOCK_ROWS; r++) dst[r] = src[r * 8];
            }
        }
    }
}

/// Copies the sums of the `halves` × 16 rows of one lookup block (`sums`: 32 values) to `out`.
static inline void eq_lookup_store(const int32_t *sums, int halves, int32_t *out) {
    memcpy(out, sums, sizeof(int32_t) * (size_t)(halves * EQ_BLOCK_ROWS));
}

#endif
