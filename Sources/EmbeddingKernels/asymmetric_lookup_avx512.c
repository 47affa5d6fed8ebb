// Asymmetric scans, AVX-512 VBMI + VNNI: the nibble-lookup sums of bit codes
// (AsymmetricKernels.h) read straight from the stored blocks, with no transposition. One zmm holds
// one 8-byte code word of 8 rows; the query's 8 high-nibble tables of that word (128 bytes) are
// two registers, its 8 low-nibble tables two more, so one `vpermi2b` looks up the high nibbles of
// all 64 bytes (index: nibble | 16 · byte position in the word) and one the low nibbles. Their
// byte sum (at most 240) goes into the row's two 32-bit lanes by `vpdpbusd` against ones. The
// indices of four blocks (64 rows) are made once into `scratch` and read by every query, and the
// four blocks share each load of a word's tables; each block is finished (`eq_lookup_finish`) on
// 16 lanes as soon as its sums are known. Equal to the portable variant.
#if defined(__x86_64__)
#include <immintrin.h>

#include "asymmetric_lookup_internal.h"
#include "lookup_finish_avx512.h"

#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vnni")))
#define INLINE static inline __attribute__((always_inline)) TARGET

/// Blocks scored per load of a word's tables.
enum { GROUP = 4 };

/// Writes the lookup indices of `count` (1 … GROUP) stored blocks from `blocks` to `indices`: per
/// word, per block, per half (8 rows), the high-nibble indices, then the low-nibble ones (each
/// nibble | 16 · the byte's position in its word), so that the queries share them.
INLINE void make_indices(const uint8_t *blocks, int count, int64_t words, __m512i *indices) {
    const __m512i nibble = _mm512_set1_epi8(0x0F), position = _mm512_set1_epi64(0x7060504030201000LL);
    const int64_t stored = words * EQ_BLOCK_ROWS * 8;
    for (int64_t w = 0; w < words; w++) {
        for (int g = 0; g < count; g++) {
            for (int h = 0; h < 2; h++) {
                const __m512i x = _mm512_loadu_si512(blocks + g * stored + w * EQ_BLOCK_ROWS * 8 + 64 * h);
                __m512i *at = indices + ((w * count + g) * 2 + h) * 2;
                // (a & b) | c: 0xEA.
                at[0] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(x, 4), nibble, position, 0xEA);
                at[1] = _mm512_ternarylogic_epi32(x, nibble, position, 0xEA);
            }
        }
    }
}

/// The sums of `count` (1 … GROUP) blocks whose indices `make_indices` wrote, for the query whose
/// tables are `table`: 16 per block from `out`.
INLINE void score_blocks(const __m512i *indices, const int count, int64_t words, const uint8_t *table,
                         const eq_lookup_finish *finish, int64_t q, int64_t first, float *out, const float *counts_row) {
    const __m512i ones = _mm512_set1_epi8(1);
    const lanes_finish lanes = finish_lanes(finish, q);
    __m512i acc[2 * GROUP];
    for (int i = 0; i < 2 * count; i++) acc[i] = _mm512_setzero_si512();
    for (int64_t w = 0; w < words; w++) {
        const uint8_t *t = table + w * 256;
        const __m512i high0 = _mm512_loadu_si512(t), high1 = _mm512_loadu_si512(t + 64);
        const __m512i low0 = _mm512_loadu_si512(t + 128), low1 = _mm512_loadu_si512(t + 192);
        const __m512i *at = indices + w * count * 4;
        for (int i = 0; i < 2 * count; i++) {
            // Lanes 2r, 2r + 1: row r's bytes 0–3 and 4–7 (at most 240 each before the sum).
            const __m512i sum = _mm512_add_epi8(_mm512_permutex2var_epi8(high0, at[2 * i], high1),
                                                _mm512_permutex2var_epi8(low0, at[2 * i + 1], low1));
            acc[i] = _mm512_dpbusd_epi32(acc[i], sum, ones);
        }
    }
    // Row r's two lanes (2r, 2r + 1 of the first register, then of the second) added.
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int g = 0; g < count; g++) {
        const __m512i sums = _mm512_add_epi32(_mm512_permutex2var_epi32(acc[2 * g], even, acc[2 * g + 1]),
                                              _mm512_permutex2var_epi32(acc[2 * g], odd, acc[2 * g + 1]));
        finish_block(&lanes, sums, first + g * EQ_BLOCK_ROWS, out, counts_row);
    }
}

TARGET void eq_asym_lookup_bits_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                                       int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,
                                       uint8_t *scratch) {
    const int64_t stored = words * EQ_BLOCK_ROWS * 8, table_bytes = 8 * words * 32;
    __m512i *indices = (__m512i *)(void *)scratch;
    for (int64_t b = 0; b < nblocks; b += GROUP) {
        if (nblocks - b >= GROUP) {
            make_indices(blocks + b * stored, GROUP, words, indices);
            for (int64_t q = 0; q < nq; q++)
                score_blocks(indices, GROUP, words, tables + q * table_bytes, finish, q, b * EQ_BLOCK_ROWS,
                             out + q * out_stride, out);
            continue;
        }
        for (int64_t g = b; g < nblocks; g++) {
            make_indices(blocks + g * stored, 1, words, indices);
            for (int64_t q = 0; q < nq; q++)
                score_blocks(indices, 1, words, tables + q * table_bytes, finish, q, g * EQ_BLOCK_ROWS,
                             out + q * out_stride, out);
        }
    }
}
#endif
