// GELU, row softmax, residual + layer norm and bias rows, AVX2 + FMA: 8 lanes per ymm, two
// registers for the 16 reduction lanes, scalar tails (the same scalar code as the portable
// variant). The same operations as the portable variant lane by lane, so the same bits.
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

SEK_TARGET_AVX2 void sek_gelu_avx2(float *values, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(values + i, gelu8(_mm256_loadu_ps(values + i)));
    for (; i < count; i++) values[i] = sek_gelu_scalar(values[i]);
}

SEK_TARGET_AVX2 void sek_softmax_rows_avx2(float *values, size_t rows, size_t columns) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        __m256 lanes0 = _mm256_set1_ps(-INFINITY), lanes1 = lanes0;
        for (size_t j = 0; j < full; j += 16) {
            lanes0 = _mm256_max_ps(_mm256_loadu_ps(x + j), lanes0);
            lanes1 = _mm256_max_ps(_mm256_loadu_ps(x + j + 8), lanes1);
        }
        float lanes[16];
        _mm256_storeu_ps(lanes, lanes0);
        _mm256_storeu_ps(lanes + 8, lanes1);
        float maximum = -INFINITY;
        for (int k = 0; k < 16; k++) maximum = fmaxf(maximum, lanes[k]);
        for (size_t j = full; j < columns; j++) maximum = fmaxf(maximum, x[j]);
        const __m256 m = _mm256_set1_ps(maximum);
        __m256 sums0 = _mm256_setzero_ps(), sums1 = _mm256_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            const __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), m));
            const __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8), m));
            _mm256_storeu_ps(x + j, e0);
            _mm256_storeu_ps(x + j + 8, e1);
            sums0 = _mm256_add_ps(sums0, e0);
            sums1 = _mm256_add_ps(sums1, e1);
        }
        float tail = 0.0f;
        for (size_t j = full; j < columns; j++) {
            const float e = sek_exp_scalar(x[j] - maximum);
            x[j] = e;
            tail += e;
        }
        _mm256_storeu_ps(lanes, sums0);
        _mm256_storeu_ps(lanes + 8, sums1);
        const float inverse = 1.0f / sek_fold_sum16(tail, lanes);
        const __m256 v = _mm256_set1_ps(inverse);
        size_t j = 0;
        for (; j + 8 <= columns; j += 8) _mm256_storeu_ps(x + j, _mm256_mul_ps(_mm256_loadu_ps(x + j), v));
        for (; j < columns; j++) x[j] *= inverse;
    }
}

SEK_TARGET_AVX2 void sek_add_layer_norm_avx2(float *values, const float *residual, const float *gamma,
                                             const float *beta, size_t rows, size_t columns, float epsilon) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        if (residual) sek_add_bias_avx2(x, residual + row * columns, 1, columns);
        __m256 sums0 = _mm256_setzero_ps(), sums1 = _mm256_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            sums0 = _mm256_add_ps(sums0, _mm256_loadu_ps(x + j));
            sums1 = _mm256_add_ps(sums1, _mm256_loadu_ps(x + j + 8));
        }
        float lanes[16];
        _mm256_storeu_ps(lanes, sums0);
        _mm256_storeu_ps(lanes + 8, sums1);
        const float mean = sek_layer_norm_mean(lanes, x + full, columns - full, columns);
        const __m256 m = _mm256_set1_ps(mean);
        __m256 squares0 = _mm256_setzero_ps(), squares1 = _mm256_setzero_ps();
        for (size_t j = 0; j < full; j += 16) {
            const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + j), m);
            const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + j + 8), m);
            squares0 = _mm256_fmadd_ps(d0, d0, squares0);
            squares1 = _mm256_fmadd_ps(d1, d1, squares1);
        }
        _mm256_storeu_ps(lanes, squares0);
        _mm256_storeu_ps(lanes + 8, squares1);
        const float scale = sek_layer_norm_scale(lanes, x + full, columns - full, mean, columns, epsilon);
        const __m256 s = _mm256_set1_ps(scale);
        size_t j = 0;
        for (; j + 8 <= columns; j += 8) {
            const __m256 t = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), m), s);
            _mm256_storeu_ps(x + j, _mm256_fmadd_ps(t, _mm256_loadu_ps(gamma + j), _mm256_loadu_ps(beta + j)));
        }
        for (; j < columns; j++) x[j] = fmaf((x[j] - mean) * scale, gamma[j], beta[j]);
    }
}

SEK_TARGET_AVX2 void sek_add_bias_avx2(float *values, const float *bias, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        size_t j = 0;
        for (; j + 8 <= columns; j += 8)
            _mm256_storeu_ps(x + j, _mm256_add_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(bias + j)));
        for (; j < columns; j++) x[j] += bias[j];
    }
}
#endif
