// GELU, row softmax, residual + layer norm and bias rows, AVX2 + FMA: 8 lanes per ymm, two
// registers for the 16 reduction lanes, scalar tails (the same scalar code as the portable
// variant). The same operations as the portable variant lane by lane, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
#include "simd_avx2.h"

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
