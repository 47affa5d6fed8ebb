// NEON variant of the RaBitQ kernels (arm64): CNT counts the bits of two rows' words per
// register, pairwise widening adds sum them; the code-dot selects query floats under masks built
// from the code bits. Layouts: RaBitQKernels.h.
#include "RaBitQKernels.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#pragma STDC FP_CONTRACT OFF

// Popcount of each 64-bit lane of x.
static inline uint64x2_t popcount_lanes(uint64x2_t x) {
    return vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(vcntq_u8(vreinterpretq_u8_u64(x)))));
}

void eq_rabitq_scan_neon(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                         const uint64_t *query_planes, int32_t query_bits, const float *scales,
                         float delta, float low, float bias, float *estimates) {
    const int64_t block_words = plane_words * code_bits * EQ_RABITQ_BLOCK_ROWS;
    for (int64_t blk = 0; blk < nblocks; blk++) {
        const uint64_t *block = blocks + blk * block_words;
        int32_t dots[EQ_RABITQ_BLOCK_ROWS], sums[EQ_RABITQ_BLOCK_ROWS];
        for (int r = 0; r < EQ_RABITQ_BLOCK_ROWS; r += 2) {
            uint64x2_t dot = vdupq_n_u64(0), sum = vdupq_n_u64(0);
            for (int32_t a = 0; a < code_bits; a++) {
                for (int64_t j = 0; j < plane_words; j++) {
                    const uint64x2_t x = vld1q_u64(block + (a * plane_words + j) * EQ_RABITQ_BLOCK_ROWS + r);
                    sum = vaddq_u64(sum, vshlq_u64(popcount_lanes(x), vdupq_n_s64(a)));
                    for (int32_t b = 0; b < query_bits; b++) {
                        const uint64x2_t q = vdupq_n_u64(query_planes[b * plane_words + j]);
                        dot = vaddq_u64(dot, vshlq_u64(popcount_lanes(vandq_u64(x, q)), vdupq_n_s64(a + b)));
                    }
                }
            }
            dots[r] = (int32_t)vgetq_lane_u64(dot, 0);
            dots[r + 1] = (int32_t)vgetq_lane_u64(dot, 1);
            sums[r] = (int32_t)vgetq_lane_u64(sum, 0);
            sums[r + 1] = (int32_t)vgetq_lane_u64(sum, 1);
        }
        const float32x4_t d = vdupq_n_f32(delta), l = vdupq_n_f32(low), s = vdupq_n_f32(bias);
        for (int h = 0; h < EQ_RABITQ_BLOCK_ROWS; h += 4) {
            const float32x4_t dot = vcvtq_f32_s32(vld1q_s32(dots + h));
            const float32x4_t sum = vcvtq_f32_s32(vld1q_s32(sums + h));
            const float32x4_t inner = vaddq_f32(vmulq_f32(d, dot), vmulq_f32(l, sum));
            const int64_t row = blk * EQ_RABITQ_BLOCK_ROWS + h;
            vst1q_f32(estimates + row, vmulq_f32(vld1q_f32(scales + row), vaddq_f32(inner, s)));
        }
    }
}

float eq_rabitq_code_dot_neon(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query) {
    const int64_t plane_bytes = (dimension + 7) / 8;
    static const uint32_t select_hi[4] = {128, 64, 32, 16};
    static const uint32_t select_lo[4] = {8, 4, 2, 1};
    const uint32x4_t sel_hi = vld1q_u32(select_hi), sel_lo = vld1q_u32(select_lo);
    float total = 0;
    for (int32_t a = 0; a < code_bits; a++) {
        const uint8_t *plane = code + a * plane_bytes;
        float32x4_t acc = vdupq_n_f32(0);
        int64_t i = 0;
        for (; i + 8 <= dimension; i += 8) {
            const uint32x4_t byte = vdupq_n_u32(plane[i >> 3]);
            const uint32x4_t hit_hi = vceqq_u32(vandq_u32(byte, sel_hi), sel_hi);
            const uint32x4_t hit_lo = vceqq_u32(vandq_u32(byte, sel_lo), sel_lo);
            acc = vaddq_f32(acc, vreinterpretq_f32_u32(vandq_u32(hit_hi, vreinterpretq_u32_f32(vld1q_f32(query + i)))));
            acc = vaddq_f32(acc, vreinterpretq_f32_u32(vandq_u32(hit_lo, vreinterpretq_u32_f32(vld1q_f32(query + i + 4)))));
        }
        float partial = vaddvq_f32(acc);
        for (; i < dimension; i++)
            if ((plane[i >> 3] >> (7 - (i & 7))) & 1) partial += query[i];
        total += (float)(1 << a) * partial;
    }
    return total;
}
#endif
