// bf16 linear layer, arm64 BFDOT (FEAT_BF16): tiles of up to 4 rows × one group of 16 columns
// in 16 q accumulators ("pairs" layout: 64 bytes per group and pair of inputs, 4 q registers of
// 4 columns × 2 inputs). Each row's next 8 activations sit in one q register and `bfdot` picks
// their pairs by lane. Output = bias + sum; within the bound of the header against the portable
// variant (BFDOT rounds its own way and flushes subnormals).
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MR = 4 };

#define SEK_BFDOT_LANE(lane)                                                                          \
    do {                                                                                              \
        const uint16_t *ws = w + (step + lane) * 32;                                                  \
        const bfloat16x8_t w0 = vreinterpretq_bf16_u16(vld1q_u16(ws));                                \
        const bfloat16x8_t w1 = vreinterpretq_bf16_u16(vld1q_u16(ws + 8));                            \
        const bfloat16x8_t w2 = vreinterpretq_bf16_u16(vld1q_u16(ws + 16));                           \
        const bfloat16x8_t w3 = vreinterpretq_bf16_u16(vld1q_u16(ws + 24));                           \
        _Pragma("clang loop unroll(full)")                                                            \
        for (int r = 0; r < mr; r++) {                                                                \
            acc[r][0] = vbfdotq_laneq_f32(acc[r][0], w0, av[r], lane);                                \
            acc[r][1] = vbfdotq_laneq_f32(acc[r][1], w1, av[r], lane);                                \
            acc[r][2] = vbfdotq_laneq_f32(acc[r][2], w2, av[r], lane);                                \
            acc[r][3] = vbfdotq_laneq_f32(acc[r][3], w3, av[r], lane);                                \
        }                                                                                             \
    } while (0)

SEK_TARGET_NEONBF16 SEK_INLINE void tile(const int mr, size_t steps, const uint16_t *a, size_t lda, const uint16_t *w,
                                         const float bias[16], float *c, size_t ldc, size_t count) {
    float32x4_t acc[MR][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) acc[r][v] = vdupq_n_f32(0.0f);
    size_t step = 0;
    for (; step + 4 <= steps; step += 4) {
        bfloat16x8_t av[MR];
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) av[r] = vreinterpretq_bf16_u16(vld1q_u16(a + r * lda + step * 2));
        SEK_BFDOT_LANE(0);
        SEK_BFDOT_LANE(1);
        SEK_BFDOT_LANE(2);
        SEK_BFDOT_LANE(3);
    }
    for (; step < steps; step++) {
        bfloat16x8_t av[MR];
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            uint32_t pair;
            memcpy(&pair, a + r * lda + step * 2, 4);
            av[r] = vreinterpretq_bf16_u32(vdupq_n_u32(pair));
        }
        const uint16_t *ws = w + step * 32;
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            const bfloat16x8_t wv = vreinterpretq_bf16_u16(vld1q_u16(ws + 8 * v));
            #pragma clang loop unroll(full)
            for (int r = 0; r < mr; r++) acc[r][v] = vbfdotq_f32(acc[r][v], wv, av[r]);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        float buffer[16];
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) vst1q_f32(buffer + 4 * v, vaddq_f32(vld1q_f32(bias + 4 * v), acc[r][v]));
        memcpy(c + r * ldc, buffer, count * sizeof(float));
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, steps, a, padded_inputs, w, b, out, ldc, count); break;

SEK_TARGET_NEONBF16 void sek_gemm_bf16_neonbf16(size_t rows, size_t columns, size_t padded_inputs,
                                                const uint16_t *activations, const uint16_t *packed,
                                                const float *bias, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 2;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group++) {
        const size_t col = group * 16;
        const size_t count = columns - col < 16 ? columns - col : 16;
        const uint16_t *w = packed + group * steps * 32;
        float b[16] = {0};
        if (bias) memcpy(b, bias + col, count * sizeof(float));
        for (size_t row = 0; row < rows; row += MR) {
            const uint16_t *a = activations + row * padded_inputs;
            float *out = c + row * ldc + col;
            switch (rows - row >= MR ? MR : rows - row) {
                SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3)
                default: tile(MR, steps, a, padded_inputs, w, b, out, ldc, count); break;
            }
        }
    }
}
#endif
