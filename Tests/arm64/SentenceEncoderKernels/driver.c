// Reference comparisons of every SentenceEncoderKernels variant this CPU has, in plain C (no
// XCTest), for scripts/test-arm64.sh: cross-compiled for aarch64 and run under qemu-aarch64 at
// several CPU models and EMBEDQ_ISA levels. Builds and runs natively on x86-64 as well.
//
// Oracles are this file's own: exact integer sums, double-precision products and functions, and
// straightforward scalar rewrites of the documented rules. Besides, every variant must equal the
// portable variant bit for bit where SentenceEncoderKernels.h says so (all but the native bf16
// dot products, which get the header's bound). Exit status 1 on any mismatch.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CPUCapabilities.h"
#include "SentenceEncoderKernels.h"

static int failures = 0;
static const char *current_level = "";

#define CHECK(condition, ...)                                            \
    do {                                                                 \
        if (!(condition)) {                                              \
            if (failures < 40) {                                         \
                fprintf(stderr, "FAIL [%s] %s:%d: ", current_level, __FILE__, __LINE__); \
                fprintf(stderr, __VA_ARGS__);                            \
                fprintf(stderr, "\n");                                   \
            }                                                            \
            failures++;                                                  \
        }                                                                \
    } while (0)

// xorshift64*: fixed seeds, so every run checks the same inputs.
static uint64_t state = 0x9E3779B97F4A7C15ull;
static void seed(uint64_t s) { state = s * 0x9E3779B97F4A7C15ull + 1; }
static uint64_t next(void) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}
static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)((next() >> 40) / 16777216.0); }
static int integer(int lo, int hi) { return lo + (int)(next() % (uint64_t)(hi - lo + 1)); }

static uint32_t bits_of(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}
static float float_of(uint32_t b) {
    float x;
    memcpy(&x, &b, 4);
    return x;
}
// Same value, or both NaN.
static int same(float a, float b) { return bits_of(a) == bits_of(b) || (isnan(a) && isnan(b)); }

