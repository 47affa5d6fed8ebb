// Shared by the kernel files of SentenceEncoderKernels (not part of the module's interface):
// the declarations of every variant, the target attributes, the tile sizes of the layouts and
// the scalar building blocks of the portable variants (the reference arithmetic).
#ifndef SENTENCE_ENCODER_KERNELS_INTERNAL_H
#define SENTENCE_ENCODER_KERNELS_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "SentenceEncoderKernels.h"

// No contraction of a * b + c into fused multiply-adds behind our back: the reference says
// exactly where an fma is, and every variant fuses there and nowhere else.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) || defined(_M_X64)
#define SEK_X86 1
#define SEK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define SEK_TARGET_AVXVNNI __attribute__((target("avx2,fma,avxvnni")))
#define SEK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define SEK_TARGET_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma")))
#define SEK_TARGET_AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,avx2,fma")))
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define SEK_ARM64 1
#define SEK_TARGET_NEONDOT __attribute__((target("dotprod")))
#define SEK_TARGET_NEONI8MM __attribute__((target("dotprod,i8mm")))
#define SEK_TARGET_NEONBF16 __attribute__((target("bf16")))
#endif

#define SEK_INLINE static inline __attribute__((always_inline))

// fp32 panels: 32 output columns per panel (see sek_f32_packed_count).
enum { SEK_F32_PANEL = 32 };
// int8 groups of 16 output columns; k padded to 8 (4 per step in the dot layout, 8 in i8mm's).
enum { SEK_INT8_GROUP = 16, SEK_INT8_K_MULTIPLE = 8 };
// bf16 panels of 32 output columns; k padded to 2.
enum { SEK_BF16_PANEL = 32, SEK_BF16_K_MULTIPLE = 2 };

// ---------------------------------------------------------------------------------------------
// Scalar building blocks. Every SIMD variant performs exactly these operations lane by lane.

// erf(x) as x · p(x²) / q(x²) on x clamped to [−4, 4] (erf(4) = 1 − 1.5e-8): the rational
// approximation Eigen and XLA use for float32; absolute error < 2e-7.
#define SEK_ERF_P0 (-2.72614225801306e-10f)
#define SEK_ERF_P1 2.77068142495902e-08f
#define SEK_ERF_P2 (-2.10102402082508e-06f)
#define SEK_ERF_P3 (-5.69250639462346e-05f)
#define SEK_ERF_P4 (-7.34990630326855e-04f)
#define SEK_ERF_P5 (-2.95459980854025e-03f)
#define SEK_ERF_P6 (-1.60960333262415e-02f)
#define SEK_ERF_Q0 (-1.45660718464996e-05f)
#define SEK_ERF_Q1 (-2.13374055278905e-04f)
#define SEK_ERF_Q2 (-1.68282697438203e-03f)
#define SEK_ERF_Q3 (-7.37332916720468e-03f)
#define SEK_ERF_Q4 (-1.42647390514189e-02f)
#define SEK_FRAC_1_SQRT2 0.70710678118654752f

SEK_INLINE float sek_gelu_scalar(float x) {
    float z = x * SEK_FRAC_1_SQRT2;
    z = fminf(fmaxf(z, -4.0f), 4.0f);
    const float z2 = z * z;
    float p = SEK_ERF_P0;
    p = fmaf(p, z2, SEK_ERF_P1);
    p = fmaf(p, z2, SEK_ERF_P2);
    p = fmaf(p, z2, SEK_ERF_P3);
    p = fmaf(p, z2, SEK_ERF_P4);
    p = fmaf(p, z2, SEK_ERF_P5);
    p = fmaf(p, z2, SEK_ERF_P6);
    p = p * z;
    float q = SEK_ERF_Q0;
    q = fmaf(q, z2, SEK_ERF_Q1);
    q = fmaf(q, z2, SEK_ERF_Q2);
    q = fmaf(q, z2, SEK_ERF_Q3);
    q = fmaf(q, z2, SEK_ERF_Q4);
    const float erf = p / q;
    return (0.5f * x) * (1.0f + erf);
}

// exp(x) for x ≤ 0 (the softmax's x − max): x = n ln2 + r, |r| ≤ ln2 / 2 (ln2 split in two for
// an exact n · ln2_hi), exp(r) by a degree-7 Taylor polynomial (truncation < 6e-9 relative),
// times 2^n. Inputs below −87 (−∞ included: a masked score) give 0 (exp(−87) < 1.7e-38); NaN
// gives about exp(−87).
#define SEK_EXP_LOG2E 1.44269504088896341f
#define SEK_EXP_LN2_HI 0.693145751953125f
#define SEK_EXP_LN2_LO 1.428606765330187e-06f
#define SEK_EXP_C7 (1.0f / 5040.0f)
#define SEK_EXP_C6 (1.0f / 720.0f)
#define SEK_EXP_C5 (1.0f / 120.0f)
#define SEK_EXP_C4 (1.0f / 24.0f)
#define SEK_EXP_C3 (1.0f / 6.0f)

