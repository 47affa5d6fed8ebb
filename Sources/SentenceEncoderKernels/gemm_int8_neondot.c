// int8 linear layer, arm64 SDOT (FEAT_DotProd): tiles of up to 4 rows × one group of 16 columns
// in 16 q accumulators. Each row's next 16 signed codes (u ^ 0x80) sit in one q register; per
// step of 4 inputs, `sdot` by lane multiplies them by 4 columns × 4 weights. Exact Int32 sums,
// so the same bits as the portable variant.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MR = 4 };

#define SEK_SDOT_LANE(lane)                                                                 \
    do {                                                                                    \
        const int8_t *ws = w + (step + lane) * 64;                                          \
        const int8x16_t w0 = vld1q_s8(ws), w1 = vld1q_s8(ws + 16);                          \
        const int8x16_t w2 = vld1q_s8(ws + 32), w3 = vld1q_s8(ws + 48);                     \
        _Pragma("clang loop unroll(full)")                                                  \
        for (int r = 0; r < mr; r++) {                                                      \
            acc[r][0] = vdotq_laneq_s32(acc[r][0], w0, q[r], lane);                         \
            acc[r][1] = vdotq_laneq_s32(acc[r][1], w1, q[r], lane);                         \
            acc[r][2] = vdotq_laneq_s32(acc[r][2], w2, q[r], lane);                         \
            acc[r][3] = vdotq_laneq_s32(acc[r][3], w3, q[r], lane);                         \
        }                                                                                   \
    } while (0)

SEK_TARGET_NEONDOT SEK_INLINE void tile(const int mr, size_t steps, const uint8_t *a, size_t lda, const int8_t *w,
                                        const float *a_scales, const float *w_scales, const float bias[16], float *c,
                                        size_t ldc, size_t count) {
    int32x4_t acc[MR][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        _Pragma("clang loop unroll(full)")                                                  \
        for (int v = 0; v < 4; v++) acc[r][v] = vdupq_n_s32(0);
    const uint8x16_t offset = vdupq_n_u8(0x80);
    size_t step = 0;
    for (; step + 4 <= steps; step += 4) {
        int8x16_t q[MR];
        _Pragma("clang loop unroll(full)")                                                  \
        for (int r = 0; r < mr; r++) q[r] = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(a + r * lda + step * 4), offset));
        SEK_SDOT_LANE(0);
        SEK_SDOT_LANE(1);
        SEK_SDOT_LANE(2);
        SEK_SDOT_LANE(3);
    }
    for (; step < steps; step++) {
        const int8_t *ws = w + step * 64;
        _Pragma("clang loop unroll(full)")                                                  \
        for (int r = 0; r < mr; r++) {
            uint32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const int8x16_t q = vreinterpretq_s8_u8(veorq_u8(vreinterpretq_u8_u32(vdupq_n_u32(word)), offset));
            #pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++) acc[r][v] = vdotq_s32(acc[r][v], vld1q_s8(ws + 16 * v), q);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        const float32x4_t scale = vdupq_n_f32(a_scales[r]);
        float buffer[16];
        _Pragma("clang loop unroll(full)")                                                  \
        for (int v = 0; v < 4; v++) {
            const float32x4_t factor = vmulq_f32(scale, vld1q_f32(w_scales + 4 * v));
            vst1q_f32(buffer + 4 * v, vfmaq_f32(vld1q_f32(bias + 4 * v), vcvtq_f32_s32(acc[r][v]), factor));
        }
        memcpy(c + r * ldc, buffer, count * sizeof(float));
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;

SEK_TARGET_NEONDOT void sek_gemm_u8s8_neondot(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                              const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                              const float *w_scales, const float *bias, float *c, size_t ldc) {
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
                SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3)
                default: tile(MR, steps, a, padded_inputs, w, s, ws, b, out, ldc, count); break;
            }
        }
    }
}
#endif
