// int8 linear layer, AVX-512 VNNI: tiles of up to 6 rows × 4 groups (64 columns) in 24 zmm
// accumulators. Per step of 4 inputs: one 32-bit broadcast of each row's 4 unsigned codes, one
// 64-byte load per group, rows × groups `vpdpbusd`; the corrections 128 · Σw turn the unsigned
// sums into Σ (u − 128) · w. Exact Int32 sums, so the same bits as the portable variant.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

SEK_TARGET_AVX512VNNI SEK_INLINE void tile(const int mr, const int ng, size_t steps, const uint8_t *a, size_t lda,
                                           const int8_t *w, const float *a_scales, const int32_t *corrections,
                                           const float *w_scales, const float *bias, float *c, size_t ldc,
                                           size_t columns_left) {
    __m512i acc[6][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) acc[r][g] = _mm512_setzero_si512();
    const size_t group_stride = steps * 64;
    for (size_t step = 0; step < steps; step++) {
        __m512i wv[4];
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) wv[g] = _mm512_loadu_si512((const void *)(w + g * group_stride + step * 64));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const __m512i av = _mm512_set1_epi32(word);
            #pragma clang loop unroll(full)
            for (int g = 0; g < ng; g++) acc[r][g] = _mm512_dpbusd_epi32(acc[r][g], av, wv[g]);
        }
    }
    #pragma clang loop unroll(full)
    for (int g = 0; g < ng; g++) {
        const size_t left = columns_left > (size_t)g * 16 ? columns_left - (size_t)g * 16 : 0;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        const __m512i correction = _mm512_loadu_si512((const void *)(corrections + g * 16));
        const __m512 scale = _mm512_loadu_ps(w_scales + g * 16);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + g * 16) : _mm512_setzero_ps();
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m512 sum = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][g], correction));
            const __m512 factor = _mm512_mul_ps(_mm512_set1_ps(a_scales[r]), scale);
            _mm512_mask_storeu_ps(c + r * ldc + g * 16, mask, _mm512_fmadd_ps(sum, factor, b));
        }
    }
}

#define SEK_ROWS(ng)                                                                                    \
    switch (rows - row >= 6 ? 6 : rows - row) {                                                         \
    case 1: tile(1, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;       \
    case 2: tile(2, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;       \
    case 3: tile(3, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;       \
    case 4: tile(4, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;       \
    case 5: tile(5, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;       \
    default: tile(6, ng, steps, a, padded_inputs, w, s, k, ws, b, out, ldc, columns - col); break;      \
    }

SEK_TARGET_AVX512VNNI void sek_gemm_u8s8_avx512vnni(size_t rows, size_t columns, size_t padded_inputs,
                                                    const uint8_t *codes, const float *a_scales,
                                                    const int8_t *packed, const int32_t *corrections,
                                                    const float *w_scales, const float *bias, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    // Column blocks outside (their weights, ≤ 64 · padded_inputs bytes, stay in L2), rows inside.
    for (size_t group = 0; group < groups; group += 4) {
        const size_t col = group * 16;
        const int ng = groups - group >= 4 ? 4 : (int)(groups - group);
        const int8_t *w = packed + group * steps * 64;
        const int32_t *k = corrections + col;
        const float *ws = w_scales + col;
        const float *b = bias ? bias + col : NULL;
        for (size_t row = 0; row < rows; row += 6) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            switch (ng) {
            case 4: SEK_ROWS(4) break;
            case 3: SEK_ROWS(3) break;
            case 2: SEK_ROWS(2) break;
            default: SEK_ROWS(1) break;
            }
        }
    }
}
#endif
