// Asymmetric scans, arm64 NEON: 4 rows per register (four per block), the float operations of
// AsymmetricKernels.h per row in dimension order (`vfmaq_f32` is the fused multiply-add), so the
// results equal the portable variant's bit for bit.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define ROWS EQ_BLOCK_ROWS

static inline void store_rows(float *out, const float32x4_t acc[4], float constant) {
    const float32x4_t c = vdupq_n_f32(constant);
    for (int g = 0; g < 4; g++) vst1q_f32(out + 4 * g, vaddq_f32(acc[g], c));
}

void eq_asym_scan_u8_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                          const float *weights, const float *constants, int64_t nq, float *out,
                          int64_t out_stride) {
    const uint32x4_t byte = vdupq_n_u32(0xFF);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            float32x4_t acc[4] = {vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)};
            for (int64_t word = 0; word * 4 < dim; word++) {
                const int64_t left = dim - word * 4, count = left < 4 ? left : 4;
                for (int g = 0; g < 4; g++) {
                    const uint32x4_t v = vld1q_u32((const uint32_t *)(block + word * 64 + 16 * g));
                    for (int k = 0; k < count; k++) {
                        const uint32x4_t code = vandq_u32(vshlq_u32(v, vdupq_n_s32(-8 * k)), byte);
                        acc[g] = vfmaq_f32(acc[g], vcvtq_f32_u32(code), vdupq_n_f32(w[word * 4 + k]));
                    }
                }
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

void eq_asym_scan_u4_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                          const float *weights, const float *constants, int64_t nq, float *out,
                          int64_t out_stride) {
    const uint32x4_t nibble = vdupq_n_u32(0x0F);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            float32x4_t acc[4] = {vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)};
            for (int64_t word = 0; word * 8 < dim; word++) {
                const int64_t left = dim - word * 8, count = left < 8 ? left : 8;
                for (int g = 0; g < 4; g++) {
                    const uint32x4_t v = vld1q_u32((const uint32_t *)(block + word * 64 + 16 * g));
                    for (int t = 0; t < count; t++) {
                        // Dimension 2k is the high nibble of byte k (bits 8k + 4 …), 2k + 1 the low one.
                        const int shift = 8 * (t / 2) + (t % 2 == 0 ? 4 : 0);
                        const uint32x4_t code = vandq_u32(vshlq_u32(v, vdupq_n_s32(-shift)), nibble);
                        acc[g] = vfmaq_f32(acc[g], vcvtq_f32_u32(code), vdupq_n_f32(w[word * 8 + t]));
                    }
                }
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

/// The 32-bit halves of one 64-bit word of 4 rows (`rows`: 4 words): `low` bytes 0…3, `high` 4…7.
static inline void split_words(const uint8_t *rows, uint32x4_t *low, uint32x4_t *high) {
    const uint32x4_t a = vld1q_u32((const uint32_t *)rows), b = vld1q_u32((const uint32_t *)(rows + 16));
    *low = vuzp1q_u32(a, b);
    *high = vuzp2q_u32(a, b);
}

/// All ones in the lanes whose sign bit is set.
static inline uint32x4_t sign_mask(uint32x4_t x) { return vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(x), 31)); }

/// Adds ±w_j for the `count` (≤ 32) dimensions of one 32-bit half (`bits`, 4 rows).
static inline float32x4_t add_signed(float32x4_t acc, uint32x4_t bits, const float *w, int64_t count) {
    for (int byte = 0; byte * 8 < count; byte++) {
        uint32x4_t x = vshlq_u32(bits, vdupq_n_s32(24 - 8 * byte));
        const int64_t n = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < n; i++) {
            const float32x4_t wj = vdupq_n_f32(w[byte * 8 + i]);
            acc = vaddq_f32(acc, vbslq_f32(sign_mask(x), wj, vnegq_f32(wj)));
            x = vaddq_u32(x, x);
        }
    }
    return acc;
}

/// As `add_signed` for ternary planes: +w_j (positive only), −w_j (negative only), else +0.
static inline float32x4_t add_ternary(float32x4_t acc, uint32x4_t positive, uint32x4_t negative, const float *w,
                                      int64_t count) {
    for (int byte = 0; byte * 8 < count; byte++) {
        const int32x4_t shift = vdupq_n_s32(24 - 8 * byte);
        uint32x4_t p = vshlq_u32(positive, shift), n = vshlq_u32(negative, shift);
        const int64_t m = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < m; i++) {
            const float32x4_t wj = vdupq_n_f32(w[byte * 8 + i]);
            const float32x4_t value = vbslq_f32(sign_mask(p), wj, vnegq_f32(wj));
            const uint32x4_t nonzero = sign_mask(veorq_u32(p, n));
            acc = vaddq_f32(acc, vreinterpretq_f32_u32(vandq_u32(nonzero, vreinterpretq_u32_f32(value))));
            p = vaddq_u32(p, p);
            n = vaddq_u32(n, n);
        }
    }
    return acc;
}

void eq_asym_scan_bits_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                            const float *weights, const float *constants, int64_t nq, float *out,
                            int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            float32x4_t acc[4] = {vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)};
            for (int64_t word = 0; word * 64 < dim; word++) {
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                for (int g = 0; g < 4; g++) {
                    uint32x4_t low, high;
                    split_words(block + word * ROWS * 8 + 32 * g, &low, &high);
                    acc[g] = add_signed(acc[g], low, w + word * 64, first);
                    if (second > 0) acc[g] = add_signed(acc[g], high, w + word * 64 + 32, second);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

void eq_asym_scan_ternary_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                               const float *weights, const float *constants, int64_t nq, float *out,
                               int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            float32x4_t acc[4] = {vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)};
            for (int64_t word = 0; word * 64 < dim; word++) {
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                for (int g = 0; g < 4; g++) {
                    uint32x4_t pl, ph, nl, nh;
                    split_words(block + word * ROWS * 8 + 32 * g, &pl, &ph);
                    split_words(block + (plane + word) * ROWS * 8 + 32 * g, &nl, &nh);
                    acc[g] = add_ternary(acc[g], pl, nl, w + word * 64, first);
                    if (second > 0) acc[g] = add_ternary(acc[g], ph, nh, w + word * 64 + 32, second);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}
#endif
