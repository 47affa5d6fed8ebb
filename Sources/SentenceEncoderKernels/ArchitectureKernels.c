// Element-wise kernels of the encoder architectures beyond BERT: gated feed-forward activations
// (SwiGLU for NomicBERT, GeGLU for ModernBERT), rotary position embeddings (NomicBERT,
// ModernBERT), the relative position bias of MPNet and the sliding-window mask of ModernBERT.
//
// Each kernel is one loop body compiled three times: an AVX-512 and an AVX2 build (per-function
// target attributes) and a portable build (which clang vectorizes with NEON on arm64, where
// NEON is the baseline). One table per instruction set; the best one for the CPU is chosen
// once. The plain-Swift references the builds are tested against live in the tests.
#include "SentenceEncoderKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// exp(x) for x <= 88 by range reduction and a degree-7 polynomial (relative error < 4e-7);
// inputs below -87 give about 2^-126.
static inline __attribute__((always_inline)) float sek_arch_exp(float x) {
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

// erf(x) on x clamped to [-4, 4] as a rational function (absolute error < 2e-7).
static inline __attribute__((always_inline)) float sek_arch_erf(float x) {
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

// out[r][j] = act(in[r][j]) · in[r][width + j]; row r of `out` is written after row r of `in`
// is read, element by element, so `out == in` compacts in place.
#define SEK_GATED_BODY(ACTIVATION)                                    \
    for (size_t row = 0; row < rows; row++) {                         \
        const float *a = input + row * 2 * width;                     \
        const float *g = a + width;                                   \
        float *y = output + row * width;                              \
        for (size_t j = 0; j < width; j++) {                          \
            const float x = a[j];                                     \
            const float gate = g[j];                                  \
            y[j] = (ACTIVATION) * gate;                               \
        }                                                             \
    }
#define SEK_SILU(x) ((x) / (1.0f + sek_arch_exp(-(x))))
#define SEK_GELU(x) (0.5f * (x) * (1.0f + sek_arch_erf((x) * 0.70710678118654752f)))

// Rotary embedding of the first `rotary_dims` columns of each head, `rows` rows, row r at
// position r (cos, sin: rows × rotary_dims / 2). Half rotation (GPT-NeoX): column i pairs
// with i + half; interleaved (GPT-J): column 2i pairs with 2i + 1.
#define SEK_ROTARY_BODY                                                                     \
    const size_t half = rotary_dims / 2;                                                    \
    for (size_t row = 0; row < rows; row++) {                                               \
        const float *c = cos_table + row * half;                                            \
        const float *s = sin_table + row * half;                                            \
        for (size_t head = 0; head < heads; head++) {                                       \
            float *x = values + row * row_stride + head * head_size;                        \
            if (interleaved) {                                                              \
                for (size_t i = 0; i < half; i++) {                                         \
                    const float x1 = x[2 * i], x2 = x[2 * i + 1];                           \
                    x[2 * i] = x1 * c[i] - x2 * s[i];                                       \
                    x[2 * i + 1] = x2 * c[i] + x1 * s[i];                                   \
                }                                                                           \
            } else {                                                                        \
                for (size_t i = 0; i < half; i++) {                                         \
                    const float x1 = x[i], x2 = x[i + half];                                \
                    x[i] = x1 * c[i] - x2 * s[i];                                           \
                    x[i + half] = x2 * c[i] + x1 * s[i];                                    \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }

// scores[i][j] += diagonals[j - i] (a Toeplitz matrix: the bias depends on j - i only).
#define SEK_TOEPLITZ_BODY                                      \
    for (size_t i = 0; i < rows; i++) {                        \
        float *x = scores + i * ld;                            \
        const float *d = diagonals - (ptrdiff_t)i;             \
        for (size_t j = 0; j < columns; j++) x[j] += d[j];     \
    }

// scores[i][j] = -inf where |first_offset + j - i| > half_window.
#define SEK_BAND_BODY                                                                   \
    for (size_t i = 0; i < rows; i++) {                                                 \
        float *x = scores + i * ld;                                                     \
        const ptrdiff_t base = first_offset - (ptrdiff_t)i;                             \
        const ptrdiff_t w = (ptrdiff_t)half_window;                                     \
        for (size_t j = 0; j < columns; j++) {                                          \
            const ptrdiff_t relative = base + (ptrdiff_t)j;                             \
            if (relative > w || relative < -w) x[j] = -INFINITY;                        \
        }                                                                               \
    }

#define SEK_DEFINE_BUILD(SUFFIX, ATTRIBUTE)                                                              \
    ATTRIBUTE static void sek_gated_silu_##SUFFIX(const float *input, float *output, size_t rows,        \
                                                  size_t width) { SEK_GATED_BODY(SEK_SILU(x)) }          \
    ATTRIBUTE static void sek_gated_gelu_##SUFFIX(const float *input, float *output, size_t rows,        \
                                                  size_t width) { SEK_GATED_BODY(SEK_GELU(x)) }          \
    ATTRIBUTE static void sek_rotary_##SUFFIX(float *values, size_t rows, size_t row_stride,             \
                                              size_t heads, size_t head_size, size_t rotary_dims,        \
                                              const float *cos_table, const float *sin_table,            \
                                              int interleaved) { SEK_ROTARY_BODY }                       \
    ATTRIBUTE static void sek_toeplitz_##SUFFIX(float *scores, size_t rows, size_t columns, size_t ld,   \
                                                const float *diagonals) { SEK_TOEPLITZ_BODY }            \
    ATTRIBUTE static void sek_band_##SUFFIX(float *scores, size_t rows, size_t columns, size_t ld,       \
                                            ptrdiff_t first_offset, size_t half_window) { SEK_BAND_BODY } \
    static const sek_architecture_kernels sek_architecture_##SUFFIX = {                                  \
        sek_gated_silu_##SUFFIX, sek_gated_gelu_##SUFFIX, sek_rotary_##SUFFIX,                           \
        sek_toeplitz_##SUFFIX, sek_band_##SUFFIX,                                                        \
    };

