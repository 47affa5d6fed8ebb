// AVX2 + FMA lane-wise GELU and exp (the scalar sek_gelu_scalar / sek_exp_scalar of sek_internal.h
// in 8 lanes, the same operations), shared by the AVX2 element-wise and gated kernels.
#ifndef SEK_SIMD_AVX2_H
#define SEK_SIMD_AVX2_H

#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
SEK_TARGET_AVX2 SEK_INLINE __m256 gelu8(__m256 x) {
    __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(SEK_FRAC_1_SQRT2));
    z = _mm256_min_ps(_mm256_max_ps(z, _mm256_set1_ps(-4.0f)), _mm256_set1_ps(4.0f));
    const __m256 z2 = _mm256_mul_ps(z, z);
    __m256 p = _mm256_set1_ps(SEK_ERF_P0);
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P1));
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P2));
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P3));
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P4));
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P5));
    p = _mm256_fmadd_ps(p, z2, _mm256_set1_ps(SEK_ERF_P6));
    p = _mm256_mul_ps(p, z);
    __m256 q = _mm256_set1_ps(SEK_ERF_Q0);
    q = _mm256_fmadd_ps(q, z2, _mm256_set1_ps(SEK_ERF_Q1));
    q = _mm256_fmadd_ps(q, z2, _mm256_set1_ps(SEK_ERF_Q2));
    q = _mm256_fmadd_ps(q, z2, _mm256_set1_ps(SEK_ERF_Q3));
    q = _mm256_fmadd_ps(q, z2, _mm256_set1_ps(SEK_ERF_Q4));
    const __m256 erf = _mm256_div_ps(p, q);
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), erf));
}

SEK_TARGET_AVX2 SEK_INLINE __m256 exp8(__m256 argument) {
    const __m256 underflow = _mm256_cmp_ps(argument, _mm256_set1_ps(-87.0f), _CMP_LT_OQ);
    const __m256 x = _mm256_max_ps(argument, _mm256_set1_ps(-87.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(SEK_EXP_LOG2E)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(SEK_EXP_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(SEK_EXP_LN2_LO), r);
    __m256 p = _mm256_set1_ps(SEK_EXP_C7);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SEK_EXP_C6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SEK_EXP_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SEK_EXP_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SEK_EXP_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(bits)));
}


#endif
#endif