static void *allocate(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

// (rows, columns, inputs): every tile remainder, odd widths, both sides of 16 / 32 / 64 / 384.
static const size_t shapes[][3] = {
    {1, 1, 1},    {2, 7, 13},  {7, 13, 7},  {13, 33, 63}, {65, 1, 65},  {5, 63, 383}, {13, 65, 385},
    {3, 385, 13}, {49, 17, 8}, {12, 32, 64}, {1, 385, 385}, {8, 16, 384}, {60, 70, 401},
};
#define SHAPE_COUNT (sizeof shapes / sizeof *shapes)

// ---------------------------------------------------------------------------------------------

static void test_gemm_f32(const sek_kernel_table *t, const sek_kernel_table *portable) {
    for (size_t s = 0; s < SHAPE_COUNT; s++) {
        {
            {
                const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                seed(m * 1000003 + n * 1009 + k);
                const size_t ldx = k + 3, ldy = n + 5;
                float *x = allocate(m * ldx * 4), *w = allocate(n * k * 4), *bias = allocate(n * 4);
                float *packed = allocate(sek_f32_packed_count(n, k) * 4);
                float *y = allocate(m * ldy * 4), *z = allocate(m * ldy * 4);
                for (size_t i = 0; i < m * ldx; i++) x[i] = uniform(-2, 2);
                for (size_t i = 0; i < n * k; i++) w[i] = uniform(-1, 1);
                for (size_t i = 0; i < n; i++) bias[i] = uniform(-1, 1);
                sek_pack_f32(w, n, k, packed);
                for (int with_bias = 0; with_bias < 2; with_bias++) {
                    for (size_t i = 0; i < m * ldy; i++) y[i] = z[i] = 12345.0f;
                    t->gemm_f32(x, ldx, packed, with_bias ? bias : NULL, y, ldy, m, n, k);
                    portable->gemm_f32(x, ldx, packed, with_bias ? bias : NULL, z, ldy, m, n, k);
                    for (size_t i = 0; i < m; i++)
                        for (size_t j = 0; j < ldy; j++) {
                            const float got = y[i * ldy + j];
                            if (j >= n) {
                                CHECK(got == 12345.0f, "gemm_f32 %zux%zux%zu wrote column %zu", m, n, k, j);
                                continue;
                            }
                            double ref = with_bias ? bias[j] : 0, magnitude = fabs(ref);
                            for (size_t p = 0; p < k; p++) {
                                ref += (double)x[i * ldx + p] * w[j * k + p];
                                magnitude += fabs((double)x[i * ldx + p] * w[j * k + p]);
                            }
                            CHECK(fabs(got - ref) <= (k + 1) * 0x1p-23 * magnitude + 1e-30,
                                  "gemm_f32 %zux%zux%zu [%zu][%zu] %g vs %g", m, n, k, i, j, got, ref);
                            CHECK(same(got, z[i * ldy + j]), "gemm_f32 %zux%zux%zu not bitwise portable", m, n, k);
                        }
                }
                free(x), free(w), free(bias), free(packed), free(y), free(z);
            }
        }
    }
}

// Exact: codes, Int32 sums, one fma per output.
static void test_int8(const sek_kernel_table *t) {
    for (size_t s = 0; s < SHAPE_COUNT; s++) {
        {
            {
                const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                seed(m * 7919 + n * 104729 + k);
                const size_t padded = sek_int8_padded_inputs(k), ldc = n + 2, groups16 = (n + 15) / 16 * 16;
                int8_t *w = allocate(n * k), *packed = allocate(sek_int8_packed_count(n, k));
                uint8_t *codes = allocate(m * padded);
                float *a_scales = allocate(m * 4), *w_scales = allocate(groups16 * 4), *bias = allocate(n * 4);
                int32_t *corrections = allocate(groups16 * 4);
                float *out = allocate(m * ldc * 4);
                // Extremes included: codes 1 and 255, weights ±127.
                for (size_t i = 0; i < n * k; i++) w[i] = (int8_t)(i % 11 == 0 ? (i % 2 ? 127 : -127) : integer(-127, 127));
                for (size_t i = 0; i < m * padded; i++) codes[i] = (uint8_t)(i % 13 == 0 ? (i % 2 ? 255 : 1) : integer(1, 255));
                for (size_t i = 0; i < m; i++)
                    for (size_t p = k; p < padded; p++) codes[i * padded + p] = 128;
                for (size_t i = 0; i < m; i++) a_scales[i] = uniform(0.001f, 0.1f);
                for (size_t j = 0; j < groups16; j++) {
                    w_scales[j] = j < n ? uniform(0.001f, 0.01f) : 0;
                    int32_t sum = 0;
                    for (size_t p = 0; j < n && p < k; p++) sum += w[j * k + p];
                    corrections[j] = 128 * sum;
                }
                for (size_t j = 0; j < n; j++) bias[j] = uniform(-1, 1);
                t->pack_int8(w, n, k, packed);
                for (size_t i = 0; i < m * ldc; i++) out[i] = -7.0f;
                t->gemm_u8s8(m, n, padded, codes, a_scales, packed, corrections, w_scales, bias, out, ldc);
                for (size_t i = 0; i < m; i++)
                    for (size_t j = 0; j < ldc; j++) {
                        if (j >= n) {
                            CHECK(out[i * ldc + j] == -7.0f, "gemm_u8s8 %zux%zux%zu wrote column %zu", m, n, k, j);
                            continue;
                        }
                        int64_t sum = 0;
                        for (size_t p = 0; p < k; p++) sum += ((int64_t)codes[i * padded + p] - 128) * w[j * k + p];
                        const float expected = fmaf((float)sum, a_scales[i] * w_scales[j], bias[j]);
                        CHECK(same(out[i * ldc + j], expected), "gemm_u8s8 %zux%zux%zu [%zu][%zu] %.9g vs %.9g (sum %lld)",
                              m, n, k, i, j, out[i * ldc + j], expected, (long long)sum);
                    }
                // No bias.
                t->gemm_u8s8(m, n, padded, codes, a_scales, packed, corrections, w_scales, NULL, out, ldc);
                for (size_t i = 0; i < m; i++)
                    for (size_t j = 0; j < n; j++) {
                        int64_t sum = 0;
                        for (size_t p = 0; p < k; p++) sum += ((int64_t)codes[i * padded + p] - 128) * w[j * k + p];
                        CHECK(same(out[i * ldc + j], fmaf((float)sum, a_scales[i] * w_scales[j], 0.0f)),
                              "gemm_u8s8 (no bias) %zux%zux%zu [%zu][%zu]", m, n, k, i, j);
                    }
                free(w), free(packed), free(codes), free(a_scales), free(w_scales), free(bias), free(corrections), free(out);
            }
        }
    }
}

static uint8_t code_of(float x, float inverse) {
    float q = rintf(x * inverse);
    if (!(q >= -127.0f)) q = -127.0f;  // NaN too
    if (q > 127.0f) q = 127.0f;
    return (uint8_t)((int)q + 128);
}

static void test_quantize(const sek_kernel_table *t) {
    const size_t widths[] = {1, 7, 13, 16, 31, 33, 63, 65, 383, 385};
    for (size_t a = 0; a < sizeof widths / sizeof *widths; a++) {
        const size_t columns = widths[a], rows = 5, padded = sek_int8_padded_inputs(columns) + 8;
        seed(columns);
        float *x = allocate(rows * columns * 4), scales[5];
        uint8_t *codes = allocate(rows * padded);
        for (size_t i = 0; i < rows * columns; i++) x[i] = uniform(-3, 3);
        for (size_t j = 0; j < columns; j++) x[2 * columns + j] = 0;                      // zero row
        x[3 * columns] = NAN;                                                             // NaN ignored by the max
        if (columns > 2) x[3 * columns + 2] = -INFINITY, x[4 * columns + 1] = 1e-40f;     // infinity, subnormal
        x[4 * columns] = -0.0f;
        t->quantize_rows_u8(x, rows, columns, padded, codes, scales);
        for (size_t r = 0; r < rows; r++) {
            float maximum = 0;
            for (size_t j = 0; j < columns; j++)
                if (fabsf(x[r * columns + j]) > maximum) maximum = fabsf(x[r * columns + j]);
            const float inverse = maximum > 0 ? 127.0f / maximum : 0.0f;
            CHECK(same(scales[r], maximum / 127.0f), "quantize width %zu row %zu scale", columns, r);
            for (size_t j = 0; j < padded; j++) {
                const uint8_t expected = j < columns ? code_of(x[r * columns + j], inverse) : 128;
                CHECK(codes[r * padded + j] == expected, "quantize width %zu [%zu][%zu]: %d vs %d", columns, r, j,
                      codes[r * padded + j], expected);
            }
        }
        t->quantize_rows_u8_fixed(x, rows, columns, padded, 127.0f / 1.5f, codes);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < padded; j++) {
                const uint8_t expected = j < columns ? code_of(x[r * columns + j], 127.0f / 1.5f) : 128;
                CHECK(codes[r * padded + j] == expected, "quantize fixed width %zu [%zu][%zu]", columns, r, j);
            }
        free(x), free(codes);
    }
}

