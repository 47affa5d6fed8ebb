// AVX-512 lane-wise GELU and exp (the scalar sek_gelu_scalar / sek_exp_scalar of sek_internal.h
// in 16 lanes, the same operations) and tail masks, shared by the AVX-512 element-wise and gated kernels.
#ifndef SEK_SIMD_AVX512_H
#define SEK_SIMD_AVX512_H

#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
SEK_TARGET_AVX512 SEK_INLINE __mmask16 tail_mask(size_t count) { return (__mmask16)((1u << count) - 1u); }

SEK_TARGET_AVX512 SEK_INLINE __m512 gelu16(__m512 x) {
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(SEK_FRAC_1_SQRT2));
    z = _mm512_min_ps(_mm512_max_ps(z, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    const __m512 z2 = _mm512_mul_ps(z, z);
    __m512 p = _mm512_set1_ps(SEK_ERF_P0);
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P1));
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P2));
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P3));
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P4));
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P5));
    p = _mm512_fmadd_ps(p, z2, _mm512_set1_ps(SEK_ERF_P6));
    p = _mm512_mul_ps(p, z);
    __m512 q = _mm512_set1_ps(SEK_ERF_Q0);
    q = _mm512_fmadd_ps(q, z2, _mm512_set1_ps(SEK_ERF_Q1));
    q = _mm512_fmadd_ps(q, z2, _mm512_set1_ps(SEK_ERF_Q2));
    q = _mm512_fmadd_ps(q, z2, _mm512_set1_ps(SEK_ERF_Q3));
    q = _mm512_fmadd_ps(q, z2, _mm512_set1_ps(SEK_ERF_Q4));
    const __m512 erf = _mm512_div_ps(p, q);
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(_mm512_set1_ps(1.0f), erf));
}

// 2^n by vscalefps (exact: n ≥ −126, so p · 2^n is what the portable multiplication gives).
SEK_TARGET_AVX512 SEK_INLINE __m512 exp16(__m512 argument) {
    const __mmask16 underflow = _mm512_cmp_ps_mask(argument, _mm512_set1_ps(-87.0f), _CMP_LT_OQ);
    const __m512 x = _mm512_max_ps(argument, _mm512_set1_ps(-87.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(SEK_EXP_LOG2E)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(SEK_EXP_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(SEK_EXP_LN2_LO), r);
    __m512 p = _mm512_set1_ps(SEK_EXP_C7);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SEK_EXP_C6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SEK_EXP_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SEK_EXP_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SEK_EXP_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_maskz_scalef_ps((__mmask16)~underflow, p, n);
}


#endif
#endif
