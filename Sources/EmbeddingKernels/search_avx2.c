// AVX2 variants of the search kernels (AVX2, FMA, F16C and POPCNT): for x86-64 CPUs without the
// AVX-512 VNNI / VPOPCNTDQ pair. Same layout and keys as the other variants (SearchKernels.h).
#include "SearchKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SEARCH256 __attribute__((target("avx2,fma,f16c,popcnt")))

// Bytes' popcounts by nibble lookup (`vpshufb`), two per byte, summed per byte.
static inline __attribute__((always_inline)) SEARCH256 __m256i popcount_bytes(__m256i x) {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    return _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, nibble)),
                           _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)));
}

// Four ymm of 64-bit sums (rows 0–3, 4–7, 8–11, 12–15 of a block, each within int32) as 16
// int32 keys, negated when `negate`, stored at `out`.
static inline __attribute__((always_inline)) SEARCH256 void store_row_sums(const __m256i sums[4], int negate,
                                                                          int32_t *out) {
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    for (int half = 0; half < 2; half++) {
        // (r0, r4, r1, r5, r2, r6, r3, r7) as dwords, then in row order.
        __m256i keys = _mm256_blend_epi32(sums[2 * half], _mm256_slli_epi64(sums[2 * half + 1], 32), 0xAA);
        keys = _mm256_permutevar8x32_epi32(keys, order);
        if (negate) keys = _mm256_sub_epi32(_mm256_setzero_si256(), keys);
        _mm256_storeu_si256((__m256i *)(out + 8 * half), keys);
    }
}

// Hamming on AVX2: `vpshufb` nibble lookups count the bits of four rows' XORed words per ymm, in
// byte counters (at most 8 per word, so 31 words before they are widened by `vpsadbw`). About
// twice the speed of scalar `popcnt` on AMD Zen 2 and on Intel cores without VPOPCNTDQ.
SEARCH256 void eq_hamming_blocks_avx2(const uint64_t *blocks, int64_t nblocks, int64_t words,
                                      const uint64_t *queries, int64_t nq, int32_t *out,
                                      int64_t out_stride) {
    enum { CHUNK = 31 };
    const __m256i zero = _mm256_setzero_si256();
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
        for (int64_t q = 0; q < nq; q++) {
            const uint64_t *query = queries + q * words;
            __m256i sums[4] = {zero, zero, zero, zero};
            for (int64_t start = 0; start < words; start += CHUNK) {
                const int64_t end = words - start > CHUNK ? start + CHUNK : words;
                __m256i counts[4] = {zero, zero, zero, zero};
                for (int64_t w = start; w < end; w++) {
                    const __m256i qw = _mm256_set1_epi64x((long long)query[w]);
                    const __m256i *rows = (const __m256i *)(block + w * EQ_BLOCK_ROWS);
                    for (int i = 0; i < 4; i++)
                        counts[i] = _mm256_add_epi8(counts[i],
                                                    popcount_bytes(_mm256_xor_si256(_mm256_loadu_si256(rows + i), qw)));
                }
                for (int i = 0; i < 4; i++) sums[i] = _mm256_add_epi64(sums[i], _mm256_sad_epu8(counts[i], zero));
            }
            store_row_sums(sums, 1, out + q * out_stride + b * EQ_BLOCK_ROWS);
        }
    }
}

