// bf16 linear layer on arm64 without BFDOT: the NEON fp32 micro-kernel (6 rows × 16 columns)
// with the weights widened as they are loaded — 16 bytes hold the column pairs (i, 16 + i) of 4
// columns; a shift gives columns 8h + 0..7, a mask columns 16 + 8h + 0..7. Activations are
// widened once per call (into the thread's scratch). The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MR = 6, ROW_BLOCK = 48 };

// c[r][0..1]: columns j0 + 8h + 0..7; c[r][2..3]: columns j0 + 16 + 8h + 0..7.
SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const uint16_t *half, size_t k, const float bias[16],
                     float *y0, float *y1, size_t ldy, size_t count0, size_t count1) {
    float32x4_t c[MR][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) c[r][v] = vld1q_f32(bias + 4 * v);
    const uint32x4_t high = vdupq_n_u32(0xFFFF0000u);
    for (size_t kk = 0; kk < k; kk++) {
        const uint32x4_t v0 = vreinterpretq_u32_u16(vld1q_u16(half + kk * SEK_BF16_PANEL));
        const uint32x4_t v1 = vreinterpretq_u32_u16(vld1q_u16(half + kk * SEK_BF16_PANEL + 8));
        const float32x4_t w0 = vreinterpretq_f32_u32(vshlq_n_u32(v0, 16));
        const float32x4_t w1 = vreinterpretq_f32_u32(vshlq_n_u32(v1, 16));
        const float32x4_t w2 = vreinterpretq_f32_u32(vandq_u32(v0, high));
        const float32x4_t w3 = vreinterpretq_f32_u32(vandq_u32(v1, high));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const float32x4_t a = vld1q_dup_f32(x + r * ldx + kk);
            c[r][0] = vfmaq_f32(c[r][0], a, w0);
            c[r][1] = vfmaq_f32(c[r][1], a, w1);
            c[r][2] = vfmaq_f32(c[r][2], a, w2);
            c[r][3] = vfmaq_f32(c[r][3], a, w3);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        float buffer[16];
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) vst1q_f32(buffer + 4 * v, c[r][v]);
        memcpy(y0 + r * ldy, buffer, count0 * sizeof(float));
        memcpy(y1 + r * ldy, buffer + 8, count1 * sizeof(float));
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, padded_inputs, half, padded_inputs, b, out0, out1, ldc, count0, count1); break;

void sek_gemm_bf16_neon(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                        const uint16_t *packed, const float *bias, float *c, size_t ldc) {
    float *x = sek_widen_bf16_rows(activations, rows, padded_inputs);
    if (!x) {
        sek_gemm_bf16_portable(rows, columns, padded_inputs, activations, packed, bias, c, ldc);
        return;
    }
    const size_t panels = (columns + SEK_BF16_PANEL - 1) / SEK_BF16_PANEL;
    for (size_t i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < rows ? i0 + ROW_BLOCK : rows;
        for (size_t p = 0; p < panels; p++) {
            for (size_t h = 0; h < 2; h++) {
                const size_t first0 = p * SEK_BF16_PANEL + 8 * h, first1 = first0 + 16;
                if (first0 >= columns) break;
                const size_t count0 = columns - first0 < 8 ? columns - first0 : 8;
                const size_t count1 = first1 >= columns ? 0 : columns - first1 < 8 ? columns - first1 : 8;
                float b[16] = {0};
                if (bias) {
                    memcpy(b, bias + first0, count0 * sizeof(float));
                    memcpy(b + 8, bias + first1, count1 * sizeof(float));
                }
                const uint16_t *half = packed + p * SEK_BF16_PANEL * padded_inputs + 16 * h;
                for (size_t i = i0; i < i1; i += MR) {
                    const float *a = x + i * padded_inputs;
                    float *out0 = c + i * ldc + first0, *out1 = c + i * ldc + (count1 ? first1 : first0);
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                        default: tile(MR, a, padded_inputs, half, padded_inputs, b, out0, out1, ldc, count0, count1); break;
                    }
                }
            }
        }
    }
}
#endif