SEK_INLINE float sek_exp_scalar(float argument) {
    const float x = fmaxf(argument, -87.0f);
    const float n = rintf(x * SEK_EXP_LOG2E);
    float r = fmaf(-n, SEK_EXP_LN2_HI, x);
    r = fmaf(-n, SEK_EXP_LN2_LO, r);
    float p = SEK_EXP_C7;
    p = fmaf(p, r, SEK_EXP_C6);
    p = fmaf(p, r, SEK_EXP_C5);
    p = fmaf(p, r, SEK_EXP_C4);
    p = fmaf(p, r, SEK_EXP_C3);
    p = fmaf(p, r, 0.5f);
    p = fmaf(p, r, 1.0f);
    p = fmaf(p, r, 1.0f);
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    const float result = p * scale;
    return argument < -87.0f ? 0.0f : result;
}

// SiLU x / (1 + e^(−x)) from t = e^(−|x|) ≤ 1 only (sek_exp_scalar's domain, no overflow):
// x / (1 + t) for x ≥ 0, x · t / (1 + t) below (NaN stays NaN).
SEK_INLINE float sek_silu_scalar(float x) {
    const float t = sek_exp_scalar(-fabsf(x));
    const float numerator = x >= 0.0f ? x : x * t;
    return numerator / (1.0f + t);
}

// The in-band keys of sek_mask_outside_band's row with base = first_offset − row: columns
// [*first, *end) have |base + j| ≤ half_window (an empty range when none has).
SEK_INLINE void sek_band_range(ptrdiff_t base, size_t half_window, size_t columns, size_t *first, size_t *end) {
    const ptrdiff_t w = (ptrdiff_t)half_window, n = (ptrdiff_t)columns;
    ptrdiff_t lo = -w - base, hi = w - base + 1;
    if (lo < 0) lo = 0;
    if (hi > n) hi = n;
    if (hi < lo) hi = lo;
    if (lo > n) lo = hi = n;
    *first = (size_t)lo;
    *end = (size_t)hi;
}

// One activation code: clamp(rint(x · inverse), −127, 127) + 128 (NaN → −127).
SEK_INLINE uint8_t sek_code_scalar(float x, float inverse) {
    float q = rintf(x * inverse);
    q = fminf(fmaxf(q, -127.0f), 127.0f);
    return (uint8_t)((int32_t)q + 128);
}

// float32 → bfloat16 bits, nearest even; NaN → quiet NaN with the same sign and top bits.
SEK_INLINE uint16_t sek_round_bf16_scalar(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x0040u);
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}

SEK_INLINE float sek_widen_bf16_scalar(uint16_t value) {
    const uint32_t bits = (uint32_t)value << 16;
    float result;
    memcpy(&result, &bits, 4);
    return result;
}

// Folds 16 reduction lanes in the fixed order every variant uses: tail first, then lane 0..15.
SEK_INLINE float sek_fold_sum16(float tail, const float lanes[16]) {
    float sum = tail;
    for (int k = 0; k < 16; k++) sum += lanes[k];
    return sum;
}

// Layer norm statistics from 16 float lanes and a tail of fewer than 16 values (in double):
// mean = Σx / columns; scale = 1 / √(Σ(x − mean)² / columns + ε).
SEK_INLINE float sek_layer_norm_mean(const float lanes[16], const float *tail, size_t count, size_t columns) {
    double sum = 0.0;
    for (size_t j = 0; j < count; j++) sum += tail[j];
    for (int k = 0; k < 16; k++) sum += lanes[k];
    return (float)(sum / (double)columns);
}

SEK_INLINE float sek_layer_norm_scale(const float lanes[16], const float *tail, size_t count, float mean,
                                      size_t columns, float epsilon) {
    double squares = 0.0;
    for (size_t j = 0; j < count; j++) {
        const double d = (double)(tail[j] - mean);
        squares += d * d;
    }
    for (int k = 0; k < 16; k++) squares += lanes[k];
    return (float)(1.0 / sqrt(squares / (double)columns + (double)epsilon));
}

// ---------------------------------------------------------------------------------------------
// Variants. Suffix = instruction set; each lives in <kernel>_<isa>.c.

#define SEK_DECLARE_GEMM_F32(isa)                                                                       \
    void sek_gemm_f32_##isa(const float *x, size_t ldx, const float *packed, const float *bias, float *y, \
                            size_t ldy, size_t m, size_t n, size_t k);
#define SEK_DECLARE_GEMM_U8S8(isa)                                                                    \
    void sek_gemm_u8s8_##isa(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,  \
                             const float *a_scales, const int8_t *packed, const int32_t *corrections, \
                             const float *w_scales, const float *bias, float *c, size_t ldc);
#define SEK_DECLARE_GEMM_BF16(isa)                                                                          \
    void sek_gemm_bf16_##isa(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations, \
                             const uint16_t *packed, const float *bias, float *c, size_t ldc);
#define SEK_DECLARE_CONVERSIONS(isa)                                                                          \
    void sek_quantize_rows_u8_##isa(const float *values, size_t rows, size_t columns, size_t padded_columns,   \
                                    uint8_t *codes, float *scales);                                           \
    void sek_quantize_rows_u8_fixed_##isa(const float *values, size_t rows, size_t columns,                   \
                                          size_t padded_columns, float inverse_scale, uint8_t *codes);        \
    void sek_round_rows_bf16_##isa(const float *values, size_t rows, size_t columns, size_t padded_columns,   \
                                   uint16_t *output);
