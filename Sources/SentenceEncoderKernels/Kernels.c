#include "SentenceEncoderKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// ---------------------------------------------------------------------------------------------
// Scalar building blocks written so that clang vectorizes the loops that call them.

// erf(x) as p(x^2) * x / q(x^2) on x clamped to [-4, 4] (erf(4) = 1 - 1.5e-8): the rational
// approximation used by Eigen and XLA for float32; absolute error < 2e-7.
static inline __attribute__((always_inline)) float sek_erf(float x) {
    x = fminf(fmaxf(x, -4.0f), 4.0f);
    const float x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 - 2.10102402082508e-06f;
    p = p * x2 - 5.69250639462346e-05f;
    p = p * x2 - 7.34990630326855e-04f;
    p = p * x2 - 2.95459980854025e-03f;
    p = p * x2 - 1.60960333262415e-02f;
    p = p * x;
    float q = -1.45660718464996e-05f;
    q = q * x2 - 2.13374055278905e-04f;
    q = q * x2 - 1.68282697438203e-03f;
    q = q * x2 - 7.37332916720468e-03f;
    q = q * x2 - 1.42647390514189e-02f;
    return p / q;
}

// exp(x) for x <= 88: x = n ln2 + r, |r| <= ln2 / 2, exp(r) by a degree-7 Taylor polynomial
// (truncation error < 6e-9 relative), times 2^n built in the exponent bits. Inputs below -87
// give about 2^-126 instead of a denormal or zero, which is harmless in a softmax after the
// row maximum is subtracted (the terms are < 1e-37 of the largest, which is 1).
static inline __attribute__((always_inline)) float sek_exp(float x) {
    x = fminf(fmaxf(x, -87.0f), 88.0f);
    const float n = rintf(x * 1.44269504088896341f);
    float r = x - n * 0.693145751953125f;
    r = r - n * 1.428606765330187e-06f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#define SEK_GELU_BODY                                                        \
    for (size_t i = 0; i < count; i++) {                                     \
        const float x = values[i];                                           \
        values[i] = 0.5f * x * (1.0f + sek_erf(x * 0.70710678118654752f));   \
    }

// Reductions run in 16 independent lanes (then summed) so that the compiler can vectorize
// them without reassociating a single accumulator.
#define SEK_SOFTMAX_BODY                                                          \
    for (size_t row = 0; row < rows; row++) {                                     \
        float *x = values + row * columns;                                        \
        float lanes[16];                                                          \
        for (int k = 0; k < 16; k++) lanes[k] = -INFINITY;                        \
        size_t j = 0;                                                             \
        for (; j + 16 <= columns; j += 16)                                        \
            for (int k = 0; k < 16; k++) lanes[k] = fmaxf(lanes[k], x[j + k]);   \
        float maximum = -INFINITY;                                                \
        for (int k = 0; k < 16; k++) maximum = fmaxf(maximum, lanes[k]);         \
        for (; j < columns; j++) maximum = fmaxf(maximum, x[j]);                  \
        for (int k = 0; k < 16; k++) lanes[k] = 0.0f;                             \
        j = 0;                                                                    \
        for (; j + 16 <= columns; j += 16)                                        \
            for (int k = 0; k < 16; k++) {                                        \
                const float e = sek_exp(x[j + k] - maximum);                      \
                x[j + k] = e;                                                     \
                lanes[k] += e;                                                    \
            }                                                                     \
        float sum = 0.0f;                                                         \
        for (; j < columns; j++) {                                                \
            const float e = sek_exp(x[j] - maximum);                              \
            x[j] = e;                                                             \
            sum += e;                                                             \
        }                                                                         \
        for (int k = 0; k < 16; k++) sum += lanes[k];                             \
        const float inverse = 1.0f / sum;                                         \
        for (j = 0; j < columns; j++) x[j] *= inverse;                            \
    }

// ---------------------------------------------------------------------------------------------
// Builds per instruction set.

#if defined(__x86_64__) || defined(__i386__)
#define SEK_X86 1
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
static void sek_gelu_avx512(float *values, size_t count) { SEK_GELU_BODY }
__attribute__((target("avx2,fma")))
static void sek_gelu_avx2(float *values, size_t count) { SEK_GELU_BODY }
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
static void sek_softmax_avx512(float *values, size_t rows, size_t columns) { SEK_SOFTMAX_BODY }
__attribute__((target("avx2,fma")))
static void sek_softmax_avx2(float *values, size_t rows, size_t columns) { SEK_SOFTMAX_BODY }
#endif

void sek_gelu_portable(float *values, size_t count) { SEK_GELU_BODY }
void sek_softmax_rows_portable(float *values, size_t rows, size_t columns) { SEK_SOFTMAX_BODY }

int sek_isa_level(void) {
#ifdef SEK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

void sek_gelu(float *values, size_t count) {
#ifdef SEK_X86
    switch (sek_isa_level()) {
    case 2: sek_gelu_avx512(values, count); return;
    case 1: sek_gelu_avx2(values, count); return;
    default: break;
    }
#endif
    sek_gelu_portable(values, count);
}

void sek_softmax_rows(float *values, size_t rows, size_t columns) {
#ifdef SEK_X86
    switch (sek_isa_level()) {
    case 2: sek_softmax_avx512(values, rows, columns); return;
    case 1: sek_softmax_avx2(values, rows, columns); return;
    default: break;
    }
#endif
    sek_softmax_rows_portable(values, rows, columns);
}

#define SEK_LAYER_NORM_BODY                                                                   \
    for (size_t row = 0; row < rows; row++) {                                                 \
        float *x = values + row * columns;                                                    \
        if (residual) {                                                                       \
            const float *y = residual + row * columns;                                        \
            for (size_t j = 0; j < columns; j++) x[j] += y[j];                                \
        }                                                                                     \
        float lanes[16] = {0};                                                                \
        size_t j = 0;                                                                         \
        for (; j + 16 <= columns; j += 16)                                                    \
            for (int k = 0; k < 16; k++) lanes[k] += x[j + k];                                \
        double sum = 0.0;                                                                     \
        for (; j < columns; j++) sum += x[j];                                                 \
        for (int k = 0; k < 16; k++) sum += lanes[k];                                         \
        const float mean = (float)(sum / (double)columns);                                    \
        for (int k = 0; k < 16; k++) lanes[k] = 0.0f;                                         \
        for (j = 0; j + 16 <= columns; j += 16)                                               \
            for (int k = 0; k < 16; k++) {                                                    \
                const float d = x[j + k] - mean;                                              \
                lanes[k] += d * d;                                                            \
            }                                                                                 \
        double squares = 0.0;                                                                 \
        for (; j < columns; j++) squares += (double)(x[j] - mean) * (double)(x[j] - mean);    \
        for (int k = 0; k < 16; k++) squares += lanes[k];                                     \
        const float scale = (float)(1.0 / sqrt(squares / (double)columns + (double)epsilon)); \
        for (j = 0; j < columns; j++) x[j] = (x[j] - mean) * scale * gamma[j] + beta[j];      \
    }

#ifdef SEK_X86
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
static void sek_layer_norm_avx512(float *values, const float *residual, const float *gamma, const float *beta,
                                  size_t rows, size_t columns, float epsilon) { SEK_LAYER_NORM_BODY }
#endif

static void sek_layer_norm_portable(float *values, const float *residual, const float *gamma, const float *beta,
                                    size_t rows, size_t columns, float epsilon) { SEK_LAYER_NORM_BODY }

void sek_add_layer_norm(float *values, const float *residual, const float *gamma, const float *beta,
                        size_t rows, size_t columns, float epsilon) {
#ifdef SEK_X86
    if (sek_isa_level() == 2) {
        sek_layer_norm_avx512(values, residual, gamma, beta, rows, columns, epsilon);
        return;
    }
#endif
    sek_layer_norm_portable(values, residual, gamma, beta, rows, columns, epsilon);
}

void sek_fill_rows(float *values, const float *row_values, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) memcpy(values + row * columns, row_values, columns * sizeof(float));
}

void sek_add_bias(float *values, const float *bias, size_t rows, size_t columns) {
    for (size_t row = 0; row < rows; row++) {
        float *x = values + row * columns;
        for (size_t j = 0; j < columns; j++) x[j] += bias[j];
    }
}
