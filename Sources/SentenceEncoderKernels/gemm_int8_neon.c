// int8 linear layer, arm64 NEON without the dot product: tiles of up to 3 rows × one group of 16
// columns. Per step of 4 inputs, `smull`/`smull2` multiply the row's 4 signed codes (u ^ 0x80,
// replicated) by 4 columns × 4 weights into 16-bit products (|q·w| ≤ 128 · 127 fits) and
// `sadalp` adds their pairs into Int32 lanes; `addp` joins the halves at the end. Exact Int32
// sums, so the same bits as the portable variant.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MR = 3 };

SEK_INLINE void tile(const int mr, size_t steps, const uint8_t *a, size_t lda, const int8_t *w, const float *a_scales,
                     const float *w_scales, const float bias[16], float *c, size_t ldc, size_t count) {
    int32x4_t acc[MR][8];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int v = 0; v < 8; v++) acc[r][v] = vdupq_n_s32(0);
    const uint8x16_t offset = vdupq_n_u8(0x80);
    for (size_t step = 0; step < steps; step++) {
        const int8_t *ws = w + step * 64;
        const int8x16_t w0 = vld1q_s8(ws), w1 = vld1q_s8(ws + 16), w2 = vld1q_s8(ws + 32), w3 = vld1q_s8(ws + 48);
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            uint32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const int8x16_t q = vreinterpretq_s8_u8(veorq_u8(vreinterpretq_u8_u32(vdupq_n_u32(word)), offset));
            const int8x8_t q8 = vget_low_s8(q);
            acc[r][0] = vpadalq_s16(acc[r][0], vmull_s8(q8, vget_low_s8(w0)));
            acc[r][1] = vpadalq_s16(acc[r][1], vmull_high_s8(q, w0));
            acc[r][2] = vpadalq_s16(acc[r][2], vmull_s8(q8, vget_low_s8(w1)));
            acc[r][3] = vpadalq_s16(acc[r][3], vmull_high_s8(q, w1));
            acc[r][4] = vpadalq_s16(acc[r][4], vmull_s8(q8, vget_low_s8(w2)));
            acc[r][5] = vpadalq_s16(acc[r][5], vmull_high_s8(q, w2));
            acc[r][6] = vpadalq_s16(acc[r][6], vmull_s8(q8, vget_low_s8(w3)));
            acc[r][7] = vpadalq_s16(acc[r][7], vmull_high_s8(q, w3));
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        const float32x4_t scale = vdupq_n_f32(a_scales[r]);
        float buffer[16];
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            const int32x4_t sums = vpaddq_s32(acc[r][2 * v], acc[r][2 * v + 1]);
            const float32x4_t factor = vmulq_f32(scale, vld1q_f32(w_scales + 4 * v));
            vst1q_f32(buffer + 4 * v, vfmaq_f32(vld1q_f32(bias + 4 * v), vcvtq_f32_s32(sums), factor));
        }
        memcpy(c + r * ldc, buffer, count * sizeof(float));
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;

void sek_gemm_u8s8_neon(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes, const float *a_scales,
                        const int8_t *packed, const int32_t *corrections, const float *w_scales, const float *bias,
                        float *c, size_t ldc) {
    (void)corrections;
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group++) {
        const size_t col = group * 16;
        const size_t count = columns - col < 16 ? columns - col : 16;
        const int8_t *w = packed + group * steps * 64;
        const float *ws = w_scales + col;
        float b[16] = {0};
        if (bias) memcpy(b, bias + col, count * sizeof(float));
        for (size_t row = 0; row < rows; row += MR) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            switch (rows - row >= MR ? MR : rows - row) {
                SEK_TILE_CASE(1) SEK_TILE_CASE(2)
                default: tile(MR, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            }
        }
    }
}
#endif
