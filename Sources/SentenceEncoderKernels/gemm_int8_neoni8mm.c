// int8 linear layer, arm64 SMMLA (FEAT_I8MM): tiles of up to 2 row pairs × one group of 16
// columns (8 column pairs) in 16 q accumulators, each a 2 × 2 block of Int32 sums. Per step of
// 8 inputs, a row pair's signed codes (u ^ 0x80, 8 from each row) form the 2 × 8 left operand
// and each column pair's packed weights ("i8mm" layout) the 2 × 8 right operand of `smmla`.
// Exact Int32 sums, so the same bits as the portable variant.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MP = 2 };  // row pairs per tile

// `rows` ≤ 2 · MP rows from `a`; a missing second row of a pair is zeros.
SEK_TARGET_NEONI8MM SEK_INLINE void tile(const int pairs, const int rows, size_t steps, const uint8_t *a, size_t lda,
                                         const int8_t *w, const float *a_scales, const float *w_scales,
                                         const float bias[16], float *c, size_t ldc, size_t count) {
    int32x4_t acc[MP][8];
    #pragma clang loop unroll(full)
    for (int p = 0; p < pairs; p++)
        #pragma clang loop unroll(full)
        for (int v = 0; v < 8; v++) acc[p][v] = vdupq_n_s32(0);
    const uint8x8_t offset = vdup_n_u8(0x80);
    for (size_t step = 0; step < steps; step++) {
        int8x16_t left[MP];
        #pragma clang loop unroll(full)
        for (int p = 0; p < pairs; p++) {
            const int8x8_t first = vreinterpret_s8_u8(veor_u8(vld1_u8(a + (2 * p) * lda + step * 8), offset));
            const int8x8_t second = 2 * p + 1 < rows
                                        ? vreinterpret_s8_u8(veor_u8(vld1_u8(a + (2 * p + 1) * lda + step * 8), offset))
                                        : vdup_n_s8(0);
            left[p] = vcombine_s8(first, second);
        }
        const int8_t *ws = w + step * 128;
        #pragma clang loop unroll(full)
        for (int v = 0; v < 8; v++) {
            const int8x16_t right = vld1q_s8(ws + 16 * v);
            #pragma clang loop unroll(full)
            for (int p = 0; p < pairs; p++) acc[p][v] = vmmlaq_s32(acc[p][v], left[p], right);
        }
    }
    #pragma clang loop unroll(full)
    for (int p = 0; p < pairs; p++) {
        for (int half = 0; half < 2 && 2 * p + half < rows; half++) {
            const int r = 2 * p + half;
            const float32x4_t scale = vdupq_n_f32(a_scales[r]);
            float buffer[16];
            #pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++) {
                // Columns 4v..4v+3 of row r: row `half` of the blocks of column pairs 2v and 2v + 1.
                const int64x2_t x = vreinterpretq_s64_s32(acc[p][2 * v]), y = vreinterpretq_s64_s32(acc[p][2 * v + 1]);
                const int32x4_t sums = vreinterpretq_s32_s64(half == 0 ? vzip1q_s64(x, y) : vzip2q_s64(x, y));
                const float32x4_t factor = vmulq_f32(scale, vld1q_f32(w_scales + 4 * v));
                vst1q_f32(buffer + 4 * v, vfmaq_f32(vld1q_f32(bias + 4 * v), vcvtq_f32_s32(sums), factor));
            }
            memcpy(c + r * ldc, buffer, count * sizeof(float));
        }
    }
}

SEK_TARGET_NEONI8MM void sek_gemm_u8s8_neoni8mm(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                                const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                                const float *w_scales, const float *bias, float *c, size_t ldc) {
    (void)corrections;
    const size_t steps = padded_inputs / 8;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group++) {
        const size_t col = group * 16;
        const size_t count = columns - col < 16 ? columns - col : 16;
        const int8_t *w = packed + group * steps * 128;
        const float *ws = w_scales + col;
        float b[16] = {0};
        if (bias) memcpy(b, bias + col, count * sizeof(float));
        for (size_t row = 0; row < rows; row += 2 * MP) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            const size_t left = rows - row;
            switch (left >= 4 ? 4 : left) {
            case 1: tile(1, 1, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            case 2: tile(1, 2, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            case 3: tile(2, 3, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            default: tile(2, 4, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            }
        }
    }
}
#endif
