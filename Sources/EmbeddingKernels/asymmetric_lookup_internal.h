// Shared by the `asymmetric_lookup_<isa>.c` files: the transposition of two 16-row blocks of bit
// codes into one 32-row lookup block (AsymmetricKernels.h, "Nibble lookups").
#ifndef EMBEDQ_ASYMMETRIC_LOOKUP_INTERNAL_H
#define EMBEDQ_ASYMMETRIC_LOOKUP_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#pragma STDC FP_CONTRACT OFF

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

/// Writes `finish`'s values of query `q` for the `rows` rows from row `first` of the call (their
/// sums: `sums`) to `out` (query q's first row of the call). Plain C, inlined into each variant;
/// every float operation a statement of its own, so none is fused (FP_CONTRACT is off here too).
static inline void eq_lookup_finish_rows(const eq_lookup_finish *finish, const int32_t *sums, int rows, int64_t q,
                                         int64_t first, float *out, const float *counts_row) {
    if (finish->kind == EQ_LOOKUP_AFFINE) {
        const float scale = finish->scales[q], constant = finish->constants[q];
        for (int r = 0; r < rows; r++) {
            const float product = (float)(int32_t)((uint32_t)sums[r] - (uint32_t)finish->offset) * scale;
            out[first + r] = product + constant;
        }
        return;
    }
    if (q == 0) {
        memcpy(out + first, sums, sizeof(int32_t) * (size_t)rows);
        return;
    }
    const float delta = finish->scales[q - 1], low = finish->lows[q - 1], bias = finish->constants[q - 1];
    for (int r = 0; r < rows; r++) {
        int32_t count;
        memcpy(&count, counts_row + first + r, sizeof count);
        const float dot = delta * (float)sums[r];
        const float sum = low * (float)count;
        const float inner = dot + sum;
        const float shifted = inner + bias;
        out[first + r] = finish->row_scales[first + r] * shifted;
    }
}

#endif
