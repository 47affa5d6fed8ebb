// GELU, row softmax, residual + layer norm and bias rows, AVX-512: 16 lanes per zmm (lane k of
// a reduction is lane k of the register), tails with masks. The same operations as the portable
// variant lane by lane, so the same bits.
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

SEK_TARGET_AVX512 void sek_gelu_avx512(float *values, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(values + i, gelu16(_mm512_loadu_ps(values + i)));
    if (i < count) {
        const __mmask16 m = tail_mask(count - i);
        _mm512_mask_storeu_ps(values + i, m, gelu16(_mm512_maskz_loadu_ps(m, values + i)));
    }
}

SEK_TARGET_AVX512 void sek_softmax_rows_avx512(float *values, size_t rows, size_t columns) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        __m512 lanes = _mm512_set1_ps(-INFINITY);
        for (size_t j = 0; j < full; j += 16) lanes = _mm512_max_ps(_mm512_loadu_ps(x + j), lanes);
        float maximum = _mm512_reduce_max_ps(lanes);
        for (size_t j = full; j < columns; j++) maximum = fmaxf(maximum, x[j]);
        const __m512 m = _mm512_set1_ps(maximum);
        __m512 sums = _mm512_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            const __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + j), m));
            _mm512_storeu_ps(x + j, e);
            sums = _mm512_add_ps(sums, e);
        }
        float tail = 0.0f;
        for (size_t j = full; j < columns; j++) {
            const float e = sek_exp_scalar(x[j] - maximum);
            x[j] = e;
            tail += e;
        }
        float lane_sums[16];
        _mm512_storeu_ps(lane_sums, sums);
        const __m512 inverse = _mm512_set1_ps(1.0f / sek_fold_sum16(tail, lane_sums));
        size_t j = 0;
        for (; j + 16 <= columns; j += 16) _mm512_storeu_ps(x + j, _mm512_mul_ps(_mm512_loadu_ps(x + j), inverse));
        if (j < columns) {
            const __mmask16 mask = tail_mask(columns - j);
            _mm512_mask_storeu_ps(x + j, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + j), inverse));
        }
    }
}

SEK_TARGET_AVX512 void sek_add_layer_norm_avx512(float *values, const float *residual, const float *gamma,
                                                 const float *beta, size_t rows, size_t columns, float epsilon) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        if (residual) sek_add_bias_avx512(x, residual + row * columns, 1, columns);
        __m512 sums = _mm512_setzero_ps();
        for (size_t j = 0; j < full; j += 16) sums = _mm512_add_ps(sums, _mm512_loadu_ps(x + j));
        float lanes[16];
        _mm512_storeu_ps(lanes, sums);
        const float mean = sek_layer_norm_mean(lanes, x + full, columns - full, columns);
        const __m512 m = _mm512_set1_ps(mean);
        __m512 squares = _mm512_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(x + j), m);
            squares = _mm512_fmadd_ps(d, d, squares);
        }
        _mm512_storeu_ps(lanes, squares);
        const __m512 s = _mm512_set1_ps(sek_layer_norm_scale(lanes, x + full, columns - full, mean, columns, epsilon));
        size_t j = 0;
        for (; j + 16 <= columns; j += 16) {
            const __m512 t = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + j), m), s);
            _mm512_storeu_ps(x + j, _mm512_fmadd_ps(t, _mm512_loadu_ps(gamma + j), _mm512_loadu_ps(beta + j)));
        }
        if (j < columns) {
            const __mmask16 mask = tail_mask(columns - j);
            const __m512 t = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, x + j), m), s);
            _mm512_mask_storeu_ps(x + j, mask,
                                  _mm512_fmadd_ps(t, _mm512_maskz_loadu_ps(mask, gamma + j), _mm512_maskz_loadu_ps(mask, beta + j)));
        }
    }
}

SEK_TARGET_AVX512 void sek_add_bias_avx512(float *values, const float *bias, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        size_t j = 0;
        for (; j + 16 <= columns; j += 16)
            _mm512_storeu_ps(x + j, _mm512_add_ps(_mm512_loadu_ps(x + j), _mm512_loadu_ps(bias + j)));
        if (j < columns) {
            const __mmask16 mask = tail_mask(columns - j);
            _mm512_mask_storeu_ps(x + j, mask,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mask, x + j), _mm512_maskz_loadu_ps(mask, bias + j)));
        }
    }
}
#endif