SEK_DEFINE_BUILD(portable, )
#if defined(__x86_64__) || defined(__i386__)
#define SEK_ARCH_X86 1
SEK_DEFINE_BUILD(avx2, __attribute__((target("avx2,fma"))))
SEK_DEFINE_BUILD(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
#endif

const sek_architecture_kernels *sek_architecture_kernels_for(int isa_level) {
    if (isa_level < 0 || isa_level > sek_isa_level()) return NULL;
#ifdef SEK_ARCH_X86
    if (isa_level == 2) return &sek_architecture_avx512;
    if (isa_level == 1) return &sek_architecture_avx2;
#endif
    return &sek_architecture_portable;
}

static const sek_architecture_kernels *sek_architecture_best(void) {
    static const sek_architecture_kernels *best = NULL;
    const sek_architecture_kernels *chosen = __atomic_load_n(&best, __ATOMIC_ACQUIRE);
    if (!chosen) {
        chosen = sek_architecture_kernels_for(sek_isa_level());
        __atomic_store_n(&best, chosen, __ATOMIC_RELEASE);
    }
    return chosen;
}

void sek_gated_silu(const float *input, float *output, size_t rows, size_t width) {
    sek_architecture_best()->gated_silu(input, output, rows, width);
}

void sek_gated_gelu(const float *input, float *output, size_t rows, size_t width) {
    sek_architecture_best()->gated_gelu(input, output, rows, width);
}

void sek_rotary(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size, size_t rotary_dims,
                const float *cos_table, const float *sin_table, int interleaved) {
    sek_architecture_best()->rotary(values, rows, row_stride, heads, head_size, rotary_dims, cos_table, sin_table,
                                    interleaved);
}

void sek_add_toeplitz(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals) {
    sek_architecture_best()->add_toeplitz(scores, rows, columns, ld, diagonals);
}

void sek_mask_outside_band(float *scores, size_t rows, size_t columns, size_t ld, ptrdiff_t first_offset,
                           size_t half_window) {
    sek_architecture_best()->mask_outside_band(scores, rows, columns, ld, first_offset, half_window);
}
