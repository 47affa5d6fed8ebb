// fp32 linear layer, AVX-512: tiles of up to 14 rows × one panel of 32 columns in 28 zmm
// accumulators that start from the bias; per input one 32-float weight row (2 loads) and one
// broadcast per row. The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 14, ROW_BLOCK = 56 };

SEK_TARGET_AVX512 SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const float *panel, size_t k,
                                       __m512 b0, __m512 b1, float *y, size_t ldy, __mmask16 m0, __mmask16 m1) {
    __m512 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    for (size_t kk = 0; kk < k; kk++) {
        const __m512 w0 = _mm512_loadu_ps(panel + kk * SEK_F32_PANEL);
        const __m512 w1 = _mm512_loadu_ps(panel + kk * SEK_F32_PANEL + 16);
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m512 v = _mm512_set1_ps(x[r * ldx + kk]);
            c0[r] = _mm512_fmadd_ps(v, w0, c0[r]);
            c1[r] = _mm512_fmadd_ps(v, w1, c1[r]);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        _mm512_mask_storeu_ps(y + r * ldy, m0, c0[r]);
        _mm512_mask_storeu_ps(y + r * ldy + 16, m1, c1[r]);
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, ldx, panel, k, b0, b1, out, ldy, m0, m1); break;

SEK_TARGET_AVX512 void sek_gemm_f32_avx512(const float *x, size_t ldx, const float *packed, const float *bias,
                                           float *y, size_t ldy, size_t m, size_t n, size_t k) {
    const size_t panels = (n + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    for (size_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (size_t p = 0; p < panels; p++) {
            const float *panel = packed + p * SEK_F32_PANEL * k;
            const size_t j0 = p * SEK_F32_PANEL;
            const size_t columns = n - j0 < SEK_F32_PANEL ? n - j0 : SEK_F32_PANEL;
            const __mmask16 m0 = columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1u);
            const __mmask16 m1 = columns <= 16   ? (__mmask16)0
                                 : columns >= 32 ? (__mmask16)0xFFFF
                                                 : (__mmask16)((1u << (columns - 16)) - 1u);
            const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias + j0) : _mm512_setzero_ps();
            const __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + j0 + 16) : _mm512_setzero_ps();
            for (size_t i = i0; i < i1; i += MR) {
                const float *a = x + i * ldx;
                float *out = y + i * ldy + j0;
                switch (i1 - i >= MR ? MR : i1 - i) {
                    SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4)
                    SEK_TILE_CASE(5) SEK_TILE_CASE(6) SEK_TILE_CASE(7) SEK_TILE_CASE(8)
                    SEK_TILE_CASE(9) SEK_TILE_CASE(10) SEK_TILE_CASE(11) SEK_TILE_CASE(12) SEK_TILE_CASE(13)
                    default: tile(MR, a, ldx, panel, k, b0, b1, out, ldy, m0, m1); break;
                }
            }
        }
    }
}
#endif
