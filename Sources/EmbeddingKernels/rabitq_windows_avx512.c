// The 1-bit RaBitQ lookup scan over 7-bit windows, AVX-512 VBMI (RaBitQKernels.h, "Windows").
//
// The nibble kernel (asymmetric_lookup_avx512.c) looks up 4 code bits per byte lane, because the
// other 3 index bits of its `vpermi2b` pick the byte's position in the word. Here every byte lane
// of a register is one row and every lane reads the same window, so all 7 index bits are code
// bits: 60 lookups cover a 384-bit row instead of 96. The price is a transposition, done once per
// 64 rows for every query of the call (`make_windows`), and 16-bit sums: two windows' entries (at
// most 2 · 7 · 15 = 210 with 4-bit queries) are added as bytes, then into two 16-bit
// accumulators, one of the whole 16-bit lanes and one of their high bytes, which give the even
// and the odd rows' sums exactly (below 65,536: at most 64 · `plane_words` · 15).
//
// Windows: each 64-bit word (bits read little-endian, bit p of the word is dimension 64w + 8(p/8)
// + 7 − p%8) is cut at bits 0, 7, 14, 21, 28 (7 bits each) and 34, 40, 46, 52, 58 (6 bits each);
// `vpmultishiftqb` extracts the 8 bits from each start, and the table of a 6-bit window repeats
// itself for the stray 7th index bit (`vpermi2b` ignores the 8th). Equal, bit for bit, to the
// nibble kernels (the sums are exact integers; the finishing step is theirs).
#if defined(__x86_64__)
#include <immintrin.h>

#include "EmbeddingKernels.h"
#include "lookup_finish_avx512.h"
#include "rabitq_windows_internal.h"

#pragma STDC FP_CONTRACT OFF

#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi")))
#define INLINE static inline __attribute__((always_inline)) TARGET

/// Stored blocks per group of 64 rows (one byte lane each).
enum { GROUP_BLOCKS = 4, GROUP_ROWS = GROUP_BLOCKS * EQ_RABITQ_BLOCK_ROWS };

/// Writes the window indices of one group of `count` (1 … 4) stored blocks to `idx`
/// (EQ_RABITQ_WINDOWS · `words` registers): register w · 10 + g holds window g of word w, byte
/// 2j of row j and byte 2j + 1 of row 32 + j (so that the even and odd 16-bit halves of the sums
/// are rows 0–31 and 32–63). Rows of missing blocks read 0 (their entries are 0).
INLINE void make_windows(const uint8_t *blocks, int count, int64_t words, __m512i *idx) {
    const int64_t stored = words * EQ_RABITQ_BLOCK_ROWS * 8;
    // Window starts of each 64-bit lane, byte j for window j (then 8 and 9).
    const __m512i starts_low = _mm512_set1_epi64(0x2E28221C150E0700LL);
    const __m512i starts_high = _mm512_set1_epi64(0x3A34LL);
    // Byte r·8 + j (row r, window j) to j·8 + r; and the group's row order (above).
    const __m512i transpose = _mm512_set_epi64(0x3F372F271F170F07LL, 0x3E362E261E160E06LL, 0x3D352D251D150D05LL,
                                               0x3C342C241C140C04LL, 0x3B332B231B130B03LL, 0x3A322A221A120A02LL,
                                               0x3931292119110901LL, 0x3830282018100800LL);
    const __m512i interleave = _mm512_set_epi64(0x3F1F3E1E3D1D3C1CLL, 0x3B1B3A1A39193818LL, 0x3717361635153414LL,
                                                0x3313321231113010LL, 0x2F0F2E0E2D0D2C0CLL, 0x2B0B2A0A29092808LL,
                                                0x2707260625052404LL, 0x2303220221012000LL);
    for (int64_t w = 0; w < words; w++) {
        // low[k], high[k]: rows 8k … 8k + 7, qword j = window j (high: 8 + j) of those 8 rows.
        __m512i low[8], high[8];
        for (int k = 0; k < 8; k++) {
            const int b = k >> 1;
            const __m512i x = b < count
                                  ? _mm512_loadu_si512(blocks + b * stored + w * EQ_RABITQ_BLOCK_ROWS * 8 + 64 * (k & 1))
                                  : _mm512_setzero_si512();
            low[k] = _mm512_permutexvar_epi8(transpose, _mm512_multishift_epi64_epi8(starts_low, x));
            high[k] = _mm512_permutexvar_epi8(transpose, _mm512_multishift_epi64_epi8(starts_high, x));
        }
        // An 8 × 8 transposition of qwords: window j's register has qword k = low[k]'s qword j.
        __m512i u[8], v[8];
        for (int k = 0; k < 8; k += 2) {
            u[k] = _mm512_unpacklo_epi64(low[k], low[k + 1]);
            u[k + 1] = _mm512_unpackhi_epi64(low[k], low[k + 1]);
        }
        for (int k = 0; k < 8; k += 4) {
            for (int s = 0; s < 2; s++) {
                v[k + s] = _mm512_shuffle_i64x2(u[k + s], u[k + 2 + s], 0x88);
                v[k + 2 + s] = _mm512_shuffle_i64x2(u[k + s], u[k + 2 + s], 0xDD);
            }
        }
        __m512i *out = idx + w * EQ_RABITQ_WINDOWS;
        for (int s = 0; s < 4; s++) {
            out[s] = _mm512_permutexvar_epi8(interleave, _mm512_shuffle_i64x2(v[s], v[4 + s], 0x88));
            out[s + 4] = _mm512_permutexvar_epi8(interleave, _mm512_shuffle_i64x2(v[s], v[4 + s], 0xDD));
        }
        // Windows 8 and 9: qwords 0 and 1 of each high[k].
        __m512i even[4], odd[4];
        for (int k = 0; k < 8; k += 2) {
            even[k / 2] = _mm512_unpacklo_epi64(high[k], high[k + 1]);
            odd[k / 2] = _mm512_unpackhi_epi64(high[k], high[k + 1]);
        }
        const __m512i w8 = _mm512_shuffle_i64x2(_mm512_shuffle_i64x2(even[0], even[1], 0x00),
                                                _mm512_shuffle_i64x2(even[2], even[3], 0x00), 0x88);
        const __m512i w9 = _mm512_shuffle_i64x2(_mm512_shuffle_i64x2(odd[0], odd[1], 0x00),
                                                _mm512_shuffle_i64x2(odd[2], odd[3], 0x00), 0x88);
        out[8] = _mm512_permutexvar_epi8(interleave, w8);
        out[9] = _mm512_permutexvar_epi8(interleave, w9);
    }
}

