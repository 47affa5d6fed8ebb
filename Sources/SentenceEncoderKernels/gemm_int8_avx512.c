// int8 linear layer, AVX-512 BW without VNNI: `vpmaddubsw` + `vpmaddwd` on zmm registers, tiles
// of up to 6 rows × 2 groups (32 columns) in 12 accumulators. Saturation-free as the AVX2
// variant: per group and step the weights' signs become a mask once, each row's codes are
// negated under it, and vpmaddubsw multiplies |w| ≤ 127 by ±q (|q| ≤ 127). Exact Int32 sums.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 6 };

SEK_TARGET_AVX512 SEK_INLINE void tile(const int mr, const int ng, size_t steps, const uint8_t *a, size_t lda,
                                       const int8_t *w, const float *a_scales, const float *w_scales,
                                       const float *bias, float *c, size_t ldc, size_t columns_left) {
    __m512i acc[MR][2];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) acc[r][g] = _mm512_setzero_si512();
    const __m512i ones = _mm512_set1_epi16(1);
    const __m512i offset = _mm512_set1_epi8((char)0x80);
    const __m512i zero = _mm512_setzero_si512();
    const size_t group_stride = steps * 64;
    for (size_t step = 0; step < steps; step++) {
        __m512i magnitude[2];
        __mmask64 negative[2];
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) {
            const __m512i wv = _mm512_loadu_si512((const void *)(w + g * group_stride + step * 64));
            magnitude[g] = _mm512_abs_epi8(wv);
            negative[g] = _mm512_movepi8_mask(wv);
        }
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const __m512i q = _mm512_xor_si512(_mm512_set1_epi32(word), offset);
            #pragma clang loop unroll(full)
            for (int g = 0; g < ng; g++) {
                const __m512i signed_q = _mm512_mask_sub_epi8(q, negative[g], zero, q);
                const __m512i pairs = _mm512_maddubs_epi16(magnitude[g], signed_q);
                acc[r][g] = _mm512_add_epi32(acc[r][g], _mm512_madd_epi16(pairs, ones));
            }
        }
    }
    #pragma clang loop unroll(full)
    for (int g = 0; g < ng; g++) {
        const size_t left = columns_left > (size_t)g * 16 ? columns_left - (size_t)g * 16 : 0;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        const __m512 scale = _mm512_loadu_ps(w_scales + g * 16);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + g * 16) : _mm512_setzero_ps();
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m512 factor = _mm512_mul_ps(_mm512_set1_ps(a_scales[r]), scale);
            _mm512_mask_storeu_ps(c + r * ldc + g * 16, mask, _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[r][g]), factor, b));
        }
    }
}

#define SEK_ROWS(ng)                                                                              \
    switch (rows - row >= MR ? MR : rows - row) {                                                 \
    case 1: tile(1, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;    \
    case 2: tile(2, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;    \
    case 3: tile(3, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;    \
    case 4: tile(4, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;    \
    case 5: tile(5, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;    \
    default: tile(MR, ng, steps, a, padded_inputs, w, s, ws, b, out, ldc, columns - col); break;  \
    }

SEK_TARGET_AVX512 void sek_gemm_u8s8_avx512(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                            const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                            const float *w_scales, const float *bias, float *c, size_t ldc) {
    (void)corrections;
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group += 2) {
        const size_t col = group * 16;
        const int ng = groups - group >= 2 ? 2 : 1;
        const int8_t *w = packed + group * steps * 64;
        const float *ws = w_scales + col;
        const float *b = bias ? bias + col : NULL;
        for (size_t row = 0; row < rows; row += MR) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            if (ng == 2) {
                SEK_ROWS(2)
            } else {
                SEK_ROWS(1)
            }
        }
    }
}
#endif
