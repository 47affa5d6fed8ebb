// Asymmetric scans, AVX-512 F/BW/DQ/VL: the 16 rows of a block in one register, the float
// operations of AsymmetricKernels.h per row in dimension order (bit-identical to portable).
#if defined(__x86_64__)
#include <immintrin.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define ROWS EQ_BLOCK_ROWS

/// `vpshufb` masks moving byte `k` of every 32-bit lane into its low byte (the rest zero).
static TARGET inline __m512i byte_picker(int k) {
    const int base = (int)0x80808000u;
    const __m128i lane = _mm_setr_epi32(base | k, base | (4 + k), base | (8 + k), base | (12 + k));
    return _mm512_broadcast_i32x4(lane);
}

static TARGET inline void store_rows(float *out, __m512 acc, float constant) {
    _mm512_storeu_ps(out, _mm512_add_ps(acc, _mm512_set1_ps(constant)));
}

TARGET void eq_asym_scan_u8_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                   const float *weights, const float *constants, int64_t nq, float *out,
                                   int64_t out_stride) {
    const __m512i pick[4] = {byte_picker(0), byte_picker(1), byte_picker(2), byte_picker(3)};
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m512 acc = _mm512_setzero_ps();
            for (int64_t word = 0; word * 4 < dim; word++) {
                const __m512i v = _mm512_loadu_si512((const void *)(block + word * 64));
                const int64_t left = dim - word * 4, count = left < 4 ? left : 4;
                for (int k = 0; k < count; k++)
                    acc = _mm512_fmadd_ps(_mm512_set1_ps(w[word * 4 + k]),
                                          _mm512_cvtepi32_ps(_mm512_shuffle_epi8(v, pick[k])), acc);
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

TARGET void eq_asym_scan_u4_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                   const float *weights, const float *constants, int64_t nq, float *out,
                                   int64_t out_stride) {
    const __m512i pick[4] = {byte_picker(0), byte_picker(1), byte_picker(2), byte_picker(3)};
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m512 acc = _mm512_setzero_ps();
            for (int64_t word = 0; word * 8 < dim; word++) {
                const __m512i v = _mm512_loadu_si512((const void *)(block + word * 64));
                const __m512i high = _mm512_and_si512(_mm512_srli_epi32(v, 4), nibble), low = _mm512_and_si512(v, nibble);
                const int64_t left = dim - word * 8, count = left < 8 ? left : 8;
                for (int t = 0; t < count; t++)
                    acc = _mm512_fmadd_ps(_mm512_set1_ps(w[word * 8 + t]),
                                          _mm512_cvtepi32_ps(_mm512_shuffle_epi8(t % 2 == 0 ? high : low, pick[t / 2])), acc);
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

/// The 32-bit halves of one 64-bit word of the 16 rows of a block: `low` bytes 0…3, `high` 4…7.
static TARGET inline void split_words(const uint8_t *rows, __m512i *low, __m512i *high) {
    const __m512i a = _mm512_loadu_si512((const void *)rows), b = _mm512_loadu_si512((const void *)(rows + 64));
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    *low = _mm512_permutex2var_epi32(a, even, b);
    *high = _mm512_permutex2var_epi32(a, _mm512_add_epi32(even, _mm512_set1_epi32(1)), b);
}

/// Adds ±w_j for the `count` (≤ 32) dimensions of one 32-bit half (`bits`, 16 rows).
static TARGET inline __m512 add_signed(__m512 acc, __m512i bits, const float *w, int64_t count) {
    const __m512 sign = _mm512_set1_ps(-0.0f);
    for (int byte = 0; byte * 8 < count; byte++) {
        __m512i x = _mm512_sll_epi32(bits, _mm_cvtsi32_si128(24 - 8 * byte));
        const int64_t n = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < n; i++) {
            const __m512 wj = _mm512_set1_ps(w[byte * 8 + i]);
            const __mmask16 set = _mm512_movepi32_mask(x);
            acc = _mm512_add_ps(acc, _mm512_mask_blend_ps(set, _mm512_xor_ps(wj, sign), wj));
            x = _mm512_add_epi32(x, x);
        }
    }
    return acc;
}

/// As `add_signed` for ternary planes: +w_j (positive only), −w_j (negative only), else +0.
static TARGET inline __m512 add_ternary(__m512 acc, __m512i positive, __m512i negative, const float *w, int64_t count) {
    const __m512 sign = _mm512_set1_ps(-0.0f);
    for (int byte = 0; byte * 8 < count; byte++) {
        const __m128i shift = _mm_cvtsi32_si128(24 - 8 * byte);
        __m512i p = _mm512_sll_epi32(positive, shift), n = _mm512_sll_epi32(negative, shift);
        const int64_t m = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < m; i++) {
            const __m512 wj = _mm512_set1_ps(w[byte * 8 + i]);
            const __mmask16 plus = _mm512_movepi32_mask(p), minus = _mm512_movepi32_mask(n);
            const __m512 value = _mm512_mask_blend_ps(plus, _mm512_xor_ps(wj, sign), wj);
            acc = _mm512_add_ps(acc, _mm512_maskz_mov_ps((__mmask16)(plus ^ minus), value));
            p = _mm512_add_epi32(p, p);
            n = _mm512_add_epi32(n, n);
        }
    }
    return acc;
}

TARGET void eq_asym_scan_bits_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                     const float *weights, const float *constants, int64_t nq, float *out,
                                     int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m512 acc = _mm512_setzero_ps();
            for (int64_t word = 0; word * 64 < dim; word++) {
                __m512i low, high;
                split_words(block + word * ROWS * 8, &low, &high);
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                acc = add_signed(acc, low, w + word * 64, first);
                if (second > 0) acc = add_signed(acc, high, w + word * 64 + 32, second);
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}

TARGET void eq_asym_scan_ternary_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                        const float *weights, const float *constants, int64_t nq, float *out,
                                        int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m512 acc = _mm512_setzero_ps();
            for (int64_t word = 0; word * 64 < dim; word++) {
                __m512i pl, ph, nl, nh;
                split_words(block + word * ROWS * 8, &pl, &ph);
                split_words(block + (plane + word) * ROWS * 8, &nl, &nh);
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                acc = add_ternary(acc, pl, nl, w + word * 64, first);
                if (second > 0) acc = add_ternary(acc, ph, nh, w + word * 64 + 32, second);
            }
            store_rows(out + q * out_stride + b * ROWS, acc, constants[q]);
        }
    }
}
#endif
