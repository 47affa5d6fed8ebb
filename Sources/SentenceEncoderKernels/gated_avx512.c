// Gated feed-forward activations, AVX-512: 16 lanes (simd_avx512.h's gelu16 / exp16), masked
// tails. The same operations as the portable variant lane by lane, so the same bits. In place is
// safe: each store lands before the row's unread inputs.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
#include "simd_avx512.h"

SEK_TARGET_AVX512 SEK_INLINE __m512 silu16(__m512 x) {
    const __m512 magnitude = _mm512_abs_ps(x);
    const __m512 t = exp16(_mm512_sub_ps(_mm512_setzero_ps(), magnitude));
    const __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NGE_UQ);  // x < 0 or NaN
    const __m512 numerator = _mm512_mask_mul_ps(x, negative, x, t);
    return _mm512_div_ps(numerator, _mm512_add_ps(_mm512_set1_ps(1.0f), t));
}

SEK_TARGET_AVX512 void sek_gated_silu_avx512(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 16 <= width; j += 16)
            _mm512_storeu_ps(y + j, _mm512_mul_ps(silu16(_mm512_loadu_ps(a + j)), _mm512_loadu_ps(g + j)));
        if (j < width) {
            const __mmask16 m = tail_mask(width - j);
            _mm512_mask_storeu_ps(y + j, m, _mm512_mul_ps(silu16(_mm512_maskz_loadu_ps(m, a + j)),
                                                          _mm512_maskz_loadu_ps(m, g + j)));
        }
    }
}

SEK_TARGET_AVX512 void sek_gated_gelu_avx512(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 16 <= width; j += 16)
            _mm512_storeu_ps(y + j, _mm512_mul_ps(gelu16(_mm512_loadu_ps(a + j)), _mm512_loadu_ps(g + j)));
        if (j < width) {
            const __mmask16 m = tail_mask(width - j);
            _mm512_mask_storeu_ps(y + j, m, _mm512_mul_ps(gelu16(_mm512_maskz_loadu_ps(m, a + j)),
                                                          _mm512_maskz_loadu_ps(m, g + j)));
        }
    }
}
#endif
