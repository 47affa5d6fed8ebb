// The position terms of attention beyond BERT (see positions_portable.c), arm64 NEON: 4 lanes, scalar
// tails; the same operations as the portable variant element by element, so the same bits.
// Interleaved (GPT-J) rotary pairs run the portable loop (no architecture EmbedQ reads uses them
// by default).
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>

void sek_rotary_neon(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size,
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
            for (; i + 4 <= half; i += 4) {
                const float32x4_t x1 = vld1q_f32(x + i), x2 = vld1q_f32(x + i + half), ci = vld1q_f32(c + i), si = vld1q_f32(s + i);
                vst1q_f32(x + i, vsubq_f32(vmulq_f32(x1, ci), vmulq_f32(x2, si)));
                vst1q_f32(x + i + half, vaddq_f32(vmulq_f32(x2, ci), vmulq_f32(x1, si)));
            }
            for (; i < half; i++) {
                const float x1 = x[i], x2 = x[i + half];
                x[i] = x1 * c[i] - x2 * s[i];
                x[i + half] = x2 * c[i] + x1 * s[i];
            }
        }
    }
}

void sek_add_toeplitz_neon(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals) {
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        const float *d = diagonals - (ptrdiff_t)i;
        size_t j = 0;
        for (; j + 4 <= columns; j += 4) vst1q_f32(x + j, vaddq_f32(vld1q_f32(x + j), vld1q_f32(d + j)));
        for (; j < columns; j++) x[j] += d[j];
    }
}

void sek_mask_outside_band_neon(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                                    size_t half_window) {
    const float32x4_t masked = vdupq_n_f32(-INFINITY);
    for (size_t i = 0; i < rows; i++) {
        float *x = scores + i * ld;
        size_t first, end;
        sek_band_range(first_offset - (ptrdiff_t)i, half_window, columns, &first, &end);
        size_t j = 0;
        for (; j + 4 <= first; j += 4) vst1q_f32(x + j, masked);
        for (; j < first; j++) x[j] = -INFINITY;
        j = end;
        for (; j + 4 <= columns; j += 4) vst1q_f32(x + j, masked);
        for (; j < columns; j++) x[j] = -INFINITY;
    }
}
#endif
