// AVX-512 variants of the search kernels (F/BW/DQ/VL; VPOPCNTDQ for bit codes and VNNI
// `vpdpbusd` for byte and nibble dot products), each function compiled for its own instruction
// set through target attributes; the dispatch table (kernel_table.c) decides which may be called.
//
// Each kernel keeps a tile of queries in flight per block: the block's word (8 or 16 rows) is
// loaded once and combined with every query of the tile, so the corpus is read once per tile and
// no horizontal sum is needed. See SearchKernels.h for the layout.
#include "SearchKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SEARCH512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define POPCNT512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq")))
#define VNNI512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
#define INLINE512 static inline __attribute__((always_inline)) SEARCH512
#define INLINE_POPCNT512 static inline __attribute__((always_inline)) POPCNT512
#define INLINE_VNNI512 static inline __attribute__((always_inline)) VNNI512

// ---- Hamming ---------------------------------------------------------------------------------

INLINE_POPCNT512 void hamming_tile(const uint64_t *block, int64_t words, const uint64_t *queries, int tq,
                            int32_t *out, int64_t out_stride) {
    __m512i acc_lo[4], acc_hi[4];
    for (int q = 0; q < 4; q++) acc_lo[q] = acc_hi[q] = _mm512_setzero_si512();
    for (int64_t w = 0; w < words; w++) {
        const __m512i lo = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS);
        const __m512i hi = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS + 8);
        for (int q = 0; q < tq; q++) {
            const __m512i qv = _mm512_set1_epi64((long long)queries[q * words + w]);
            acc_lo[q] = _mm512_add_epi64(acc_lo[q], _mm512_popcnt_epi64(_mm512_xor_si512(lo, qv)));
            acc_hi[q] = _mm512_add_epi64(acc_hi[q], _mm512_popcnt_epi64(_mm512_xor_si512(hi, qv)));
        }
    }
    for (int q = 0; q < tq; q++) {
        const __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(acc_lo[q])),
                                                _mm512_cvtepi64_epi32(acc_hi[q]), 1);
        _mm512_storeu_si512(out + q * out_stride, _mm512_sub_epi32(_mm512_setzero_si512(), both));
    }
}

POPCNT512 void eq_hamming_blocks_avx512(const uint64_t *blocks, int64_t nblocks, int64_t words,
                                        const uint64_t *queries, int64_t nq, int32_t *out,
                                        int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
        // No software prefetch: the hardware prefetcher follows this sequential stream, and
        // measured prefetches only slowed the single-query scan down.
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4)
            hamming_tile(block, words, queries + q * words, 4, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride);
        switch (nq - q) {
        case 3: hamming_tile(block, words, queries + q * words, 3, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride); break;
        case 2: hamming_tile(block, words, queries + q * words, 2, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride); break;
        case 1: hamming_tile(block, words, queries + q * words, 1, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride); break;
        default: break;
        }
    }
}

// ---- Ternary ---------------------------------------------------------------------------------

INLINE_POPCNT512 void ternary_tile(const uint64_t *block, int64_t words, const uint64_t *queries, int tq,
                            int32_t *out, int64_t out_stride) {
    const int64_t plane = words / 2;
    __m512i acc_lo[2], acc_hi[2];
    for (int q = 0; q < 2; q++) acc_lo[q] = acc_hi[q] = _mm512_setzero_si512();
    for (int64_t w = 0; w < plane; w++) {
        const __m512i p_lo = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS);
        const __m512i p_hi = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS + 8);
        const __m512i n_lo = _mm512_loadu_si512(block + (plane + w) * EQ_BLOCK_ROWS);
        const __m512i n_hi = _mm512_loadu_si512(block + (plane + w) * EQ_BLOCK_ROWS + 8);
        for (int q = 0; q < tq; q++) {
            const __m512i qp = _mm512_set1_epi64((long long)queries[q * words + w]);
            const __m512i qn = _mm512_set1_epi64((long long)queries[q * words + plane + w]);
            __m512i plus = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_and_si512(p_lo, qp)),
                                            _mm512_popcnt_epi64(_mm512_and_si512(n_lo, qn)));
            __m512i minus = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_and_si512(p_lo, qn)),
                                             _mm512_popcnt_epi64(_mm512_and_si512(n_lo, qp)));
            acc_lo[q] = _mm512_add_epi64(acc_lo[q], _mm512_sub_epi64(plus, minus));
            plus = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_and_si512(p_hi, qp)),
                                    _mm512_popcnt_epi64(_mm512_and_si512(n_hi, qn)));
            minus = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_and_si512(p_hi, qn)),
                                     _mm512_popcnt_epi64(_mm512_and_si512(n_hi, qp)));
            acc_hi[q] = _mm512_add_epi64(acc_hi[q], _mm512_sub_epi64(plus, minus));
        }
    }
    for (int q = 0; q < tq; q++) {
        const __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(acc_lo[q])),
                                                _mm512_cvtepi64_epi32(acc_hi[q]), 1);
        _mm512_storeu_si512(out + q * out_stride, both);
    }
}

