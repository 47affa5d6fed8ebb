// GELU, row softmax, residual + layer norm and bias rows, AVX-512: 16 lanes per zmm (lane k of
// a reduction is lane k of the register), tails with masks. The same operations as the portable
// variant lane by lane, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>
#include "simd_avx512.h"

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
