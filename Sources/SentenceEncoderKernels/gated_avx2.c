// Gated feed-forward activations, AVX2 + FMA: 8 lanes (simd_avx2.h's gelu8 / exp8), scalar tails.
// The same operations as the portable variant lane by lane, so the same bits. In place is safe:
// each 8-lane store lands before the row's unread inputs.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
#include "simd_avx2.h"

SEK_TARGET_AVX2 SEK_INLINE __m256 silu8(__m256 x) {
    const __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    const __m256 t = exp8(_mm256_sub_ps(_mm256_setzero_ps(), magnitude));
    const __m256 negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NGE_UQ);  // x < 0 or NaN
    const __m256 numerator = _mm256_blendv_ps(x, _mm256_mul_ps(x, t), negative);
    return _mm256_div_ps(numerator, _mm256_add_ps(_mm256_set1_ps(1.0f), t));
}

SEK_TARGET_AVX2 void sek_gated_silu_avx2(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 8 <= width; j += 8)
            _mm256_storeu_ps(y + j, _mm256_mul_ps(silu8(_mm256_loadu_ps(a + j)), _mm256_loadu_ps(g + j)));
        for (; j < width; j++) y[j] = sek_silu_scalar(a[j]) * g[j];
    }
}

SEK_TARGET_AVX2 void sek_gated_gelu_avx2(const float *input, float *output, size_t rows, size_t width) {
    for (size_t row = 0; row < rows; row++) {
        const float *a = input + row * 2 * width, *g = a + width;
        float *y = output + row * width;
        size_t j = 0;
        for (; j + 8 <= width; j += 8)
            _mm256_storeu_ps(y + j, _mm256_mul_ps(gelu8(_mm256_loadu_ps(a + j)), _mm256_loadu_ps(g + j)));
        for (; j < width; j++) y[j] = sek_gelu_scalar(a[j]) * g[j];
    }
}
#endif