POPCNT512 void eq_ternary_blocks_avx512(const uint64_t *blocks, int64_t nblocks, int64_t words,
                                        const uint64_t *queries, int64_t nq, int32_t *out,
                                        int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
        int64_t q = 0;
        for (; q + 2 <= nq; q += 2)
            ternary_tile(block, words, queries + q * words, 2, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride);
        if (q < nq)
            ternary_tile(block, words, queries + q * words, 1, out + q * out_stride + b * EQ_BLOCK_ROWS, out_stride);
    }
}

// ---- Bytes: unsigned corpus × signed query with VNNI ----------------------------------------

static inline int32_t load_i32(const void *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

INLINE_VNNI512 void u8s8_tile(const uint8_t *block, int64_t words, const int8_t *queries, int tq,
                         const int32_t *bias, int32_t *out, int64_t out_stride) {
    __m512i acc[8];
    const __m512i start = bias ? _mm512_loadu_si512(bias) : _mm512_setzero_si512();
    for (int q = 0; q < 8; q++) acc[q] = start;
    for (int64_t w = 0; w < words; w++) {
        const __m512i v = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS * 4);
        for (int q = 0; q < tq; q++) {
            acc[q] = _mm512_dpbusd_epi32(acc[q], v, _mm512_set1_epi32(load_i32(queries + q * words * 4 + w * 4)));
        }
    }
    for (int q = 0; q < tq; q++) _mm512_storeu_si512(out + q * out_stride, acc[q]);
}

