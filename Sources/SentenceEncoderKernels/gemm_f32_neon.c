// fp32 linear layer, arm64 NEON: tiles of up to 6 rows × 16 columns (half a panel) in 24 q
// accumulators that start from the bias; per input four 4-float weight loads and one replicated
// load (ld1r) per row, `fmla`. The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

enum { MR = 6, ROW_BLOCK = 48 };

SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const float *half, size_t k, const float bias[16],
                     float *y, size_t ldy, size_t columns) {
    float32x4_t c[MR][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) c[r][v] = vld1q_f32(bias + 4 * v);
    for (size_t kk = 0; kk < k; kk++) {
        const float *w = half + kk * SEK_F32_PANEL;
        const float32x4_t w0 = vld1q_f32(w), w1 = vld1q_f32(w + 4), w2 = vld1q_f32(w + 8), w3 = vld1q_f32(w + 12);
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
        float *out = y + r * ldy;
        if (columns >= 16) {
            #pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++) vst1q_f32(out + 4 * v, c[r][v]);
        } else {
            float buffer[16];
            #pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++) vst1q_f32(buffer + 4 * v, c[r][v]);
            memcpy(out, buffer, columns * sizeof(float));
        }
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, ldx, half, k, b, out, ldy, columns); break;

void sek_gemm_f32_neon(const float *x, size_t ldx, const float *packed, const float *bias, float *y, size_t ldy,
                       size_t m, size_t n, size_t k) {
    const size_t halves = (n + 15) / 16;
    for (size_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (size_t h = 0; h < halves; h++) {
            const float *half = packed + (h / 2) * SEK_F32_PANEL * k + (h % 2) * 16;
            const size_t j0 = h * 16;
            const size_t columns = n - j0 < 16 ? n - j0 : 16;
            float b[16] = {0};
            if (bias) memcpy(b, bias + j0, columns * sizeof(float));
            for (size_t i = i0; i < i1; i += MR) {
                const float *a = x + i * ldx;
                float *out = y + i * ldy + j0;
                switch (i1 - i >= MR ? MR : i1 - i) {
                    SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                    default: tile(MR, a, ldx, half, k, b, out, ldy, columns); break;
                }
            }
        }
    }
}
#endif
