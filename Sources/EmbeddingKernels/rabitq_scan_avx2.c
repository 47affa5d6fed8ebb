// AVX2 variant of the RaBitQ kernels: hardware POPCNT per 64-bit word (AVX2 has no vector
// popcount), the float epilogue on 8 rows at a time; the code-dot blends query floats under
// masks built from the code bits. Compiled per function through target attributes; the dispatch
// table (kernel_table.c) calls it only where the CPU has AVX2, FMA and POPCNT.
#include "RaBitQKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define RABITQ256 __attribute__((target("avx2,fma,popcnt")))
#define INLINE256 static inline __attribute__((always_inline)) RABITQ256

INLINE256 void scan_block(const uint64_t *block, int64_t plane_words, const uint64_t *query_planes,
                          const int B, const int QB, const float *scales, float delta, float low, float bias,
                          float *estimates) {
    int32_t dots[EQ_RABITQ_BLOCK_ROWS], sums[EQ_RABITQ_BLOCK_ROWS];
    for (int r = 0; r < EQ_RABITQ_BLOCK_ROWS; r++) {
        int64_t dot[12] = {0}, sum = 0;
        for (int a = 0; a < B; a++) {
            for (int64_t j = 0; j < plane_words; j++) {
                const uint64_t x = block[(a * plane_words + j) * EQ_RABITQ_BLOCK_ROWS + r];
                sum += (int64_t)_mm_popcnt_u64(x) << a;
                for (int b = 0; b < QB; b++)
                    dot[a + b] += (int64_t)_mm_popcnt_u64(x & query_planes[b * plane_words + j]);
            }
        }
        int64_t total = 0;
        for (int p = 0; p < B + QB - 1; p++) total += dot[p] << p;
        dots[r] = (int32_t)total;
        sums[r] = (int32_t)sum;
    }
    const __m256 d = _mm256_set1_ps(delta), l = _mm256_set1_ps(low), s = _mm256_set1_ps(bias);
    for (int h = 0; h < EQ_RABITQ_BLOCK_ROWS; h += 8) {
        const __m256 dot = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(dots + h)));
        const __m256 sum = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(sums + h)));
        const __m256 inner = _mm256_add_ps(_mm256_mul_ps(d, dot), _mm256_mul_ps(l, sum));
        _mm256_storeu_ps(estimates + h, _mm256_mul_ps(_mm256_loadu_ps(scales + h), _mm256_add_ps(inner, s)));
    }
}

#define SCAN_CASE(B, QB)                                                                          \
    for (int64_t blk = 0; blk < nblocks; blk++)                                                   \
        scan_block(blocks + blk * block_words, plane_words, query_planes, B, QB,                  \
                   scales + blk * EQ_RABITQ_BLOCK_ROWS, delta, low, bias,                         \
                   estimates + blk * EQ_RABITQ_BLOCK_ROWS);                                       \
    return;

RABITQ256 void eq_rabitq_scan_avx2(const uint64_t *blocks, int64_t nblocks, int64_t plane_words,
                                   int32_t code_bits, const uint64_t *query_planes, int32_t query_bits,
                                   const float *scales, float delta, float low, float bias, float *estimates) {
    const int64_t block_words = plane_words * code_bits * EQ_RABITQ_BLOCK_ROWS;
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
    eq_rabitq_scan_portable(blocks, nblocks, plane_words, code_bits, query_planes, query_bits, scales, delta,
                            low, bias, estimates);
}

RABITQ256 float eq_rabitq_code_dot_avx2(const uint8_t *code, int64_t dimension, int32_t code_bits,
                                        const float *query) {
    const int64_t plane_bytes = (dimension + 7) / 8;
    // Lane t tests bit 7 − t of the byte: most-significant bit first.
    const __m256i select = _mm256_setr_epi32(128, 64, 32, 16, 8, 4, 2, 1);
    float total = 0;
    for (int32_t a = 0; a < code_bits; a++) {
        const uint8_t *plane = code + a * plane_bytes;
        __m256 acc = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 8 <= dimension; i += 8) {
            const __m256i byte = _mm256_set1_epi32(plane[i >> 3]);
            const __m256i hit = _mm256_cmpeq_epi32(_mm256_and_si256(byte, select), select);
            acc = _mm256_add_ps(acc, _mm256_and_ps(_mm256_castsi256_ps(hit), _mm256_loadu_ps(query + i)));
        }
        const __m128 four = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
        const __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
        float partial = _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
        for (; i < dimension; i++)
            if ((plane[i >> 3] >> (7 - (i & 7))) & 1) partial += query[i];
        total += (float)(1 << a) * partial;
    }
    return total;
}
#endif