static uint16_t bf16_of(float x) {
    const uint32_t b = bits_of(x);
    if (isnan(x)) return (uint16_t)((b >> 16) | 0x40);
    const uint32_t lower = b & 0xFFFF, upper = b >> 16;
    // Nearest, ties to even, written as a comparison rather than the kernels' addition.
    if (lower > 0x8000 || (lower == 0x8000 && (upper & 1))) return (uint16_t)(upper + 1);
    return (uint16_t)upper;
}
static float widen(uint16_t v) { return float_of((uint32_t)v << 16); }

static void test_bf16(const sek_kernel_table *t, const sek_kernel_table *portable) {
    const int native = strcmp(t->bf16_isa, "avx512bf16") == 0 || strcmp(t->bf16_isa, "neonbf16") == 0;
    // Rounding, with edge values.
    const size_t widths[] = {1, 7, 16, 17, 33, 385};
    for (size_t a = 0; a < sizeof widths / sizeof *widths; a++) {
        const size_t columns = widths[a], rows = 3, padded = columns + 3;
        seed(columns + 99);
        float *x = allocate(rows * columns * 4);
        uint16_t *out = allocate(rows * padded * 2);
        for (size_t i = 0; i < rows * columns; i++) x[i] = float_of((uint32_t)next());
        x[0] = NAN;
        if (columns > 4) {
            x[1] = float_of(0x3F808000u), x[2] = float_of(0x3F818000u), x[3] = -INFINITY, x[4] = float_of(0x7F7FFFFFu);
        }
        t->round_rows_bf16(x, rows, columns, padded, out);
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < padded; j++) {
                const uint16_t expected = j < columns ? bf16_of(x[r * columns + j]) : 0;
                CHECK(out[r * padded + j] == expected, "round_bf16 width %zu [%zu][%zu] %04x vs %04x (%08x)", columns, r,
                      j, out[r * padded + j], expected, j < columns ? bits_of(x[r * columns + j]) : 0);
            }
        free(x), free(out);
    }
    // Products.
    for (size_t s = 0; s < SHAPE_COUNT; s++) {
        {
            {
                const size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                seed(m * 31 + n * 37 + k * 41);
                const size_t padded = sek_bf16_padded_inputs(k), ldc = n + 1;
                uint16_t *w = allocate(n * k * 2), *packed = allocate(sek_bf16_packed_count(n, k) * 2);
                uint16_t *act = allocate(m * padded * 2);
                float *bias = allocate(n * 4), *out = allocate(m * ldc * 4), *ref_out = allocate(m * ldc * 4);
                for (size_t i = 0; i < n * k; i++) w[i] = bf16_of(uniform(-1, 1));
                for (size_t i = 0; i < m * padded; i++) act[i] = (i % padded) < k ? bf16_of(uniform(-2, 2)) : 0;
                for (size_t j = 0; j < n; j++) bias[j] = uniform(-1, 1);
                t->pack_bf16(w, n, k, packed);
                for (size_t i = 0; i < m * ldc; i++) out[i] = -3.0f;
                t->gemm_bf16(m, n, padded, act, packed, bias, out, ldc);
                // The portable variant in its own layout.
                uint16_t *portable_packed = allocate(sek_bf16_packed_count(n, k) * 2);
                portable->pack_bf16(w, n, k, portable_packed);
                portable->gemm_bf16(m, n, padded, act, portable_packed, bias, ref_out, ldc);
                for (size_t i = 0; i < m; i++)
                    for (size_t j = 0; j < ldc; j++) {
                        const float got = out[i * ldc + j];
                        if (j >= n) {
                            CHECK(got == -3.0f, "gemm_bf16 %zux%zux%zu wrote column %zu", m, n, k, j);
                            continue;
                        }
                        float chain = bias[j];
                        double magnitude = fabs(bias[j]);
                        for (size_t p = 0; p < k; p++) {
                            chain = fmaf(widen(act[i * padded + p]), widen(w[j * k + p]), chain);
                            magnitude += fabs((double)widen(act[i * padded + p]) * widen(w[j * k + p]));
                        }
                        CHECK(same(ref_out[i * ldc + j], chain), "gemm_bf16 portable %zux%zux%zu [%zu][%zu]", m, n, k, i, j);
                        if (native) {
                            CHECK(fabs(got - chain) <= (k + 2) * 0x1p-23 * magnitude + k * 0x1p-126,
                                  "gemm_bf16 native %zux%zux%zu [%zu][%zu] %g vs %g", m, n, k, i, j, got, chain);
                        } else {
                            CHECK(same(got, chain), "gemm_bf16 %zux%zux%zu [%zu][%zu] %.9g vs %.9g", m, n, k, i, j, got, chain);
                        }
                    }
                free(w), free(packed), free(portable_packed), free(act), free(bias), free(out), free(ref_out);
            }
        }
    }
}

