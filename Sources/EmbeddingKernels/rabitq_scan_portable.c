// Portable C variant of the RaBitQ kernels (any CPU); the reference the SIMD variants are held to
// is the plain-Swift one in the tests. Layouts: RaBitQKernels.h.
#include "RaBitQKernels.h"

#pragma STDC FP_CONTRACT OFF

static inline int popcount64(uint64_t x) { return __builtin_popcountll(x); }

void eq_rabitq_scan_portable(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                             const uint64_t *query_planes, int32_t query_bits, const float *scales,
                             float delta, float low, float bias, float *estimates) {
    const int64_t block_words = plane_words * code_bits * EQ_RABITQ_BLOCK_ROWS;
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const uint64_t *block = blocks + blk * block_words;
        for (int r = 0; r < EQ_RABITQ_BLOCK_ROWS; r++) {
            int64_t dot = 0, sum = 0;
            for (int32_t a = 0; a < code_bits; a++) {
                for (int64_t j = 0; j < plane_words; j++) {
                    const uint64_t x = block[(a * plane_words + j) * EQ_RABITQ_BLOCK_ROWS + r];
                    sum += (int64_t)popcount64(x) << a;
                    for (int32_t b = 0; b < query_bits; b++)
                        dot += (int64_t)popcount64(x & query_planes[b * plane_words + j]) << (a + b);
                }
            }
            const int64_t row = blk * EQ_RABITQ_BLOCK_ROWS + r;
            const float inner = delta * (float)dot + low * (float)sum;
            estimates[row] = scales[row] * (inner + bias);
        }
    }
}

float eq_rabitq_code_dot_portable(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query) {
    const int64_t plane_bytes = (dimension + 7) / 8;
    float total = 0;
    for (int32_t a = 0; a < code_bits; a++) {
        const uint8_t *plane = code + a * plane_bytes;
        float partial = 0;
        for (int64_t i = 0; i < dimension; i++)
            if ((plane[i >> 3] >> (7 - (i & 7))) & 1) partial += query[i];
        total += (float)(1 << a) * partial;
    }
    return total;
}