/// Adds window pairs (g, g + 1) of `groups` (1 … GROUPS_PER_PASS) groups for the tables `t` of
/// one query into the accumulators; `windows` is even.
INLINE void add_windows(const __m512i *idx, int groups, int64_t windows, const uint8_t *t, __m512i *whole,
                        __m512i *high) {
    for (int64_t g = 0; g < windows; g += 2) {
        const __m512i t0 = _mm512_loadu_si512(t + g * 128), t1 = _mm512_loadu_si512(t + g * 128 + 64);
        const __m512i t2 = _mm512_loadu_si512(t + g * 128 + 128), t3 = _mm512_loadu_si512(t + g * 128 + 192);
        for (int s = 0; s < groups; s++) {
            const __m512i x = _mm512_add_epi8(_mm512_permutex2var_epi8(t0, idx[s * windows + g], t1),
                                              _mm512_permutex2var_epi8(t2, idx[s * windows + g + 1], t3));
            whole[s] = _mm512_add_epi16(whole[s], x);
            high[s] = _mm512_add_epi16(high[s], _mm512_srli_epi16(x, 8));
        }
    }
}

/// Groups of 64 rows whose indices are made together and scored per load of a query's tables.
enum { GROUPS_PER_PASS = 4 };

TARGET void eq_rabitq_windows_avx512(const uint64_t *codes, int64_t nblocks, int64_t plane_words,
                                     const uint8_t *tables, int64_t nq, const eq_lookup_finish *finish, float *out,
                                     int64_t stride, uint8_t *scratch) {
    const uint8_t *blocks = (const uint8_t *)codes;
    const int64_t stored = plane_words * EQ_RABITQ_BLOCK_ROWS * 8, windows = plane_words * EQ_RABITQ_WINDOWS;
    const int64_t table_bytes = eq_rabitq_window_table_bytes(plane_words);
    __m512i *idx = (__m512i *)(void *)scratch;
    const int64_t groups = (nblocks + GROUP_BLOCKS - 1) / GROUP_BLOCKS;
    for (int64_t first = 0; first < groups; first += GROUPS_PER_PASS) {
        const int pass = (int)(groups - first < GROUPS_PER_PASS ? groups - first : GROUPS_PER_PASS);
        for (int s = 0; s < pass; s++) {
            const int64_t block = (first + s) * GROUP_BLOCKS;
            const int count = (int)(nblocks - block < GROUP_BLOCKS ? nblocks - block : GROUP_BLOCKS);
            make_windows(blocks + block * stored, count, plane_words, idx + s * windows);
        }
        for (int64_t q = 0; q < nq; q++) {
            const lanes_finish lanes = finish_lanes(finish, q);
            __m512i whole[GROUPS_PER_PASS], high[GROUPS_PER_PASS];
            for (int s = 0; s < GROUPS_PER_PASS; s++) whole[s] = high[s] = _mm512_setzero_si512();
            // A full pass with the group count known at compile time (unrolled), else the rest.
            if (pass == GROUPS_PER_PASS) add_windows(idx, GROUPS_PER_PASS, windows, tables + q * table_bytes, whole, high);
            else add_windows(idx, pass, windows, tables + q * table_bytes, whole, high);
            for (int s = 0; s < pass; s++) {
                // Rows 0–31 in the low bytes of the 16-bit lanes, rows 32–63 in the high bytes.
                const __m512i odd = high[s];
                const __m512i even = _mm512_sub_epi16(whole[s], _mm512_slli_epi16(odd, 8));
                const __m512i parts[4] = {_mm512_cvtepu16_epi32(_mm512_castsi512_si256(even)),
                                          _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(even, 1)),
                                          _mm512_cvtepu16_epi32(_mm512_castsi512_si256(odd)),
                                          _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(odd, 1))};
                const int64_t block = (first + s) * GROUP_BLOCKS;
                const int64_t rows = (nblocks - block) * EQ_RABITQ_BLOCK_ROWS;
                for (int p = 0; p < 4; p++)
                    if (16 * p < rows)
                        finish_block(&lanes, parts[p], block * EQ_RABITQ_BLOCK_ROWS + 16 * p, out + q * stride, out);
            }
        }
    }
}
#endif