// Ternary on AVX2, as Hamming above: agreeing (P∧P', N∧N') and opposing (P∧N', N∧P') bit counts
// in byte counters (at most 16 per plane word, so 15 words before widening), key = agreeing −
// opposing.
SEARCH256 void eq_ternary_blocks_avx2(const uint64_t *blocks, int64_t nblocks, int64_t words,
                                      const uint64_t *queries, int64_t nq, int32_t *out,
                                      int64_t out_stride) {
    enum { CHUNK = 15 };
    const int64_t plane = words / 2;
    const __m256i zero = _mm256_setzero_si256();
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * EQ_BLOCK_ROWS;
        for (int64_t q = 0; q < nq; q++) {
            const uint64_t *qp = queries + q * words;
            const uint64_t *qn = qp + plane;
            __m256i sums[4] = {zero, zero, zero, zero};
            for (int64_t start = 0; start < plane; start += CHUNK) {
                const int64_t end = plane - start > CHUNK ? start + CHUNK : plane;
                __m256i agree[4] = {zero, zero, zero, zero}, oppose[4] = {zero, zero, zero, zero};
                for (int64_t w = start; w < end; w++) {
                    const __m256i pw = _mm256_set1_epi64x((long long)qp[w]);
                    const __m256i nw = _mm256_set1_epi64x((long long)qn[w]);
                    const __m256i *p_rows = (const __m256i *)(block + w * EQ_BLOCK_ROWS);
                    const __m256i *n_rows = (const __m256i *)(block + (plane + w) * EQ_BLOCK_ROWS);
                    for (int i = 0; i < 4; i++) {
                        const __m256i p = _mm256_loadu_si256(p_rows + i), n = _mm256_loadu_si256(n_rows + i);
                        agree[i] = _mm256_add_epi8(agree[i], _mm256_add_epi8(popcount_bytes(_mm256_and_si256(p, pw)),
                                                                             popcount_bytes(_mm256_and_si256(n, nw))));
                        oppose[i] = _mm256_add_epi8(oppose[i], _mm256_add_epi8(popcount_bytes(_mm256_and_si256(p, nw)),
                                                                               popcount_bytes(_mm256_and_si256(n, pw))));
                    }
                }
                for (int i = 0; i < 4; i++)
                    sums[i] = _mm256_add_epi64(sums[i], _mm256_sub_epi64(_mm256_sad_epu8(agree[i], zero),
                                                                         _mm256_sad_epu8(oppose[i], zero)));
            }
            store_row_sums(sums, 0, out + q * out_stride + b * EQ_BLOCK_ROWS);
        }
    }
}

// A dword of 4 bytes (b0 b1 b2 b3, b0 lowest) as two pairs of 16-bit lanes: (b0, b2) and (b1, b3),
// so that `vpmaddwd` against the query pairs (q0, q2) and (q1, q3) gives exact 32-bit sums.
static inline int32_t pair16(int a, int b) { return (int32_t)(((uint32_t)(uint16_t)(int16_t)a) | ((uint32_t)(uint16_t)(int16_t)b << 16)); }

SEARCH256 void eq_dot_u8s8_blocks_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                       const int8_t *queries, int64_t nq, const int32_t *bias,
                                       int32_t *out, int64_t out_stride) {
    const __m256i low_bytes = _mm256_set1_epi32(0x00FF00FF);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const int8_t *query = queries + q * words * 4;
            __m256i acc0 = bias ? _mm256_loadu_si256((const __m256i *)(bias + b * EQ_BLOCK_ROWS)) : _mm256_setzero_si256();
            __m256i acc1 = bias ? _mm256_loadu_si256((const __m256i *)(bias + b * EQ_BLOCK_ROWS + 8)) : _mm256_setzero_si256();
            for (int64_t w = 0; w < words; w++) {
                const int8_t *qw = query + w * 4;
                const __m256i even_q = _mm256_set1_epi32(pair16(qw[0], qw[2]));
                const __m256i odd_q = _mm256_set1_epi32(pair16(qw[1], qw[3]));
                const __m256i v0 = _mm256_loadu_si256((const __m256i *)(block + w * EQ_BLOCK_ROWS * 4));
                const __m256i v1 = _mm256_loadu_si256((const __m256i *)(block + w * EQ_BLOCK_ROWS * 4 + 32));
                acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(_mm256_and_si256(v0, low_bytes), even_q));
                acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(_mm256_and_si256(_mm256_srli_epi32(v0, 8), low_bytes), odd_q));
                acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(_mm256_and_si256(v1, low_bytes), even_q));
                acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(_mm256_and_si256(_mm256_srli_epi32(v1, 8), low_bytes), odd_q));
            }
            _mm256_storeu_si256((__m256i *)(out + q * out_stride + b * EQ_BLOCK_ROWS), acc0);
            _mm256_storeu_si256((__m256i *)(out + q * out_stride + b * EQ_BLOCK_ROWS + 8), acc1);
        }
    }
}

