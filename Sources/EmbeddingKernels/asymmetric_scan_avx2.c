// Asymmetric scans, AVX2 + FMA: 8 rows per register (two per block), the float operations of
// AsymmetricKernels.h per row in dimension order, so the results equal the portable variant's
// bit for bit.
#if defined(__x86_64__)
#include <immintrin.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define TARGET __attribute__((target("avx2,fma")))
#define ROWS EQ_BLOCK_ROWS

/// `vpshufb` masks moving byte `k` of every 32-bit lane into its low byte (the rest zero).
static TARGET inline __m256i byte_picker(int k) {
    const int base = (int)0x80808000u;
    return _mm256_setr_epi32(base | k, base | (4 + k), base | (8 + k), base | (12 + k), base | k, base | (4 + k),
                             base | (8 + k), base | (12 + k));
}

static TARGET inline void store_rows(float *out, __m256 low, __m256 high, float constant) {
    const __m256 c = _mm256_set1_ps(constant);
    _mm256_storeu_ps(out, _mm256_add_ps(low, c));
    _mm256_storeu_ps(out + 8, _mm256_add_ps(high, c));
}

TARGET void eq_asym_scan_u8_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                 const float *weights, const float *constants, int64_t nq, float *out,
                                 int64_t out_stride) {
    const __m256i pick[4] = {byte_picker(0), byte_picker(1), byte_picker(2), byte_picker(3)};
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (int64_t word = 0; word * 4 < dim; word++) {
                const __m256i v0 = _mm256_loadu_si256((const __m256i *)(block + word * 64));
                const __m256i v1 = _mm256_loadu_si256((const __m256i *)(block + word * 64 + 32));
                const int64_t left = dim - word * 4, count = left < 4 ? left : 4;
                for (int k = 0; k < count; k++) {
                    const __m256 wk = _mm256_broadcast_ss(w + word * 4 + k);
                    a0 = _mm256_fmadd_ps(wk, _mm256_cvtepi32_ps(_mm256_shuffle_epi8(v0, pick[k])), a0);
                    a1 = _mm256_fmadd_ps(wk, _mm256_cvtepi32_ps(_mm256_shuffle_epi8(v1, pick[k])), a1);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, a0, a1, constants[q]);
        }
    }
}

TARGET void eq_asym_scan_u4_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                 const float *weights, const float *constants, int64_t nq, float *out,
                                 int64_t out_stride) {
    const __m256i pick[4] = {byte_picker(0), byte_picker(1), byte_picker(2), byte_picker(3)};
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (int64_t word = 0; word * 8 < dim; word++) {
                const __m256i v0 = _mm256_loadu_si256((const __m256i *)(block + word * 64));
                const __m256i v1 = _mm256_loadu_si256((const __m256i *)(block + word * 64 + 32));
                const __m256i high0 = _mm256_and_si256(_mm256_srli_epi32(v0, 4), nibble), low0 = _mm256_and_si256(v0, nibble);
                const __m256i high1 = _mm256_and_si256(_mm256_srli_epi32(v1, 4), nibble), low1 = _mm256_and_si256(v1, nibble);
                const int64_t left = dim - word * 8, count = left < 8 ? left : 8;
                for (int t = 0; t < count; t++) {
                    const __m256 wt = _mm256_broadcast_ss(w + word * 8 + t);
                    const __m256i s0 = t % 2 == 0 ? high0 : low0, s1 = t % 2 == 0 ? high1 : low1;
                    a0 = _mm256_fmadd_ps(wt, _mm256_cvtepi32_ps(_mm256_shuffle_epi8(s0, pick[t / 2])), a0);
                    a1 = _mm256_fmadd_ps(wt, _mm256_cvtepi32_ps(_mm256_shuffle_epi8(s1, pick[t / 2])), a1);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, a0, a1, constants[q]);
        }
    }
}

/// The 32-bit halves of one 64-bit word of 8 rows (`rows`: 8 words): `low` the bytes 0…3 of each
/// row's word, `high` the bytes 4…7, row order kept.
static TARGET inline void split_words(const uint8_t *rows, __m256i *low, __m256i *high) {
    const __m256 a = _mm256_loadu_ps((const float *)rows), b = _mm256_loadu_ps((const float *)(rows + 32));
    *low = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))),
                                    _MM_SHUFFLE(3, 1, 2, 0));
    *high = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))),
                                     _MM_SHUFFLE(3, 1, 2, 0));
}

