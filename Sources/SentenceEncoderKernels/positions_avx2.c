// The position terms of attention beyond BERT (see positions_portable.c), AVX2: 8 lanes, scalar
// tails; the same operations as the portable variant element by element, so the same bits.
// Interleaved (GPT-J) rotary pairs run the portable loop (no architecture EmbedQ reads uses them
// by default).
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

SEK_TARGET_AVX2 void sek_rotary_avx2(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size,
                         size_t rotary_dims, const float *cos_table, const float *sin_table, int interleaved) {
    if (interleaved) {
        sek_rotary_portable(values, rows, row_stride, heads, head_size, rotary_dims, cos_table, sin_table, 1);
        return;
    }
    const size_t half = rotary_dims / 2;
    for (size_t row = 0; row < rows; row++) {
        const float *c = cos_table + row * half, *s = sin_table + row * half;
        for (size_t head = 0; head < heads; head++) {
            float *x = values + row * row_stride + head * head_size;
            size_t i = 0;
            for (; i + 8 <= half; i += 8) {
                const __m256 x1 = _mm256_loadu_ps(x + i), x2 = _mm256_loadu_ps(x + i + half), ci = _mm256_loadu_ps(c + i), si = _mm256_loadu_ps(s + i);
                _mm256_storeu_ps(x + i, _mm256_sub_ps(_mm256_mul_ps(x1, ci), _mm256_mul_ps(x2, si)));
                _mm256_storeu_ps(x + i + half, _mm256_add_ps(_mm256_mul_ps(x2, ci), _mm256_mul_ps(x1, si)));
            }
            for (; i < half; i++) {
                const float x1 = x[i], x2 = x[i + half];
                x[i] = x1 * c[i] - x2 * s[i];
                x[i + half] = x2 * c[i] + x1 * s[i];
            }
        }
    }
}

SEK_TARGET_AVX2 void sek_add_toeplitz_avx2(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals) {
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        const float *d = diagonals - (ptrdiff_t)i;
        size_t j = 0;
        for (; j + 8 <= columns; j += 8) _mm256_storeu_ps(x + j, _mm256_add_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(d + j)));
        for (; j < columns; j++) x[j] += d[j];
    }
}

SEK_TARGET_AVX2 void sek_mask_outside_band_avx2(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                                    size_t half_window) {
    const __m256 masked = _mm256_set1_ps(-INFINITY);
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        size_t first, end;
        sek_band_range(first_offset - (ptrdiff_t)i, half_window, columns, &first, &end);
        size_t j = 0;
        for (; j + 8 <= first; j += 8) _mm256_storeu_ps(x + j, masked);
        for (; j < first; j++) x[j] = -INFINITY;
        j = end;
        for (; j + 8 <= columns; j += 8) _mm256_storeu_ps(x + j, masked);
        for (; j < columns; j++) x[j] = -INFINITY;
    }
}
#endif