VNNI512 void eq_dot_u8s8_blocks_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                         const int8_t *queries, int64_t nq, const int32_t *bias,
                                         int32_t *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
        const int32_t *block_bias = bias ? bias + b * EQ_BLOCK_ROWS : 0;
        int32_t *dst = out + b * EQ_BLOCK_ROWS;
        int64_t q = 0;
        for (; q + 8 <= nq; q += 8)
            u8s8_tile(block, words, queries + q * words * 4, 8, block_bias, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 7: u8s8_tile(block, words, queries + q * words * 4, 7, block_bias, dst + q * out_stride, out_stride); break;
        case 6: u8s8_tile(block, words, queries + q * words * 4, 6, block_bias, dst + q * out_stride, out_stride); break;
        case 5: u8s8_tile(block, words, queries + q * words * 4, 5, block_bias, dst + q * out_stride, out_stride); break;
        case 4: u8s8_tile(block, words, queries + q * words * 4, 4, block_bias, dst + q * out_stride, out_stride); break;
        case 3: u8s8_tile(block, words, queries + q * words * 4, 3, block_bias, dst + q * out_stride, out_stride); break;
        case 2: u8s8_tile(block, words, queries + q * words * 4, 2, block_bias, dst + q * out_stride, out_stride); break;
        case 1: u8s8_tile(block, words, queries + q * words * 4, 1, block_bias, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

// ---- Nibbles (int4) ---------------------------------------------------------------------------

INLINE_VNNI512 void u4_tile(const uint8_t *block, int64_t words, const int8_t *queries, int tq,
                       int32_t *out, int64_t out_stride) {
    __m512i acc[4];
    const __m512i low_mask = _mm512_set1_epi8(0x0F);
    for (int q = 0; q < 4; q++) acc[q] = _mm512_setzero_si512();
    for (int64_t w = 0; w < words; w++) {
        const __m512i v = _mm512_loadu_si512(block + w * EQ_BLOCK_ROWS * 4);
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low_mask);
        const __m512i lo = _mm512_and_si512(v, low_mask);
        for (int q = 0; q < tq; q++) {
            const int8_t *qw = queries + q * words * 8 + w * 8;
            acc[q] = _mm512_dpbusd_epi32(acc[q], hi, _mm512_set1_epi32(load_i32(qw)));
            acc[q] = _mm512_dpbusd_epi32(acc[q], lo, _mm512_set1_epi32(load_i32(qw + 4)));
        }
    }
    for (int q = 0; q < tq; q++) _mm512_storeu_si512(out + q * out_stride, acc[q]);
}

VNNI512 void eq_dot_u4_blocks_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                       const int8_t *queries, int64_t nq, int32_t *out,
                                       int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
        int32_t *dst = out + b * EQ_BLOCK_ROWS;
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4) u4_tile(block, words, queries + q * words * 8, 4, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 3: u4_tile(block, words, queries + q * words * 8, 3, dst + q * out_stride, out_stride); break;
        case 2: u4_tile(block, words, queries + q * words * 8, 2, dst + q * out_stride, out_stride); break;
        case 1: u4_tile(block, words, queries + q * words * 8, 1, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

// ---- Floats ------------------------------------------------------------------------------------

INLINE512 __m512 load_float_word(const void *blocks, int format, int64_t index) {
    if (format == 0) return _mm512_loadu_ps((const float *)blocks + index);
    const __m256i h = _mm256_loadu_si256((const __m256i *)((const uint16_t *)blocks + index));
    if (format == 1) return _mm512_cvtph_ps(h);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

INLINE512 void float_tile(const void *blocks, int64_t base, int64_t dim, int format,
                          const float *queries, int tq, float *out, int64_t out_stride) {
    __m512 acc[8];
    for (int q = 0; q < 8; q++) acc[q] = _mm512_setzero_ps();
    for (int64_t j = 0; j < dim; j++) {
        const __m512 v = load_float_word(blocks, format, base + j * EQ_BLOCK_ROWS);
        for (int q = 0; q < tq; q++) acc[q] = _mm512_fmadd_ps(v, _mm512_set1_ps(queries[q * dim + j]), acc[q]);
    }
    for (int q = 0; q < tq; q++) _mm512_storeu_ps(out + q * out_stride, acc[q]);
}

#define FLOAT_TILE(format, tq) \
    float_tile(blocks, base, dim, format, queries + q * dim, tq, dst + q * out_stride, out_stride)

#define FLOAT_BLOCKS(format)                                                        \
    for (int64_t b = 0; b < nblocks; b++) {                                          \
        const int64_t base = b * dim * EQ_BLOCK_ROWS;                                \
        float *dst = out + b * EQ_BLOCK_ROWS;                                        \
        int64_t q = 0;                                                               \
        for (; q + 8 <= nq; q += 8) FLOAT_TILE(format, 8);                           \
        switch (nq - q) {                                                            \
        case 7: FLOAT_TILE(format, 7); break;                                        \
        case 6: FLOAT_TILE(format, 6); break;                                        \
        case 5: FLOAT_TILE(format, 5); break;                                        \
        case 4: FLOAT_TILE(format, 4); break;                                        \
        case 3: FLOAT_TILE(format, 3); break;                                        \
        case 2: FLOAT_TILE(format, 2); break;                                        \
        case 1: FLOAT_TILE(format, 1); break;                                        \
        default: break;                                                              \
        }                                                                            \
    }

SEARCH512 void eq_dot_float_blocks_avx512(const void *blocks, int64_t nblocks, int64_t dim, int format,
                                          const float *queries, int64_t nq, float *out,
                                          int64_t out_stride) {
    switch (format) {
    case 0: FLOAT_BLOCKS(0); break;
    case 1: FLOAT_BLOCKS(1); break;
    default: FLOAT_BLOCKS(2); break;
    }
}

// ---- Selection ---------------------------------------------------------------------------------

SEARCH512 int64_t eq_select_above_i32_avx512(const int32_t *keys, int64_t n, int32_t threshold,
                                             int32_t *indices) {
    const __m512i limit = _mm512_set1_epi32(threshold);
    const __m512i step = _mm512_set1_epi32(16);
    __m512i position = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int64_t count = 0;
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 lanes = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi32(lanes, keys + i);
        const __mmask16 hit = _mm512_mask_cmpgt_epi32_mask(lanes, v, limit);
        if (hit) {
            _mm512_mask_compressstoreu_epi32(indices + count, hit, position);
            count += __builtin_popcount(hit);
        }
        position = _mm512_add_epi32(position, step);
    }
    return count;
}

SEARCH512 int64_t eq_select_above_f32_avx512(const float *keys, int64_t n, float threshold,
                                             int32_t *indices) {
    const __m512 limit = _mm512_set1_ps(threshold);
    const __m512i step = _mm512_set1_epi32(16);
    __m512i position = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int64_t count = 0;
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 lanes = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(lanes, keys + i);
        const __mmask16 hit = _mm512_mask_cmp_ps_mask(lanes, v, limit, _CMP_GT_OQ);
        if (hit) {
            _mm512_mask_compressstoreu_epi32(indices + count, hit, position);
            count += __builtin_popcount(hit);
        }
        position = _mm512_add_epi32(position, step);
    }
    return count;
}

#endif
