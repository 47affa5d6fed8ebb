// Graph distance kernels, AVX-512: bit metrics with VPOPCNTDQ, int8 with VNNI (`vpdpbusd` on
// `row XOR 0x80` as unsigned bytes, the query's `128 × Σ q` subtracted once), floats with the 32
// partial sums of GraphKernels.h in two registers. Rows of any length are read with masked loads
// (masked-out bytes are never touched, so a row may end at the end of a mapping).
#include "graph_distance_internal.h"

#if EQ_GRAPH_X86
#include <immintrin.h>

#define INLINE_POPCNT static inline __attribute__((always_inline)) EQ_GRAPH_TARGET_AVX512VPOPCNT
#define INLINE_VNNI static inline __attribute__((always_inline)) EQ_GRAPH_TARGET_AVX512VNNI
#define INLINE512 static inline __attribute__((always_inline)) EQ_GRAPH_TARGET_AVX512

// The byte mask of the chunk of up to 64 bytes starting at `i` of `size`.
static inline __mmask64 byte_mask(int64_t i, int64_t size) {
    const int64_t n = size - i;
    return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
}

INLINE_POPCNT uint32_t hamming_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    __m512i acc = _mm512_setzero_si512();
    for (int64_t i = 0; i < size; i += 64) {
        const __mmask64 m = byte_mask(i, size);
        const __m512i x = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, row + i), _mm512_maskz_loadu_epi8(m, q + i));
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(x));
    }
    return (uint32_t)_mm512_reduce_add_epi64(acc);
}

INLINE_POPCNT uint32_t ternary_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    __m512i plus = _mm512_setzero_si512(), minus = _mm512_setzero_si512();
    for (int64_t i = 0; i < size; i += 64) {
        const __mmask64 m = byte_mask(i, size);
        const __m512i p = _mm512_maskz_loadu_epi8(m, row + i), n = _mm512_maskz_loadu_epi8(m, row + size + i);
        const __m512i qp = _mm512_maskz_loadu_epi8(m, q + i), qn = _mm512_maskz_loadu_epi8(m, q + size + i);
        plus = _mm512_add_epi64(plus, _mm512_popcnt_epi64(_mm512_and_si512(p, qp)));
        plus = _mm512_add_epi64(plus, _mm512_popcnt_epi64(_mm512_and_si512(n, qn)));
        minus = _mm512_add_epi64(minus, _mm512_popcnt_epi64(_mm512_and_si512(p, qn)));
        minus = _mm512_add_epi64(minus, _mm512_popcnt_epi64(_mm512_and_si512(n, qp)));
    }
    const int64_t dot = _mm512_reduce_add_epi64(_mm512_sub_epi64(plus, minus));
    return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
}

INLINE_VNNI uint32_t dot_i8_row(const uint8_t *row, const uint8_t *q, int64_t size, int32_t query_bias) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i acc = _mm512_setzero_si512();
    for (int64_t i = 0; i < size; i += 64) {
        const __mmask64 m = byte_mask(i, size);
        // (row + 128) as unsigned × query as signed; masked-out query bytes are 0.
        const __m512i u = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, row + i), flip);
        acc = _mm512_dpbusd_epi32(acc, u, _mm512_maskz_loadu_epi8(m, q + i));
    }
    const int32_t dot = _mm512_reduce_add_epi32(acc) - query_bias;
    return 0x80000000u - (uint32_t)dot;
}

// 16 row values of `format` (0 float32, 1 float16, 2 bfloat16) at element `j`, lanes outside `m` 0.
INLINE512 __m512 load16(const uint8_t *row, int format, int64_t j, __mmask16 m) {
    if (format == 0) return _mm512_maskz_loadu_ps(m, (const float *)row + j);
    const __m256i half = _mm256_maskz_loadu_epi16(m, (const uint16_t *)row + j);
    if (format == 1) return _mm512_cvtph_ps(half);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(half), 16));
}

static inline __mmask16 lane_mask(int64_t j, int64_t size) {
    const int64_t n = size - j;
    return n >= 16 ? (__mmask16)0xFFFF : (n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1));
}

INLINE512 uint32_t dot_float_row(int format, const uint8_t *row, const float *q, int64_t size) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();  // partial sums 0-15, 16-31
    int64_t j = 0;
    for (; j + 32 <= size; j += 32) {
        acc0 = _mm512_fmadd_ps(load16(row, format, j, 0xFFFF), _mm512_loadu_ps(q + j), acc0);
        acc1 = _mm512_fmadd_ps(load16(row, format, j + 16, 0xFFFF), _mm512_loadu_ps(q + j + 16), acc1);
    }
    if (j < size) {
        const __mmask16 m0 = lane_mask(j, size), m1 = lane_mask(j + 16, size);
        acc0 = _mm512_fmadd_ps(load16(row, format, j, m0), _mm512_maskz_loadu_ps(m0, q + j), acc0);
        acc1 = _mm512_fmadd_ps(load16(row, format, j + 16, m1), _mm512_maskz_loadu_ps(m1, q + j + 16), acc1);
    }
    const __m512 s16 = _mm512_add_ps(acc0, acc1);
    const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(s16), _mm512_extractf32x8_ps(s16, 1));
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s4 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    s4 = _mm_add_ss(s4, _mm_shuffle_ps(s4, s4, 1));
    return eq_graph_float_key(_mm_cvtss_f32(s4));
}

#define HAMMING_KEY(row) hamming_row(row, (const uint8_t *)query, size)
#define TERNARY_KEY(row) ternary_row(row, (const uint8_t *)query, size)
#define DOT_I8_KEY(row) dot_i8_row(row, (const uint8_t *)query, size, bias)
#define DOT_F32_KEY(row) dot_float_row(0, row, (const float *)query, size)
#define DOT_F16_KEY(row) dot_float_row(1, row, (const float *)query, size)
#define DOT_BF16_KEY(row) dot_float_row(2, row, (const float *)query, size)

EQ_GRAPH_TARGET_AVX512VPOPCNT void eq_graph_hamming_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                           int64_t size, const uint32_t *rows, int64_t count,
                                                           uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_HAMMING, HAMMING_KEY);
}

EQ_GRAPH_TARGET_AVX512VPOPCNT void eq_graph_ternary_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                           int64_t size, const uint32_t *rows, int64_t count,
                                                           uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_TERNARY, TERNARY_KEY);
}

EQ_GRAPH_TARGET_AVX512VNNI void eq_graph_dot_i8_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                       int64_t size, const uint32_t *rows, int64_t count,
                                                       uint32_t *keys) {
    int32_t bias = 0;
    for (int64_t i = 0; i < size; i++) bias += 128 * (int32_t)((const int8_t *)query)[i];
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_I8, DOT_I8_KEY);
}

EQ_GRAPH_TARGET_AVX512 void eq_graph_dot_f32_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                    int64_t size, const uint32_t *rows, int64_t count,
                                                    uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F32, DOT_F32_KEY);
}

EQ_GRAPH_TARGET_AVX512 void eq_graph_dot_f16_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                    int64_t size, const uint32_t *rows, int64_t count,
                                                    uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F16, DOT_F16_KEY);
}

EQ_GRAPH_TARGET_AVX512 void eq_graph_dot_bf16_avx512(const void *query, const uint8_t *codes, int64_t stride,
                                                     int64_t size, const uint32_t *rows, int64_t count,
                                                     uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_BF16, DOT_BF16_KEY);
}
#endif