static void test_elementwise(const sek_kernel_table *t, const sek_kernel_table *portable) {
    // GELU against double erf, and bitwise against the portable variant.
    {
        const size_t count = 4099;
        seed(5);
        float *x = allocate(count * 4), *y = allocate(count * 4), *z = allocate(count * 4);
        for (size_t i = 0; i < count; i++) x[i] = uniform(-12, 12);
        const float edges[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 3.999f, 5.657f, -5.658f, 100.0f, -100.0f, INFINITY, -INFINITY, NAN};
        memcpy(x, edges, sizeof edges);
        memcpy(y, x, count * 4), memcpy(z, x, count * 4);
        t->gelu(y, count);
        portable->gelu(z, count);
        for (size_t i = 0; i < count; i++) {
            CHECK(same(y[i], z[i]), "gelu(%g) %.9g vs portable %.9g", x[i], y[i], z[i]);
            if (!isfinite(x[i])) continue;
            const double ref = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));
            CHECK(fabs(y[i] - ref) <= 4e-7 * fmax(1.0, fabs(x[i])), "gelu(%g) %.9g vs %.9g", x[i], y[i], ref);
        }
        CHECK(isnan(y[11]), "gelu(NaN) is not NaN");
        free(x), free(y), free(z);
    }
    // Softmax.
    const size_t widths[] = {1, 7, 13, 16, 17, 63, 65, 257};
    for (size_t a = 0; a < sizeof widths / sizeof *widths; a++) {
        const size_t columns = widths[a], rows = 4;
        seed(columns * 3);
        float *x = allocate(rows * columns * 4), *y = allocate(rows * columns * 4), *z = allocate(rows * columns * 4);
        for (size_t i = 0; i < rows * columns; i++) x[i] = uniform(-30, 30);
        if (columns > 1) x[columns] = -INFINITY;  // a masked score
        memcpy(y, x, rows * columns * 4), memcpy(z, x, rows * columns * 4);
        t->softmax_rows(y, rows, columns);
        portable->softmax_rows(z, rows, columns);
        for (size_t r = 0; r < rows; r++) {
            double maximum = -INFINITY, sum = 0;
            for (size_t j = 0; j < columns; j++) maximum = fmax(maximum, x[r * columns + j]);
            for (size_t j = 0; j < columns; j++) sum += exp(x[r * columns + j] - maximum);
            for (size_t j = 0; j < columns; j++) {
                const double ref = exp(x[r * columns + j] - maximum) / sum;
                const float got = y[r * columns + j];
                CHECK(same(got, z[r * columns + j]), "softmax width %zu not bitwise portable", columns);
                // exp is within 4e-7; x − max rounds to float first (relative 2⁻²⁴ · |x − max|).
                const double argument = isinf(x[r * columns + j]) ? 0 : fabs((double)x[r * columns + j] - maximum);
                CHECK(fabs(got - ref) <= (1e-6 + argument * 0x1p-23) * ref + 1e-37, "softmax width %zu [%zu][%zu] %g vs %g", columns, r, j, got, ref);
            }
        }
        free(x), free(y), free(z);
    }
    // Residual + layer norm, and bias rows.
    const size_t norm_widths[] = {1, 7, 13, 16, 33, 384, 385};
    for (size_t a = 0; a < sizeof norm_widths / sizeof *norm_widths; a++) {
        const size_t columns = norm_widths[a], rows = 3;
        seed(columns * 5);
        float *x = allocate(rows * columns * 4), *res = allocate(rows * columns * 4), *y = allocate(rows * columns * 4),
              *z = allocate(rows * columns * 4), *g = allocate(columns * 4), *b = allocate(columns * 4);
        for (size_t i = 0; i < rows * columns; i++) x[i] = uniform(-5, 5), res[i] = uniform(-5, 5);
        for (size_t j = 0; j < columns; j++) g[j] = uniform(0.5f, 1.5f), b[j] = uniform(-1, 1);
        for (int with_residual = 0; with_residual < 2; with_residual++) {
            memcpy(y, x, rows * columns * 4), memcpy(z, x, rows * columns * 4);
            t->add_layer_norm(y, with_residual ? res : NULL, g, b, rows, columns, 1e-12f);
            portable->add_layer_norm(z, with_residual ? res : NULL, g, b, rows, columns, 1e-12f);
            for (size_t r = 0; r < rows; r++) {
                double mean = 0, variance = 0;
                for (size_t j = 0; j < columns; j++)
                    mean += (double)(x[r * columns + j] + (with_residual ? res[r * columns + j] : 0.0f));
                mean /= columns;
                for (size_t j = 0; j < columns; j++) {
                    const double d = (double)(x[r * columns + j] + (with_residual ? res[r * columns + j] : 0.0f)) - mean;
                    variance += d * d;
                }
                variance /= columns;
                for (size_t j = 0; j < columns; j++) {
                    const double v = (double)(x[r * columns + j] + (with_residual ? res[r * columns + j] : 0.0f));
                    const double ref = (v - mean) / sqrt(variance + 1e-12) * g[j] + b[j];
                    const float got = y[r * columns + j];
                    CHECK(same(got, z[r * columns + j]), "layer norm width %zu not bitwise portable", columns);
                    CHECK(fabs(got - ref) <= 1e-5 * (1 + fabs(ref)) || columns == 1, "layer norm width %zu %g vs %g",
                          columns, got, ref);
                }
            }
        }
        memcpy(y, x, rows * columns * 4);
        t->add_bias(y, b, rows, columns);
        for (size_t i = 0; i < rows * columns; i++) CHECK(same(y[i], x[i] + b[i % columns]), "add_bias width %zu", columns);
        free(x), free(res), free(y), free(z), free(g), free(b);
    }
}

