// bf16 linear layer, AVX-512 BF16: tiles of up to 6 rows × 4 groups (64 columns) in 24 zmm
// accumulators, `vdpbf16ps` on a 32-bit broadcast of each row's 2 activations against 64 bytes
// of packed weights per group ("pairs" layout). Output = bias + sum; within the bound of the
// header against the portable variant (vdpbf16ps rounds its own way and flushes subnormals).
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

SEK_TARGET_AVX512BF16 SEK_INLINE void tile(const int mr, const int ng, size_t steps, const uint16_t *a, size_t lda,
                                           const uint16_t *w, const float *bias, float *c, size_t ldc,
                                           size_t columns_left) {
    __m512 acc[6][4];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++)
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) acc[r][g] = _mm512_setzero_ps();
    const size_t group_stride = steps * 32;
    for (size_t step = 0; step < steps; step++) {
        __m512i wv[4];
        #pragma clang loop unroll(full)
        for (int g = 0; g < ng; g++) wv[g] = _mm512_loadu_si512((const void *)(w + g * group_stride + step * 32));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 2, 4);
            const __m512i av = _mm512_set1_epi32(word);
            #pragma clang loop unroll(full)
            for (int g = 0; g < ng; g++) acc[r][g] = _mm512_dpbf16_ps(acc[r][g], (__m512bh)av, (__m512bh)wv[g]);
        }
    }
    #pragma clang loop unroll(full)
    for (int g = 0; g < ng; g++) {
        const size_t left = columns_left > (size_t)g * 16 ? columns_left - (size_t)g * 16 : 0;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + g * 16) : _mm512_setzero_ps();
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) _mm512_mask_storeu_ps(c + r * ldc + g * 16, mask, _mm512_add_ps(b, acc[r][g]));
    }
}

#define SEK_ROWS(ng)                                                                                 \
    switch (rows - row >= 6 ? 6 : rows - row) {                                                      \
    case 1: tile(1, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;              \
    case 2: tile(2, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;              \
    case 3: tile(3, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;              \
    case 4: tile(4, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;              \
    case 5: tile(5, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;              \
    default: tile(6, ng, steps, a, padded_inputs, w, b, out, ldc, columns - col); break;             \
    }

SEK_TARGET_AVX512BF16 void sek_gemm_bf16_avx512bf16(size_t rows, size_t columns, size_t padded_inputs,
                                                    const uint16_t *activations, const uint16_t *packed,
                                                    const float *bias, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 2;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group += 4) {
        const size_t col = group * 16;
        const int ng = groups - group >= 4 ? 4 : (int)(groups - group);
        const uint16_t *w = packed + group * steps * 32;
        const float *b = bias ? bias + col : NULL;
        for (size_t row = 0; row < rows; row += 6) {
            const uint16_t *a = activations + row * padded_inputs;
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
