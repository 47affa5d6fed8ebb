// Portable variants of the search kernels (the C baseline every CPU runs). See SearchKernels.h
// for the blocked layout and the meaning of each key.
#include <math.h>
#include <string.h>

#include "SearchKernels.h"

void eq_hamming_blocks_portable(const uint64_t *blocks, int64_t nblocks, int64_t words,
                              const uint64_t *queries, int64_t nq, int32_t *out, int64_t out_stride) {
    for (int64_t q = 0; q < nq; q++) {
        const uint64_t *query = queries + q * words;
        for (int64_t b = 0; b < nblocks; b++) {
            const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
            for (int r = 0; r < EQ_BLOCK_ROWS; r++) {
                int32_t distance = 0;
                for (int64_t w = 0; w < words; w++) {
                    distance += __builtin_popcountll(block[w * EQ_BLOCK_ROWS + r] ^ query[w]);
                }
                out[q * out_stride + b * EQ_BLOCK_ROWS + r] = -distance;
            }
        }
    }
}

void eq_ternary_blocks_portable(const uint64_t *blocks, int64_t nblocks, int64_t words,
                              const uint64_t *queries, int64_t nq, int32_t *out, int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int64_t q = 0; q < nq; q++) {
        const uint64_t *qp = queries + q * words;
        const uint64_t *qn = qp + plane;
        for (int64_t b = 0; b < nblocks; b++) {
            const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
            for (int r = 0; r < EQ_BLOCK_ROWS; r++) {
                int32_t key = 0;
                for (int64_t w = 0; w < plane; w++) {
                    const uint64_t p = block[w * EQ_BLOCK_ROWS + r];
                    const uint64_t n = block[(plane + w) * EQ_BLOCK_ROWS + r];
                    key += __builtin_popcountll(p & qp[w]) + __builtin_popcountll(n & qn[w]);
                    key -= __builtin_popcountll(p & qn[w]) + __builtin_popcountll(n & qp[w]);
                }
                out[q * out_stride + b * EQ_BLOCK_ROWS + r] = key;
            }
        }
    }
}

void eq_dot_u8s8_blocks_portable(const uint8_t *blocks, int64_t nblocks, int64_t words,
                               const int8_t *queries, int64_t nq, const int32_t *bias, int32_t *out,
                               int64_t out_stride) {
    for (int64_t q = 0; q < nq; q++) {
        const int8_t *query = queries + q * words * 4;
        for (int64_t b = 0; b < nblocks; b++) {
            const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
            for (int r = 0; r < EQ_BLOCK_ROWS; r++) {
                uint32_t key = bias ? (uint32_t)bias[b * EQ_BLOCK_ROWS + r] : 0;
                for (int64_t w = 0; w < words; w++) {
                    const uint8_t *x = block + (w * EQ_BLOCK_ROWS + r) * 4;
                    for (int i = 0; i < 4; i++) key += (uint32_t)((int32_t)x[i] * (int32_t)query[w * 4 + i]);
                }
                out[q * out_stride + b * EQ_BLOCK_ROWS + r] = (int32_t)key;
            }
        }
    }
}

void eq_dot_u4_blocks_portable(const uint8_t *blocks, int64_t nblocks, int64_t words,
                             const int8_t *queries, int64_t nq, int32_t *out, int64_t out_stride) {
    for (int64_t q = 0; q < nq; q++) {
        const int8_t *query = queries + q * words * 8;
        for (int64_t b = 0; b < nblocks; b++) {
            const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
            for (int r = 0; r < EQ_BLOCK_ROWS; r++) {
                int32_t key = 0;
                for (int64_t w = 0; w < words; w++) {
                    const uint8_t *x = block + (w * EQ_BLOCK_ROWS + r) * 4;
                    const int8_t *hi = query + w * 8;
                    for (int i = 0; i < 4; i++) {
                        key += (int32_t)(x[i] >> 4) * hi[i] + (int32_t)(x[i] & 0x0F) * hi[4 + i];
                    }
                }
                out[q * out_stride + b * EQ_BLOCK_ROWS + r] = key;
            }
        }
    }
}

float eq_float16_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1F;
    const uint32_t fraction = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (fraction << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (fraction << 13);
    } else if (fraction == 0) {
        bits = sign;
    } else {
        // Subnormal: value = fraction × 2^-24, exact in float32.
        float value = (float)fraction * 0x1p-24f;
        memcpy(&bits, &value, 4);
        bits |= sign;
    }
    float result;
    memcpy(&result, &bits, 4);
    return result;
}

static inline float load_word(const void *blocks, int format, int64_t index) {
    if (format == 0) return ((const float *)blocks)[index];
    const uint16_t h = ((const uint16_t *)blocks)[index];
    if (format == 1) return eq_float16_to_float(h);
    const uint32_t bits = (uint32_t)h << 16;
    float value;
    memcpy(&value, &bits, 4);
    return value;
}

void eq_dot_float_blocks_portable(const void *blocks, int64_t nblocks, int64_t dim, int format,
                                const float *queries, int64_t nq, float *out, int64_t out_stride) {
    for (int64_t q = 0; q < nq; q++) {
        const float *query = queries + q * dim;
        for (int64_t b = 0; b < nblocks; b++) {
            const int64_t base = b * dim * EQ_BLOCK_ROWS;
            for (int r = 0; r < EQ_BLOCK_ROWS; r++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < dim; j++) {
                    acc = fmaf(load_word(blocks, format, base + j * EQ_BLOCK_ROWS + r), query[j], acc);
                }
                out[q * out_stride + b * EQ_BLOCK_ROWS + r] = acc;
            }
        }
    }
}

int64_t eq_select_above_i32_portable(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices) {
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

int64_t eq_select_above_f32_portable(const float *keys, int64_t n, float threshold, int32_t *indices) {
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

uint64_t eq_read_bandwidth_probe(const uint8_t *bytes, int64_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, bytes + i, 32);
        a += w[0];
        b ^= w[1];
        c += w[2];
        d ^= w[3];
    }
    for (; i < n; i++) a += bytes[i];
    return a + b + c + d;
}