// The architectures' kernels: gated SiLU / GELU against double precision (in place too), rotary,
// Toeplitz bias and band mask against straightforward loops; all bitwise against portable.
static void test_architecture(const sek_kernel_table *t, const sek_kernel_table *portable) {
    const size_t widths[] = {1, 7, 13, 16, 63, 65, 383, 385};
    for (size_t a = 0; a < sizeof widths / sizeof *widths; a++) {
        const size_t width = widths[a], rows = 3;
        seed(width * 7 + 1);
        float *x = allocate(rows * 2 * width * 4), *y = allocate(rows * width * 4), *z = allocate(rows * width * 4),
              *w = allocate(rows * 2 * width * 4);
        for (size_t i = 0; i < rows * 2 * width; i++) x[i] = uniform(-12, 12);
        if (width > 3) x[0] = NAN, x[1] = -95.0f, x[2] = 95.0f, x[3] = -0.0f;
        for (int gelu = 0; gelu < 2; gelu++) {
            sek_gated_fn f = gelu ? t->gated_gelu : t->gated_silu, g = gelu ? portable->gated_gelu : portable->gated_silu;
            f(x, y, rows, width);
            g(x, z, rows, width);
            memcpy(w, x, rows * 2 * width * 4);
            f(w, w, rows, width);
            for (size_t r = 0; r < rows; r++)
                for (size_t j = 0; j < width; j++) {
                    const float got = y[r * width + j];
                    CHECK(same(got, z[r * width + j]), "gated %s width %zu not bitwise portable", gelu ? "gelu" : "silu", width);
                    CHECK(same(got, w[r * width + j]), "gated %s width %zu in place differs", gelu ? "gelu" : "silu", width);
                    const double v = x[r * 2 * width + j], gate = x[r * 2 * width + width + j];
                    if (isnan(v)) {
                        CHECK(isnan(got), "gated %s(NaN) is not NaN", gelu ? "gelu" : "silu");
                        continue;
                    }
                    const double act = gelu ? 0.5 * v * (1.0 + erf(v / sqrt(2.0))) : v / (1.0 + exp(-v));
                    CHECK(fabs(got - act * gate) <= 1e-6 * fabs(act * gate) + 4e-7 * fmax(1, fabs(v)) * fmax(1, fabs(gate)),
                          "gated %s(%g) · %g = %.9g vs %.9g", gelu ? "gelu" : "silu", v, gate, got, act * gate);
                }
        }
        free(x), free(y), free(z), free(w);
    }
    // Rotary: (heads, head size, rotary dims, interleaved).
    const size_t rotary_shapes[][4] = {{2, 8, 8, 0}, {3, 46, 46, 0}, {2, 80, 26, 0}, {1, 64, 64, 0}, {2, 8, 8, 1}, {1, 64, 64, 1}};
    for (size_t a = 0; a < sizeof rotary_shapes / sizeof *rotary_shapes; a++) {
        const size_t heads = rotary_shapes[a][0], head_size = rotary_shapes[a][1], dims = rotary_shapes[a][2];
        const int interleaved = (int)rotary_shapes[a][3];
        const size_t rows = 9, stride = heads * head_size + 5, half = dims / 2;
        seed(a + 100);
        float *x = allocate(rows * stride * 4), *y = allocate(rows * stride * 4), *z = allocate(rows * stride * 4);
        float *c = allocate(rows * half * 4), *sn = allocate(rows * half * 4);
        for (size_t i = 0; i < rows * stride; i++) x[i] = uniform(-4, 4);
        for (size_t i = 0; i < rows * half; i++) {
            const double angle = uniform(-50, 50);
            c[i] = (float)cos(angle), sn[i] = (float)sin(angle);
        }
        memcpy(y, x, rows * stride * 4), memcpy(z, x, rows * stride * 4);
        t->rotary(y, rows, stride, heads, head_size, dims, c, sn, interleaved);
        portable->rotary(z, rows, stride, heads, head_size, dims, c, sn, interleaved);
        for (size_t r = 0; r < rows; r++)
            for (size_t h = 0; h < heads; h++)
                for (size_t i = 0; i < half; i++) {
                    const size_t base = r * stride + h * head_size;
                    const size_t p = base + (interleaved ? 2 * i : i), q = base + (interleaved ? 2 * i + 1 : i + half);
                    const double x1 = x[p], x2 = x[q], cc = c[r * half + i], ss = sn[r * half + i];
                    CHECK(fabs(y[p] - (x1 * cc - x2 * ss)) <= 2e-6 && fabs(y[q] - (x2 * cc + x1 * ss)) <= 2e-6,
                          "rotary shape %zu row %zu", a, r);
                }
        for (size_t i = 0; i < rows * stride; i++) CHECK(same(y[i], z[i]), "rotary shape %zu not bitwise portable", a);
        free(x), free(y), free(z), free(c), free(sn);
    }
    // Toeplitz bias and band mask: (rows, columns, ld).
    const size_t score_shapes[][3] = {{7, 19, 23}, {1, 1, 1}, {5, 65, 70}, {40, 33, 33}};
    const long bands[][2] = {{-3, 2}, {5, 0}, {0, 100}, {-30, 17}, {50, 3}, {-60, 1}};
    for (size_t a = 0; a < sizeof score_shapes / sizeof *score_shapes; a++) {
        const size_t rows = score_shapes[a][0], columns = score_shapes[a][1], ld = score_shapes[a][2];
        seed(a + 200);
        float *x = allocate(rows * ld * 4), *y = allocate(rows * ld * 4), *d = allocate((rows + columns) * 4);
        for (size_t i = 0; i < rows * ld; i++) x[i] = uniform(-4, 4);
        for (size_t i = 0; i < rows + columns; i++) d[i] = uniform(-4, 4);
        memcpy(y, x, rows * ld * 4);
        t->add_toeplitz(y, rows, columns, ld, d + rows - 1);
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < ld; j++)
                CHECK(same(y[i * ld + j], j < columns ? x[i * ld + j] + d[j - i + rows - 1] : x[i * ld + j]),
                      "toeplitz %zux%zu [%zu][%zu]", rows, columns, i, j);
        for (size_t b = 0; b < sizeof bands / sizeof *bands; b++) {
            memcpy(y, x, rows * ld * 4);
            t->mask_outside_band(y, rows, columns, ld, (ptrdiff_t)bands[b][0], (size_t)bands[b][1]);
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < ld; j++) {
                    const long relative = bands[b][0] + (long)j - (long)i;
                    const int outside = j < columns && (relative > bands[b][1] || relative < -bands[b][1]);
                    CHECK(same(y[i * ld + j], outside ? -INFINITY : x[i * ld + j]), "band %zux%zu offset %ld window %ld [%zu][%zu]",
                          rows, columns, bands[b][0], bands[b][1], i, j);
                }
        }
        free(x), free(y), free(d);
    }
}

