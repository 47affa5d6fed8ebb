// Graph distance kernels, AVX2 + FMA + F16C + POPCNT (Haswell, Zen and later). Bit metrics use
// the scalar 64-bit popcount (one per cycle, no horizontal sum); int8 widens to 16 bits and
// multiplies with `vpmaddwd` (exact, unlike the saturating `vpmaddubsw`); floats keep the 32
// partial sums of GraphKernels.h in four registers.
#include "graph_distance_internal.h"

#if EQ_GRAPH_X86
#include <immintrin.h>

#define INLINE2 static inline __attribute__((always_inline)) EQ_GRAPH_TARGET_AVX2

INLINE2 uint64_t load64(const uint8_t *p) {
    uint64_t word;
    __builtin_memcpy(&word, p, 8);
    return word;
}

INLINE2 uint64_t load_tail(const uint8_t *p, int64_t n) {
    uint64_t word = 0;
    __builtin_memcpy(&word, p, (unsigned long)n);
    return word;
}

INLINE2 uint32_t hamming_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    uint64_t distance = 0;
    int64_t i = 0;
    for (; i + 8 <= size; i += 8) distance += (uint64_t)_mm_popcnt_u64(load64(row + i) ^ load64(q + i));
    if (i < size) distance += (uint64_t)_mm_popcnt_u64(load_tail(row + i, size - i) ^ load_tail(q + i, size - i));
    return (uint32_t)distance;
}

INLINE2 int64_t ternary_words(uint64_t p, uint64_t n, uint64_t qp, uint64_t qn) {
    return (int64_t)_mm_popcnt_u64(p & qp) + (int64_t)_mm_popcnt_u64(n & qn) - (int64_t)_mm_popcnt_u64(p & qn) -
           (int64_t)_mm_popcnt_u64(n & qp);
}

INLINE2 uint32_t ternary_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    int64_t dot = 0;
    int64_t i = 0;
    for (; i + 8 <= size; i += 8)
        dot += ternary_words(load64(row + i), load64(row + size + i), load64(q + i), load64(q + size + i));
    if (i < size) {
        const int64_t n = size - i;
        dot += ternary_words(load_tail(row + i, n), load_tail(row + size + i, n), load_tail(q + i, n),
                             load_tail(q + size + i, n));
    }
    return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
}

INLINE2 uint32_t dot_i8_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    __m256i acc = _mm256_setzero_si256();
    int64_t i = 0;
    for (; i + 16 <= size; i += 16) {
        const __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(row + i)));
        const __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(q + i)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
    }
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4E));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xB1));
    int32_t dot = _mm_cvtsi128_si32(sum);
    for (; i < size; i++) dot += (int32_t)(int8_t)row[i] * (int32_t)(int8_t)q[i];
    return 0x80000000u - (uint32_t)dot;
}

// 8 row values from `format` (0 float32, 1 float16, 2 bfloat16) at element `j`.
INLINE2 __m256 load8(const uint8_t *row, int format, int64_t j) {
    if (format == 0) return _mm256_loadu_ps((const float *)row + j);
    const __m128i half = _mm_loadu_si128((const __m128i *)((const uint16_t *)row + j));
    if (format == 1) return _mm256_cvtph_ps(half);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(half), 16));
}

INLINE2 uint32_t dot_float_row(int format, const uint8_t *row, const float *q, int64_t size) {
    // Partial sums 0-7, 8-15, 16-23, 24-31.
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 32 <= size; j += 32) {
        acc0 = _mm256_fmadd_ps(load8(row, format, j), _mm256_loadu_ps(q + j), acc0);
        acc1 = _mm256_fmadd_ps(load8(row, format, j + 8), _mm256_loadu_ps(q + j + 8), acc1);
        acc2 = _mm256_fmadd_ps(load8(row, format, j + 16), _mm256_loadu_ps(q + j + 16), acc2);
        acc3 = _mm256_fmadd_ps(load8(row, format, j + 24), _mm256_loadu_ps(q + j + 24), acc3);
    }
    if (j < size) {
        // The tail, zero-padded to 32 values (the padding adds fma(0, 0, s) = s in every variant).
        float x[32] = {0}, y[32] = {0};
        for (int64_t t = 0; j + t < size; t++) {
            y[t] = q[j + t];
            if (format == 0) __builtin_memcpy(&x[t], row + 4 * (j + t), 4);
            else {
                uint16_t h;
                __builtin_memcpy(&h, row + 2 * (j + t), 2);
                x[t] = format == 1 ? eq_graph_half_to_float(h) : eq_graph_bfloat_to_float(h);
            }
        }
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(y), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 8), _mm256_loadu_ps(y + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(y + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 24), _mm256_loadu_ps(y + 24), acc3);
    }
    // s[l] += s[l + 16]; s[l] += s[l + 8]; then + 4, + 2, + 1 inside one register.
    const __m256 s8 = _mm256_add_ps(_mm256_add_ps(acc0, acc2), _mm256_add_ps(acc1, acc3));
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s4 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    s4 = _mm_add_ss(s4, _mm_shuffle_ps(s4, s4, 1));
    return eq_graph_float_key(_mm_cvtss_f32(s4));
}

#define HAMMING_KEY(row) hamming_row(row, (const uint8_t *)query, size)
#define TERNARY_KEY(row) ternary_row(row, (const uint8_t *)query, size)
#define DOT_I8_KEY(row) dot_i8_row(row, (const uint8_t *)query, size)
#define DOT_F32_KEY(row) dot_float_row(0, row, (const float *)query, size)
#define DOT_F16_KEY(row) dot_float_row(1, row, (const float *)query, size)
#define DOT_BF16_KEY(row) dot_float_row(2, row, (const float *)query, size)

EQ_GRAPH_TARGET_AVX2 void eq_graph_hamming_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                                const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_HAMMING, HAMMING_KEY);
}

EQ_GRAPH_TARGET_AVX2 void eq_graph_ternary_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                                const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_TERNARY, TERNARY_KEY);
}

EQ_GRAPH_TARGET_AVX2 void eq_graph_dot_i8_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                               const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_I8, DOT_I8_KEY);
}

EQ_GRAPH_TARGET_AVX2 void eq_graph_dot_f32_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                                const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F32, DOT_F32_KEY);
}

EQ_GRAPH_TARGET_AVX2 void eq_graph_dot_f16_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                                const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F16, DOT_F16_KEY);
}

EQ_GRAPH_TARGET_AVX2 void eq_graph_dot_bf16_avx2(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                                 const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_BF16, DOT_BF16_KEY);
}
#endif
