// GELU, row softmax, residual + layer norm and bias rows, arm64 NEON: 4 lanes per q register,
// four registers for the 16 reduction lanes, scalar tails (the same scalar code as the portable
// variant). The same operations as the portable variant lane by lane (fmla where it has fmaf,
// maxNum / minNum for fmaxf / fminf), so the same bits.
#include "sek_internal.h"

#ifdef SEK_ARM64
#include <arm_neon.h>
#include "simd_neon.h"

void sek_gelu_neon(float *values, size_t count) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) vst1q_f32(values + i, gelu4(vld1q_f32(values + i)));
    for (; i < count; i++) values[i] = sek_gelu_scalar(values[i]);
}

void sek_softmax_rows_neon(float *values, size_t rows, size_t columns) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        float32x4_t m4 = vdupq_n_f32(-INFINITY);
        size_t j = 0;
        for (; j + 4 <= columns; j += 4) m4 = vmaxnmq_f32(m4, vld1q_f32(x + j));
        float maximum = vmaxnmvq_f32(m4);
        for (; j < columns; j++) maximum = fmaxf(maximum, x[j]);
        const float32x4_t m = vdupq_n_f32(maximum);
        float32x4_t sums[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
        for (j = 0; j < full; j += 16)
            for (int v = 0; v < 4; v++) {
                const float32x4_t e = exp4(vsubq_f32(vld1q_f32(x + j + 4 * v), m));
                vst1q_f32(x + j + 4 * v, e);
                sums[v] = vaddq_f32(sums[v], e);
            }
        float tail = 0.0f;
        for (j = full; j < columns; j++) {
            const float e = sek_exp_scalar(x[j] - maximum);
            x[j] = e;
            tail += e;
        }
        float lanes[16];
        for (int v = 0; v < 4; v++) vst1q_f32(lanes + 4 * v, sums[v]);
        const float inverse = 1.0f / sek_fold_sum16(tail, lanes);
        const float32x4_t s = vdupq_n_f32(inverse);
        for (j = 0; j + 4 <= columns; j += 4) vst1q_f32(x + j, vmulq_f32(vld1q_f32(x + j), s));
        for (; j < columns; j++) x[j] *= inverse;
    }
}

void sek_add_layer_norm_neon(float *values, const float *residual, const float *gamma, const float *beta, size_t rows,
                             size_t columns, float epsilon) {
    const size_t full = columns / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        if (residual) sek_add_bias_neon(x, residual + row * columns, 1, columns);
        float32x4_t sums[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
        for (size_t j = 0; j < full; j += 16)
            for (int v = 0; v < 4; v++) sums[v] = vaddq_f32(sums[v], vld1q_f32(x + j + 4 * v));
        float lanes[16];
        for (int v = 0; v < 4; v++) vst1q_f32(lanes + 4 * v, sums[v]);
        const float mean = sek_layer_norm_mean(lanes, x + full, columns - full, columns);
        const float32x4_t m = vdupq_n_f32(mean);
        for (int v = 0; v < 4; v++) sums[v] = vdupq_n_f32(0.0f);
        for (size_t j = 0; j < full; j += 16)
            for (int v = 0; v < 4; v++) {
                const float32x4_t d = vsubq_f32(vld1q_f32(x + j + 4 * v), m);
                sums[v] = vfmaq_f32(sums[v], d, d);
            }
        for (int v = 0; v < 4; v++) vst1q_f32(lanes + 4 * v, sums[v]);
        const float scale = sek_layer_norm_scale(lanes, x + full, columns - full, mean, columns, epsilon);
        const float32x4_t s = vdupq_n_f32(scale);
        size_t j = 0;
        for (; j + 4 <= columns; j += 4) {
            const float32x4_t t = vmulq_f32(vsubq_f32(vld1q_f32(x + j), m), s);
            vst1q_f32(x + j, vfmaq_f32(vld1q_f32(beta + j), t, vld1q_f32(gamma + j)));
        }
        for (; j < columns; j++) x[j] = fmaf((x[j] - mean) * scale, gamma[j], beta[j]);
    }
}

void sek_add_bias_neon(float *values, const float *bias, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        size_t j = 0;
        for (; j + 4 <= columns; j += 4) vst1q_f32(x + j, vaddq_f32(vld1q_f32(x + j), vld1q_f32(bias + j)));
        for (; j < columns; j++) x[j] += bias[j];
    }
}
#endif
