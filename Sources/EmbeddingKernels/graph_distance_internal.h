// Internal to the graph distance kernels: the variants of every metric, the target attributes
// they are compiled with, and the row prefetching they share. See GraphKernels.h.
#ifndef EMBEDQ_GRAPH_DISTANCE_INTERNAL_H
#define EMBEDQ_GRAPH_DISTANCE_INTERNAL_H

#include "GraphKernels.h"

#if defined(__x86_64__)
#define EQ_GRAPH_X86 1
#define EQ_GRAPH_TARGET_AVX2 __attribute__((target("avx2,fma,f16c,popcnt")))
#define EQ_GRAPH_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c,popcnt")))
#define EQ_GRAPH_TARGET_AVX512VPOPCNT \
    __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq,avx2,fma,f16c,popcnt")))
#define EQ_GRAPH_TARGET_AVX512VNNI \
    __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma,f16c,popcnt")))
#endif

#if defined(__aarch64__)
#define EQ_GRAPH_ARM64 1
#endif

/// Rows prefetched ahead of the one being scored.
#define EQ_GRAPH_PREFETCH_AHEAD 4
/// Cache lines of a row prefetched at most (longer rows are streamed by the hardware prefetcher).
#define EQ_GRAPH_PREFETCH_LINES 8

/// Bytes of one row of `metric` with `size` (see GraphKernels.h).
static inline int64_t eq_graph_row_bytes(eq_graph_metric metric, int64_t size) {
    switch (metric) {
    case EQ_GRAPH_TERNARY: return 2 * size;
    case EQ_GRAPH_DOT_F32: return 4 * size;
    case EQ_GRAPH_DOT_F16:
    case EQ_GRAPH_DOT_BF16: return 2 * size;
    default: return size;
    }
}

/// Prefetches the cache lines of the `bytes` bytes at `row`.
static inline void eq_graph_prefetch_row(const uint8_t *row, int64_t bytes) {
    const uint8_t *line = (const uint8_t *)((uintptr_t)row & ~(uintptr_t)63);
    const uint8_t *end = row + (bytes > 0 ? bytes : 1);
    for (int n = 0; line < end && n < EQ_GRAPH_PREFETCH_LINES; line += 64, n++) __builtin_prefetch(line, 0, 3);
}

/// The loop every variant runs: prefetch `EQ_GRAPH_PREFETCH_AHEAD` rows ahead, score each row
/// with `ROW_KEY(row_pointer)` (an expression that may use `query` and `size`).
#define EQ_GRAPH_ROW_LOOP(METRIC, ROW_KEY)                                                          \
    do {                                                                                          \
        const int64_t row_bytes_ = eq_graph_row_bytes(METRIC, size);                              \
        for (int64_t i_ = 0; i_ < count && i_ < EQ_GRAPH_PREFETCH_AHEAD; i_++)                    \
            eq_graph_prefetch_row(codes + (int64_t)rows[i_] * stride, row_bytes_);                \
        for (int64_t i_ = 0; i_ < count; i_++) {                                                  \
            if (i_ + EQ_GRAPH_PREFETCH_AHEAD < count)                                             \
                eq_graph_prefetch_row(codes + (int64_t)rows[i_ + EQ_GRAPH_PREFETCH_AHEAD] * stride, row_bytes_); \
            const uint8_t *row_ = codes + (int64_t)rows[i_] * stride;                             \
            keys[i_] = ROW_KEY(row_);                                                             \
        }                                                                                         \
    } while (0)

#define EQ_GRAPH_DECLARE(name)                                                                     \
    void name(const void *query, const uint8_t *codes, int64_t stride, int64_t size, const uint32_t *rows, \
              int64_t count, uint32_t *keys);

// Portable C (every CPU).
EQ_GRAPH_DECLARE(eq_graph_hamming_portable)
EQ_GRAPH_DECLARE(eq_graph_ternary_portable)
EQ_GRAPH_DECLARE(eq_graph_dot_i8_portable)
EQ_GRAPH_DECLARE(eq_graph_dot_f32_portable)
EQ_GRAPH_DECLARE(eq_graph_dot_f16_portable)
EQ_GRAPH_DECLARE(eq_graph_dot_bf16_portable)

#if EQ_GRAPH_X86
// AVX2 + FMA + F16C + POPCNT.
EQ_GRAPH_DECLARE(eq_graph_hamming_avx2)
EQ_GRAPH_DECLARE(eq_graph_ternary_avx2)
EQ_GRAPH_DECLARE(eq_graph_dot_i8_avx2)
EQ_GRAPH_DECLARE(eq_graph_dot_f32_avx2)
EQ_GRAPH_DECLARE(eq_graph_dot_f16_avx2)
EQ_GRAPH_DECLARE(eq_graph_dot_bf16_avx2)
// AVX-512 (VPOPCNTDQ for the bit metrics, VNNI for int8).
EQ_GRAPH_DECLARE(eq_graph_hamming_avx512)
EQ_GRAPH_DECLARE(eq_graph_ternary_avx512)
EQ_GRAPH_DECLARE(eq_graph_dot_i8_avx512)
EQ_GRAPH_DECLARE(eq_graph_dot_f32_avx512)
EQ_GRAPH_DECLARE(eq_graph_dot_f16_avx512)
EQ_GRAPH_DECLARE(eq_graph_dot_bf16_avx512)
#endif

#if EQ_GRAPH_ARM64
// NEON (the arm64 baseline).
EQ_GRAPH_DECLARE(eq_graph_hamming_neon)
EQ_GRAPH_DECLARE(eq_graph_ternary_neon)
EQ_GRAPH_DECLARE(eq_graph_dot_i8_neon)
EQ_GRAPH_DECLARE(eq_graph_dot_f32_neon)
EQ_GRAPH_DECLARE(eq_graph_dot_f16_neon)
EQ_GRAPH_DECLARE(eq_graph_dot_bf16_neon)
#endif

/// Float16 bits → float32, exact (subnormals, infinities and NaN payloads kept).
static inline float eq_graph_half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1F;
    const uint32_t fraction = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (fraction << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (fraction << 13);
    } else if (fraction == 0) {
        bits = sign;
    } else {
        // Subnormal: fraction × 2^-24, exact in float32.
        const float value = (float)fraction * 0x1p-24f;
        __builtin_memcpy(&bits, &value, 4);
        bits |= sign;
    }
    float result;
    __builtin_memcpy(&result, &bits, 4);
    return result;
}

/// Bfloat16 bits → float32, exact.
static inline float eq_graph_bfloat_to_float(uint16_t h) {
    const uint32_t bits = (uint32_t)h << 16;
    float result;
    __builtin_memcpy(&result, &bits, 4);
    return result;
}

/// The final reduction of the 32 float partial sums (GraphKernels.h), in place.
static inline float eq_graph_reduce32(float s[32]) {
    for (int width = 16; width >= 2; width /= 2)
        for (int l = 0; l < width; l++) s[l] = s[l] + s[l + width];
    return s[0] + s[1];
}

#endif