/// Adds ±w_j for the `count` (≤ 32) dimensions of one 32-bit half (`bits`, 8 rows), j from `w`.
static TARGET inline __m256 add_signed(__m256 acc, __m256i bits, const float *w, int64_t count) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int byte = 0; byte * 8 < count; byte++) {
        // Dimension 8·byte sits in bit 8·byte + 7: move it to the sign bit, then one bit a step.
        __m256i x = _mm256_sll_epi32(bits, _mm_cvtsi32_si128(24 - 8 * byte));
        const int64_t n = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < n; i++) {
            // w_j where the bit is set, −w_j (its sign flipped) where it is clear.
            const __m256 flip = _mm256_andnot_ps(_mm256_castsi256_ps(x), sign);
            acc = _mm256_add_ps(acc, _mm256_xor_ps(_mm256_broadcast_ss(w + byte * 8 + i), flip));
            x = _mm256_add_epi32(x, x);
        }
    }
    return acc;
}

/// As `add_signed` for ternary planes: +w_j (positive only), −w_j (negative only), else +0.
static TARGET inline __m256 add_ternary(__m256 acc, __m256i positive, __m256i negative, const float *w, int64_t count) {
    const __m256 sign = _mm256_set1_ps(-0.0f), zero = _mm256_setzero_ps();
    for (int byte = 0; byte * 8 < count; byte++) {
        const __m128i shift = _mm_cvtsi32_si128(24 - 8 * byte);
        __m256i p = _mm256_sll_epi32(positive, shift);
        // Sign bit set where exactly one plane has the bit (the value is ±1).
        __m256i nonzero = _mm256_sll_epi32(_mm256_xor_si256(positive, negative), shift);
        const int64_t m = count - byte * 8 < 8 ? count - byte * 8 : 8;
        for (int i = 0; i < m; i++) {
            const __m256 flip = _mm256_andnot_ps(_mm256_castsi256_ps(p), sign);
            const __m256 value = _mm256_xor_ps(_mm256_broadcast_ss(w + byte * 8 + i), flip);
            acc = _mm256_add_ps(acc, _mm256_blendv_ps(zero, value, _mm256_castsi256_ps(nonzero)));
            p = _mm256_add_epi32(p, p);
            nonzero = _mm256_add_epi32(nonzero, nonzero);
        }
    }
    return acc;
}

TARGET void eq_asym_scan_bits_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                   const float *weights, const float *constants, int64_t nq, float *out,
                                   int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (int64_t word = 0; word * 64 < dim; word++) {
                __m256i low0, high0, low1, high1;
                split_words(block + word * ROWS * 8, &low0, &high0);
                split_words(block + word * ROWS * 8 + 64, &low1, &high1);
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                a0 = add_signed(a0, low0, w + word * 64, first);
                a1 = add_signed(a1, low1, w + word * 64, first);
                if (second > 0) {
                    a0 = add_signed(a0, high0, w + word * 64 + 32, second);
                    a1 = add_signed(a1, high1, w + word * 64 + 32, second);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, a0, a1, constants[q]);
        }
    }
}

TARGET void eq_asym_scan_ternary_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                      const float *weights, const float *constants, int64_t nq, float *out,
                                      int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        for (int64_t q = 0; q < nq; q++) {
            const float *w = weights + q * dim;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (int64_t word = 0; word * 64 < dim; word++) {
                __m256i pl0, ph0, pl1, ph1, nl0, nh0, nl1, nh1;
                const uint8_t *p = block + word * ROWS * 8, *n = block + (plane + word) * ROWS * 8;
                split_words(p, &pl0, &ph0);
                split_words(p + 64, &pl1, &ph1);
                split_words(n, &nl0, &nh0);
                split_words(n + 64, &nl1, &nh1);
                const int64_t left = dim - word * 64;
                const int64_t first = left < 32 ? left : 32, second = left - first < 32 ? left - first : 32;
                a0 = add_ternary(a0, pl0, nl0, w + word * 64, first);
                a1 = add_ternary(a1, pl1, nl1, w + word * 64, first);
                if (second > 0) {
                    a0 = add_ternary(a0, ph0, nh0, w + word * 64 + 32, second);
                    a1 = add_ternary(a1, ph1, nh1, w + word * 64 + 32, second);
                }
            }
            store_rows(out + q * out_stride + b * ROWS, a0, a1, constants[q]);
        }
    }
}
#endif