static void test_attention(const sek_kernel_table *t) {
    const size_t lengths[] = {1, 7, 33, 65};
    const size_t heads[] = {32, 13, 64};
    for (size_t a = 0; a < sizeof lengths / sizeof *lengths; a++)
        for (size_t h = 0; h < sizeof heads / sizeof *heads; h++) {
            const size_t L = lengths[a], d = heads[h], stride = 3 * d + 5;
            seed(L * 17 + d);
            float *qkv = allocate(L * stride * 4), *scores = allocate(L * L * 4), *context = allocate(L * (d + 3) * 4);
            for (size_t i = 0; i < L * stride; i++) qkv[i] = uniform(-1, 1);
            const float scale = 1.0f / sqrtf((float)d);
            sek_attention_scores(t, qkv, stride, qkv + d, stride, L, L, d, scale, scores, L);
            for (size_t i = 0; i < L; i++)
                for (size_t j = 0; j < L; j++) {
                    double ref = 0, magnitude = 0;
                    for (size_t p = 0; p < d; p++) {
                        ref += (double)qkv[i * stride + p] * qkv[j * stride + d + p] * scale;
                        magnitude += fabs((double)qkv[i * stride + p] * qkv[j * stride + d + p] * scale);
                    }
                    CHECK(fabs(scores[i * L + j] - ref) <= (d + 2) * 0x1p-23 * magnitude, "attention scores L %zu d %zu", L, d);
                }
            t->softmax_rows(scores, L, L);
            sek_attention_context(t, scores, L, qkv + 2 * d, stride, L, L, d, context, d + 3);
            for (size_t i = 0; i < L; i++)
                for (size_t p = 0; p < d; p++) {
                    double ref = 0, magnitude = 0;
                    for (size_t j = 0; j < L; j++) {
                        ref += (double)scores[i * L + j] * qkv[j * stride + 2 * d + p];
                        magnitude += fabs((double)scores[i * L + j] * qkv[j * stride + 2 * d + p]);
                    }
                    CHECK(fabs(context[i * (d + 3) + p] - ref) <= (L + 1) * 0x1p-23 * magnitude, "attention context L %zu d %zu",
                          L, d);
                }
            free(qkv), free(scores), free(context);
        }
}

