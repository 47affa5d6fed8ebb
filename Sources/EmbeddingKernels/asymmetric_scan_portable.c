// Asymmetric scans, portable C: one row at a time, the float operations of AsymmetricKernels.h
// in dimension order (also the loop every SIMD variant reproduces across rows).
#include <math.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define ROWS EQ_BLOCK_ROWS

void eq_asym_scan_u8_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                              const float *weights, const float *constants, int64_t nq, float *out,
                              int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            for (int r = 0; r < ROWS; r++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < dim; j++) acc = fmaf(w[j], (float)block[((j / 4) * ROWS + r) * 4 + j % 4], acc);
                out[q * out_stride + b * ROWS + r] = acc + constants[q];
            }
        }
    }
}

void eq_asym_scan_u4_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                              const float *weights, const float *constants, int64_t nq, float *out,
                              int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            for (int r = 0; r < ROWS; r++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < dim; j++) {
                    const uint8_t byte = block[((j / 8) * ROWS + r) * 4 + (j % 8) / 2];
                    acc = fmaf(w[j], (float)(j % 2 == 0 ? byte >> 4 : byte & 0x0F), acc);
                }
                out[q * out_stride + b * ROWS + r] = acc + constants[q];
            }
        }
    }
}

/// Bit `j` of the plane whose first word is word `first` of the block, for row `r`.
static inline int bit_at(const uint8_t *block, int64_t first, int r, int64_t j) {
    const uint8_t byte = block[((first + j / 64) * ROWS + r) * 8 + (j % 64) / 8];
    return (byte >> (7 - j % 8)) & 1;
}

void eq_asym_scan_ternary_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                   const float *weights, const float *constants, int64_t nq, float *out,
                                   int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            for (int r = 0; r < ROWS; r++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < dim; j++) {
                    const int p = bit_at(block, 0, r, j), n = bit_at(block, plane, r, j);
                    if (p && !n) acc = acc + w[j];
                    else if (n && !p) acc = acc - w[j];
                }
                out[q * out_stride + b * ROWS + r] = acc + constants[q];
            }
        }
    }
}

void eq_asym_scan_bits_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                const float *weights, const float *constants, int64_t nq, float *out,
                                int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            for (int r = 0; r < ROWS; r++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < dim; j++) acc = bit_at(block, 0, r, j) ? acc + w[j] : acc - w[j];
                out[q * out_stride + b * ROWS + r] = acc + constants[q];
            }
        }
    }
}
