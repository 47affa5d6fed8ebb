// GELU, row softmax, residual + layer norm and bias rows, portable: the reference the SIMD
// variants equal bit for bit. Reductions run in 16 lanes (element j of a full chunk of 16 goes
// to lane j mod 16), the tail of fewer than 16 in order, then the lanes 0..15 (sek_fold_sum16).
#include "sek_internal.h"

void sek_gelu_portable(float *values, size_t count) {
    for (size_t i = 0; i < count; i++) values[i] = sek_gelu_scalar(values[i]);
}

void sek_softmax_rows_portable(float *values, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        float maximum = -INFINITY;
        for (size_t j = 0; j < columns; j++) maximum = fmaxf(maximum, x[j]);
        float lanes[16] = {0};
        size_t j = 0;
        for (; j + 16 <= columns; j += 16)
            for (int k = 0; k < 16; k++) {
                const float e = sek_exp_scalar(x[j + k] - maximum);
                x[j + k] = e;
                lanes[k] += e;
            }
        float tail = 0.0f;
        for (; j < columns; j++) {
            const float e = sek_exp_scalar(x[j] - maximum);
            x[j] = e;
            tail += e;
        }
        const float inverse = 1.0f / sek_fold_sum16(tail, lanes);
        for (j = 0; j < columns; j++) x[j] *= inverse;
    }
}

void sek_add_layer_norm_portable(float *values, const float *residual, const float *gamma, const float *beta,
                                 size_t rows, size_t columns, float epsilon) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        if (residual) {
            const float *r = residual + row * columns;
            for (size_t j = 0; j < columns; j++) x[j] += r[j];
        }
        const size_t full = columns / 16 * 16;
        float lanes[16] = {0};
        for (size_t j = 0; j < full; j += 16)
            for (int k = 0; k < 16; k++) lanes[k] += x[j + k];
        const float mean = sek_layer_norm_mean(lanes, x + full, columns - full, columns);
        for (int k = 0; k < 16; k++) lanes[k] = 0.0f;
        for (size_t j = 0; j < full; j += 16)
            for (int k = 0; k < 16; k++) {
                const float d = x[j + k] - mean;
                lanes[k] = fmaf(d, d, lanes[k]);
            }
        const float scale = sek_layer_norm_scale(lanes, x + full, columns - full, mean, columns, epsilon);
        for (size_t j = 0; j < columns; j++) x[j] = fmaf((x[j] - mean) * scale, gamma[j], beta[j]);
    }
}

void sek_add_bias_portable(float *values, const float *bias, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        for (size_t j = 0; j < columns; j++) x[j] += bias[j];
    }
}