int main(void) {
    static const char *levels[] = {"portable", "avx2", "avx2vnni", "avx512", "avx512vnni", "avx512bf16",
                                   "neon", "neondot", "neoni8mm", "neonbf16", "native"};
    char description[256];
    eqcpu_describe(eqcpu_capabilities(), description, sizeof description);
    printf("capabilities (EMBEDQ_ISA=%s): %s\n", getenv("EMBEDQ_ISA") ? getenv("EMBEDQ_ISA") : "native", description);
    sek_kernel_table portable;
    sek_kernels_for(0, &portable);
    // Each distinct variant once: a level's table is tested only where it differs from the
    // tables already tested (e.g. "neondot" only for int8).
    sek_kernel_table tested[16];
    int count = 0;
    // Every level twice: as dispatched, and with the native bf16 dot preferred wherever present.
    for (size_t index = 0; index < 2 * sizeof levels / sizeof *levels; index++) {
        const size_t l = index / 2;
        const uint64_t flag = index % 2 ? SEK_PREFER_NATIVE_BF16 : 0;
        sek_kernel_table t;
        sek_kernels_for((eqcpu_level_mask(levels[l], NULL) & ~SEK_PREFER_NATIVE_BF16) | flag, &t);
        int f32 = 1, int8 = 1, quantize = 1, bf16 = 1, elementwise = 1;
        for (int i = 0; i < count; i++) {
            f32 &= tested[i].gemm_f32 != t.gemm_f32;
            int8 &= tested[i].gemm_u8s8 != t.gemm_u8s8 || tested[i].pack_int8 != t.pack_int8;
            quantize &= tested[i].quantize_rows_u8 != t.quantize_rows_u8;
            bf16 &= tested[i].gemm_bf16 != t.gemm_bf16 || tested[i].round_rows_bf16 != t.round_rows_bf16;
            elementwise &= tested[i].gelu != t.gelu || tested[i].gated_silu != t.gated_silu || tested[i].rotary != t.rotary;
        }
        if (!(f32 || int8 || quantize || bf16 || elementwise)) continue;
        tested[count++] = t;
        current_level = levels[l];
        const int before = failures;
        if (f32) test_gemm_f32(&t, &portable), test_attention(&t);
        if (int8) test_int8(&t);
        if (quantize) test_quantize(&t);
        if (bf16) test_bf16(&t, &portable);
        if (elementwise) test_elementwise(&t, &portable), test_architecture(&t, &portable);
        char label[48];
        snprintf(label, sizeof label, "%s%s", levels[l], flag ? "+native-bf16" : "");
        printf("%-23s gemm_f32=%s int8=%s quantize=%s bf16=%s elementwise=%s: %s\n", label, t.gemm_f32_isa,
               t.int8_isa, t.quantize_isa, t.bf16_isa, t.elementwise_isa, failures == before ? "ok" : "FAILED");
    }
    // The process table is the native level's.
    sek_kernel_table native;
    sek_kernels_for(UINT64_MAX & ~SEK_PREFER_NATIVE_BF16, &native);
    CHECK(memcmp(sek_kernels(), &native, sizeof native) == 0, "sek_kernels() is not the table of every capability");
    printf("%s: %d failures\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
