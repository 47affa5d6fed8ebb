// AVX-512 variant of the RaBitQ kernels: VPOPCNTDQ counts 8 rows' words at once; the code-dot
// expands each 16 code bits into a mask over 16 query floats. Compiled per function through
// target attributes; the dispatch table (kernel_table.c) calls it only where the CPU has
// AVX-512 F/BW/VL and VPOPCNTDQ. Layouts: RaBitQKernels.h.
#include "RaBitQKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define RABITQ512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq")))
#define INLINE512 static inline __attribute__((always_inline)) RABITQ512

// One block of 16 rows for compile-time B (code bits) and QB (query bits): accumulators per
// power of two (a + b), shifted and summed once at the end.
INLINE512 void scan_block(const uint64_t *block, int64_t plane_words, const uint64_t *query_planes,
                          const int B, const int QB, const float *scales, __m512 delta, __m512 low,
                          __m512 bias, float *estimates) {
    __m512i dot_lo[12], dot_hi[12], sum_lo[4], sum_hi[4];
    for (int p = 0; p < B + QB - 1; p++) dot_lo[p] = dot_hi[p] = _mm512_setzero_si512();
    for (int a = 0; a < B; a++) sum_lo[a] = sum_hi[a] = _mm512_setzero_si512();
    for (int a = 0; a < B; a++) {
        for (int64_t j = 0; j < plane_words; j++) {
            const uint64_t *words = block + (a * plane_words + j) * EQ_RABITQ_BLOCK_ROWS;
            const __m512i lo = _mm512_loadu_si512(words);
            const __m512i hi = _mm512_loadu_si512(words + 8);
            sum_lo[a] = _mm512_add_epi64(sum_lo[a], _mm512_popcnt_epi64(lo));
            sum_hi[a] = _mm512_add_epi64(sum_hi[a], _mm512_popcnt_epi64(hi));
            for (int b = 0; b < QB; b++) {
                const __m512i q = _mm512_set1_epi64((long long)query_planes[b * plane_words + j]);
                dot_lo[a + b] = _mm512_add_epi64(dot_lo[a + b], _mm512_popcnt_epi64(_mm512_and_si512(lo, q)));
                dot_hi[a + b] = _mm512_add_epi64(dot_hi[a + b], _mm512_popcnt_epi64(_mm512_and_si512(hi, q)));
            }
        }
    }
    __m512i dot_l = _mm512_setzero_si512(), dot_h = _mm512_setzero_si512();
    for (int p = 0; p < B + QB - 1; p++) {
        dot_l = _mm512_add_epi64(dot_l, _mm512_slli_epi64(dot_lo[p], (unsigned)p));
        dot_h = _mm512_add_epi64(dot_h, _mm512_slli_epi64(dot_hi[p], (unsigned)p));
    }
    __m512i sum_l = _mm512_setzero_si512(), sum_h = _mm512_setzero_si512();
    for (int a = 0; a < B; a++) {
        sum_l = _mm512_add_epi64(sum_l, _mm512_slli_epi64(sum_lo[a], (unsigned)a));
        sum_h = _mm512_add_epi64(sum_h, _mm512_slli_epi64(sum_hi[a], (unsigned)a));
    }
    const __m512i dot32 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(dot_l)),
                                             _mm512_cvtepi64_epi32(dot_h), 1);
    const __m512i sum32 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(sum_l)),
                                             _mm512_cvtepi64_epi32(sum_h), 1);
    const __m512 inner = _mm512_add_ps(_mm512_mul_ps(delta, _mm512_cvtepi32_ps(dot32)),
                                       _mm512_mul_ps(low, _mm512_cvtepi32_ps(sum32)));
    _mm512_storeu_ps(estimates, _mm512_mul_ps(_mm512_loadu_ps(scales), _mm512_add_ps(inner, bias)));
}

#define SCAN_CASE(B, QB)                                                                          \
    for (int64_t blk = 0; blk < nblocks; blk++)                                                   \
        scan_block(blocks + blk * block_words, plane_words, query_planes, B, QB,                  \
                   scales + blk * EQ_RABITQ_BLOCK_ROWS, d, l, s, estimates + blk * EQ_RABITQ_BLOCK_ROWS); \
    return;

RABITQ512 void eq_rabitq_scan_avx512(const uint64_t *blocks, int64_t nblocks, int64_t plane_words,
                                     int32_t code_bits, const uint64_t *query_planes, int32_t query_bits,
                                     const float *scales, float delta, float low, float bias,
                                     float *estimates) {
    const int64_t block_words = plane_words * code_bits * EQ_RABITQ_BLOCK_ROWS;
    const __m512 d = _mm512_set1_ps(delta), l = _mm512_set1_ps(low), s = _mm512_set1_ps(bias);
    if (query_bits == 4) {
        switch (code_bits) {
        case 1: SCAN_CASE(1, 4)
        case 2: SCAN_CASE(2, 4)
        case 3: SCAN_CASE(3, 4)
        case 4: SCAN_CASE(4, 4)
        default: break;
        }
    } else if (query_bits == 8) {
        switch (code_bits) {
        case 1: SCAN_CASE(1, 8)
        case 2: SCAN_CASE(2, 8)
        case 3: SCAN_CASE(3, 8)
        case 4: SCAN_CASE(4, 8)
        default: break;
        }
    }
    // Other shapes are rare (tests, odd settings): the portable loop.
    eq_rabitq_scan_portable(blocks, nblocks, plane_words, code_bits, query_planes, query_bits, scales, delta,
                            low, bias, estimates);
}

RABITQ512 float eq_rabitq_code_dot_avx512(const uint8_t *code, int64_t dimension, int32_t code_bits,
                                          const float *query) {
    const int64_t plane_bytes = (dimension + 7) / 8;
    float total = 0;
    for (int32_t a = 0; a < code_bits; a++) {
        const uint8_t *plane = code + a * plane_bytes;
        __m512 acc = _mm512_setzero_ps();
        int64_t i = 0;
        for (; i + 16 <= dimension; i += 16) {
            // Bits most-significant first: byte k's bit 7 is dimension 8k. Reversed bytes make
            // mask bit t dimension i + t.
            const uint16_t mask = (uint16_t)(__builtin_bitreverse8(plane[i >> 3]) |
                                             ((uint16_t)__builtin_bitreverse8(plane[(i >> 3) + 1]) << 8));
            acc = _mm512_mask_add_ps(acc, (__mmask16)mask, acc, _mm512_loadu_ps(query + i));
        }
        float partial = _mm512_reduce_add_ps(acc);
        for (; i < dimension; i++)
            if ((plane[i >> 3] >> (7 - (i & 7))) & 1) partial += query[i];
        total += (float)(1 << a) * partial;
    }
    return total;
}
#endif