#define SEK_DECLARE_ELEMENTWISE(isa)                                                                          \
    void sek_gelu_##isa(float *values, size_t count);                                                         \
    void sek_softmax_rows_##isa(float *values, size_t rows, size_t columns);                                  \
    void sek_add_layer_norm_##isa(float *values, const float *residual, const float *gamma, const float *beta, \
                                  size_t rows, size_t columns, float epsilon);                                \
    void sek_add_bias_##isa(float *values, const float *bias, size_t rows, size_t columns);

#define SEK_DECLARE_ARCHITECTURE(isa)                                                                        \
    void sek_gated_silu_##isa(const float *input, float *output, size_t rows, size_t width);                  \
    void sek_gated_gelu_##isa(const float *input, float *output, size_t rows, size_t width);                  \
    void sek_rotary_##isa(float *values, size_t rows, size_t row_stride, size_t heads, size_t head_size,     \
                          size_t rotary_dims, const float *cos_table, const float *sin_table, int interleaved); \
    void sek_add_toeplitz_##isa(float *scores, size_t rows, size_t columns, size_t ld, const float *diagonals); \
    void sek_mask_outside_band_##isa(float *scores, size_t rows, size_t columns, size_t ld,                  \
                                     ptrdiff_t first_offset, size_t half_window);

SEK_DECLARE_GEMM_F32(portable)
SEK_DECLARE_ARCHITECTURE(portable)
SEK_DECLARE_GEMM_U8S8(portable)
SEK_DECLARE_GEMM_BF16(portable)
SEK_DECLARE_CONVERSIONS(portable)
SEK_DECLARE_ELEMENTWISE(portable)

// Layouts: "dot" (16 columns × 4 inputs per 64 bytes) for every int8 variant but i8mm's
// (16 columns × 8 inputs as column pairs per 128 bytes); "pairs" (16 columns × 2 inputs per 64
// bytes) for the native bf16 dot products, "panel" (32 columns per input, columns i and 16 + i
// side by side) for the widened bf16 variants.
void sek_pack_int8_dot(const int8_t *codes, size_t n, size_t k, int8_t *packed);
void sek_pack_int8_i8mm(const int8_t *codes, size_t n, size_t k, int8_t *packed);
void sek_pack_bf16_pairs(const uint16_t *values, size_t n, size_t k, uint16_t *packed);
void sek_pack_bf16_panel(const uint16_t *values, size_t n, size_t k, uint16_t *packed);

// Per-thread scratch (scratch.c): the buffer of `slot`, at least `bytes` long, valid until the
// thread's next call for the same slot; NULL when out of memory.
enum {
    SEK_SCRATCH_ACTIVATIONS,
    SEK_SCRATCH_WIDENED,
    SEK_SCRATCH_ATTENTION,
    SEK_SCRATCH_GEMM_F32,
    SEK_SCRATCH_WIDE_CODES,
    SEK_SCRATCH_SLOTS
};
void *sek_scratch(int slot, size_t bytes);

// Widens `rows` rows of bfloat16 activations (row stride padded_inputs) to float32 (row stride
// padded_inputs) in the thread's scratch, for the widened bf16 variants; NULL when out of memory.
float *sek_widen_bf16_rows(const uint16_t *activations, size_t rows, size_t padded_inputs);

#ifdef SEK_X86
SEK_DECLARE_GEMM_F32(avx2)
SEK_DECLARE_GEMM_F32(avx512)
SEK_DECLARE_GEMM_U8S8(avx2)
SEK_DECLARE_GEMM_U8S8(avxvnni)
SEK_DECLARE_GEMM_U8S8(avx512)
SEK_DECLARE_GEMM_U8S8(avx512vnni)
SEK_DECLARE_GEMM_BF16(avx2)
SEK_DECLARE_GEMM_BF16(avx512)
SEK_DECLARE_GEMM_BF16(avx512bf16)
SEK_DECLARE_CONVERSIONS(avx2)
SEK_DECLARE_CONVERSIONS(avx512)
SEK_DECLARE_ELEMENTWISE(avx2)
SEK_DECLARE_ELEMENTWISE(avx512)
SEK_DECLARE_ARCHITECTURE(avx2)
SEK_DECLARE_ARCHITECTURE(avx512)
#endif

#ifdef SEK_ARM64
SEK_DECLARE_GEMM_F32(neon)
SEK_DECLARE_GEMM_U8S8(neon)
SEK_DECLARE_GEMM_U8S8(neondot)
SEK_DECLARE_GEMM_U8S8(neoni8mm)
SEK_DECLARE_GEMM_BF16(neon)
SEK_DECLARE_GEMM_BF16(neonbf16)
SEK_DECLARE_CONVERSIONS(neon)
SEK_DECLARE_ELEMENTWISE(neon)
SEK_DECLARE_ARCHITECTURE(neon)
#endif

#endif
