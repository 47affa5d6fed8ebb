// bf16 linear layer on AVX-512 without a bf16 dot product: the fp32 micro-kernel (14 rows × 32
// columns) with the weights widened as they are loaded — one 64-byte load holds the column
// pairs (i, 16 + i); a shift gives columns 0..15, a mask columns 16..31. Activations are widened
// once per call (into the thread's scratch). The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 14, ROW_BLOCK = 56 };

SEK_TARGET_AVX512 SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const uint16_t *panel, size_t k,
                                       __m512 b0, __m512 b1, float *y, size_t ldy, __mmask16 m0, __mmask16 m1) {
    __m512 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    const __m512i high = _mm512_set1_epi32((int)0xFFFF0000u);
    for (size_t kk = 0; kk < k; kk++) {
        const __m512i v = _mm512_loadu_si512((const void *)(panel + kk * SEK_BF16_PANEL));
        const __m512 w0 = _mm512_castsi512_ps(_mm512_slli_epi32(v, 16));
        const __m512 w1 = _mm512_castsi512_ps(_mm512_and_si512(v, high));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m512 a = _mm512_set1_ps(x[r * ldx + kk]);
            c0[r] = _mm512_fmadd_ps(a, w0, c0[r]);
            c1[r] = _mm512_fmadd_ps(a, w1, c1[r]);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        _mm512_mask_storeu_ps(y + r * ldy, m0, c0[r]);
        _mm512_mask_storeu_ps(y + r * ldy + 16, m1, c1[r]);
    }
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, padded_inputs, panel, padded_inputs, b0, b1, out, ldc, m0, m1); break;

SEK_TARGET_AVX512 void sek_gemm_bf16_avx512(size_t rows, size_t columns, size_t padded_inputs,
                                            const uint16_t *activations, const uint16_t *packed, const float *bias,
                                            float *c, size_t ldc) {
    float *x = sek_widen_bf16_rows(activations, rows, padded_inputs);
    if (!x) {
        sek_gemm_bf16_portable(rows, columns, padded_inputs, activations, packed, bias, c, ldc);
        return;
    }
    const size_t panels = (columns + SEK_BF16_PANEL - 1) / SEK_BF16_PANEL;
    for (size_t i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < rows ? i0 + ROW_BLOCK : rows;
        for (size_t p = 0; p < panels; p++) {
            const uint16_t *panel = packed + p * SEK_BF16_PANEL * padded_inputs;
            const size_t j0 = p * SEK_BF16_PANEL;
            const size_t count = columns - j0 < SEK_BF16_PANEL ? columns - j0 : SEK_BF16_PANEL;
            const __mmask16 m0 = count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1u);
            const __mmask16 m1 = count <= 16   ? (__mmask16)0
                                 : count >= 32 ? (__mmask16)0xFFFF
                                               : (__mmask16)((1u << (count - 16)) - 1u);
            const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias + j0) : _mm512_setzero_ps();
            const __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + j0 + 16) : _mm512_setzero_ps();
            for (size_t i = i0; i < i1; i += MR) {
                const float *a = x + i * padded_inputs;
                float *out = c + i * ldc + j0;
                switch (i1 - i >= MR ? MR : i1 - i) {
                    SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4)
                    SEK_TILE_CASE(5) SEK_TILE_CASE(6) SEK_TILE_CASE(7) SEK_TILE_CASE(8)
                    SEK_TILE_CASE(9) SEK_TILE_CASE(10) SEK_TILE_CASE(11) SEK_TILE_CASE(12) SEK_TILE_CASE(13)
                    default: tile(MR, a, padded_inputs, panel, padded_inputs, b0, b1, out, ldc, m0, m1); break;
                }
            }
        }
    }
}
#endif
