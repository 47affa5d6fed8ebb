// The position terms of attention beyond BERT, portable: the reference the SIMD variants equal
// bit for bit (element-wise, no reassociation). Rotary embeddings (NomicBERT, ModernBERT): the
// first `rotary_dims` columns of each head of row r rotated by cos_table / sin_table row r, pairs
// (i, i + half) (GPT-NeoX) or (2i, 2i + 1) (GPT-J): (x1, x2) → (x1·c − x2·s, x2·c + x1·s).
// MPNet's relative bias: scores[i][j] += diagonals[j − i]. ModernBERT's sliding window:
// scores[i][j] = −∞ where |first_offset + j − i| > half_window.
#include "sek_internal.h"

void sek_rotary_portable(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size,
                         size_t rotary_dims, const float *cos_table, const float *sin_table, int interleaved) {
    const size_t half = rotary_dims / 2;
    for (size_t row = 0; row < rows; row++) {
        const float *c = cos_table + row * half, *s = sin_table + row * half;
        for (size_t head = 0; head < heads; head++) {
            float *x = values + row * row_stride + head * head_size;
            for (size_t i = 0; i < half; i++) {
                const size_t first = interleaved ? 2 * i : i, second = interleaved ? 2 * i + 1 : i + half;
                const float x1 = x[first], x2 = x[second];
                x[first] = x1 * c[i] - x2 * s[i];
                x[second] = x2 * c[i] + x1 * s[i];
            }
        }
    }
}

void sek_add_toeplitz_portable(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals) {
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        const float *d = diagonals - (ptrdiff_t)i;
        for (size_t j = 0; j < columns; j++) x[j] += d[j];
    }
}

void sek_mask_outside_band_portable(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                                    size_t half_window) {
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        size_t first, end;
        sek_band_range(first_offset - (ptrdiff_t)i, half_window, columns, &first, &end);
        for (size_t j = 0; j < first; j++) x[j] = -INFINITY;
        for (size_t j = end; j < columns; j++) x[j] = -INFINITY;
    }
}