SEARCH256 void eq_dot_u4_blocks_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                     const int8_t *queries, int64_t nq, int32_t *out, int64_t out_stride) {
    const __m256i low_bytes = _mm256_set1_epi32(0x00FF00FF);
    const __m256i nibbles = _mm256_set1_epi8(0x0F);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * EQ_BLOCK_ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const int8_t *query = queries + q * words * 8;
            __m256i acc[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
            for (int64_t w = 0; w < words; w++) {
                const int8_t *hi_q = query + w * 8;
                const int8_t *lo_q = hi_q + 4;
                const __m256i hi_even = _mm256_set1_epi32(pair16(hi_q[0], hi_q[2]));
                const __m256i hi_odd = _mm256_set1_epi32(pair16(hi_q[1], hi_q[3]));
                const __m256i lo_even = _mm256_set1_epi32(pair16(lo_q[0], lo_q[2]));
                const __m256i lo_odd = _mm256_set1_epi32(pair16(lo_q[1], lo_q[3]));
                for (int half = 0; half < 2; half++) {
                    const __m256i v = _mm256_loadu_si256((const __m256i *)(block + w * EQ_BLOCK_ROWS * 4 + half * 32));
                    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibbles);
                    const __m256i lo = _mm256_and_si256(v, nibbles);
                    __m256i sum = _mm256_madd_epi16(_mm256_and_si256(hi, low_bytes), hi_even);
                    sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_and_si256(_mm256_srli_epi32(hi, 8), low_bytes), hi_odd));
                    sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_and_si256(lo, low_bytes), lo_even));
                    sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_and_si256(_mm256_srli_epi32(lo, 8), low_bytes), lo_odd));
                    acc[half] = _mm256_add_epi32(acc[half], sum);
                }
            }
            _mm256_storeu_si256((__m256i *)(out + q * out_stride + b * EQ_BLOCK_ROWS), acc[0]);
            _mm256_storeu_si256((__m256i *)(out + q * out_stride + b * EQ_BLOCK_ROWS + 8), acc[1]);
        }
    }
}

static inline __attribute__((always_inline)) SEARCH256 __m256 load_float8(const void *blocks, int format, int64_t index) {
    if (format == 0) return _mm256_loadu_ps((const float *)blocks + index);
    const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)blocks + index));
    if (format == 1) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

SEARCH256 void eq_dot_float_blocks_avx2(const void *blocks, int64_t nblocks, int64_t dim, int format,
                                        const float *queries, int64_t nq, float *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const int64_t base = b * dim * EQ_BLOCK_ROWS;
        int64_t q = 0;
        for (; q + 2 <= nq; q += 2) {
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
            const float *q0 = queries + q * dim, *q1 = q0 + dim;
            for (int64_t j = 0; j < dim; j++) {
                const __m256 lo = load_float8(blocks, format, base + j * EQ_BLOCK_ROWS);
                const __m256 hi = load_float8(blocks, format, base + j * EQ_BLOCK_ROWS + 8);
                const __m256 x0 = _mm256_set1_ps(q0[j]), x1 = _mm256_set1_ps(q1[j]);
                a0 = _mm256_fmadd_ps(lo, x0, a0);
                a1 = _mm256_fmadd_ps(hi, x0, a1);
                c0 = _mm256_fmadd_ps(lo, x1, c0);
                c1 = _mm256_fmadd_ps(hi, x1, c1);
            }
            float *dst = out + q * out_stride + b * EQ_BLOCK_ROWS;
            _mm256_storeu_ps(dst, a0);
            _mm256_storeu_ps(dst + 8, a1);
            _mm256_storeu_ps(dst + out_stride, c0);
            _mm256_storeu_ps(dst + out_stride + 8, c1);
        }
        for (; q < nq; q++) {
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            const float *q0 = queries + q * dim;
            for (int64_t j = 0; j < dim; j++) {
                const __m256 x0 = _mm256_set1_ps(q0[j]);
                a0 = _mm256_fmadd_ps(load_float8(blocks, format, base + j * EQ_BLOCK_ROWS), x0, a0);
                a1 = _mm256_fmadd_ps(load_float8(blocks, format, base + j * EQ_BLOCK_ROWS + 8), x0, a1);
            }
            float *dst = out + q * out_stride + b * EQ_BLOCK_ROWS;
            _mm256_storeu_ps(dst, a0);
            _mm256_storeu_ps(dst + 8, a1);
        }
    }
}

SEARCH256 int64_t eq_select_above_i32_avx2(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices) {
    const __m256i limit = _mm256_set1_epi32(threshold);
    int64_t count = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(
            _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)(keys + i)), limit)));
        while (mask) {
            indices[count++] = (int32_t)(i + __builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
    for (; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

SEARCH256 int64_t eq_select_above_f32_avx2(const float *keys, int64_t n, float threshold, int32_t *indices) {
    const __m256 limit = _mm256_set1_ps(threshold);
    int64_t count = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(keys + i), limit, _CMP_GT_OQ));
        while (mask) {
            indices[count++] = (int32_t)(i + __builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
    for (; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

#endif
