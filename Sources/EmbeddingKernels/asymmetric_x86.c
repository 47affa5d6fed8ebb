// Asymmetric dot products: float32 weights against one row of byte codes, the inner loop of
// scoring a float query against dequantized int8 / uint8 codes (see EmbeddingSearch's
// AsymmetricScorer). Variants sum in different orders (16, 8 or 1 partial sums), so they agree
// with each other and with the plain-Swift reference within float32 rounding, not bit for bit.
#include "SearchKernels.h"

float eq_dot_f32_u8_scalar(const float *weights, const uint8_t *codes, int64_t d, uint8_t xor_mask) {
    float acc = 0.0f;
    for (int64_t j = 0; j < d; j++) acc += weights[j] * (float)(uint8_t)(codes[j] ^ xor_mask);
    return acc;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) float eq_dot_f32_u8_avx2(const float *weights, const uint8_t *codes,
                                                              int64_t d, uint8_t xor_mask) {
    const __m128i flip = _mm_set1_epi8((char)xor_mask);
    __m256 acc = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= d; j += 8) {
        const __m128i bytes = _mm_xor_si128(_mm_loadl_epi64((const __m128i *)(codes + j)), flip);
        const __m256 x = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(weights + j), x, acc);
    }
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 1));
    float total = _mm_cvtss_f32(sum);
    for (; j < d; j++) total += weights[j] * (float)(uint8_t)(codes[j] ^ xor_mask);
    return total;
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) float eq_dot_f32_u8_avx512(
    const float *weights, const uint8_t *codes, int64_t d, uint8_t xor_mask) {
    const __m128i flip = _mm_set1_epi8((char)xor_mask);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t j = 0; j < d; j += 16) {
        const __mmask16 lanes = d - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - j)) - 1);
        const __m128i bytes = _mm_xor_si128(_mm_maskz_loadu_epi8(lanes, codes + j), flip);
        const __m512 x = _mm512_maskz_cvtepi32_ps(lanes, _mm512_cvtepu8_epi32(bytes));
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(lanes, weights + j), x, acc);
    }
    return _mm512_reduce_add_ps(acc);
}

#else
float eq_dot_f32_u8_avx2(const float *weights, const uint8_t *codes, int64_t d, uint8_t xor_mask) {
    return eq_dot_f32_u8_scalar(weights, codes, d, xor_mask);
}
float eq_dot_f32_u8_avx512(const float *weights, const uint8_t *codes, int64_t d, uint8_t xor_mask) {
    return eq_dot_f32_u8_scalar(weights, codes, d, xor_mask);
}
#endif

float eq_dot_f32_u8(const float *weights, const uint8_t *codes, int64_t d, uint8_t xor_mask) {
    switch (eq_search_best_isa()) {
    case EQ_SEARCH_AVX512: return eq_dot_f32_u8_avx512(weights, codes, d, xor_mask);
    case EQ_SEARCH_AVX2: return eq_dot_f32_u8_avx2(weights, codes, d, xor_mask);
    default: return eq_dot_f32_u8_scalar(weights, codes, d, xor_mask);
    }
}
