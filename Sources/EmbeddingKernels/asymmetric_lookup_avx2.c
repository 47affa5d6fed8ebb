// Asymmetric scans, AVX2: the nibble-lookup sums of bit codes (AsymmetricKernels.h). Stored blocks
// are transposed with byte unpacks; then one ymm holds one code byte of the 32 rows of a lookup
// block, `vpshufb` looks up both nibbles in the query's two tables of that byte (at most 120 each,
// so their sum fits a byte), and the byte sums are widened into 16-bit counters (even and odd
// rows), folded into 32-bit sums every 256 bytes. Equal to the portable variant.
#if defined(__x86_64__)
#include <immintrin.h>

#include "AsymmetricKernels.h"
#include "asymmetric_lookup_internal.h"

#define TARGET __attribute__((target("avx2")))

/// Adds the 16-bit counters of even rows (`even`, lane m: row 2m of its 128-bit half) and odd
/// rows to the 32 sums.
static TARGET inline void fold(__m256i even, __m256i odd, int32_t *sums) {
    const __m256i low = _mm256_unpacklo_epi16(even, odd), high = _mm256_unpackhi_epi16(even, odd);
    const __m128i parts[4] = {_mm256_castsi256_si128(low), _mm256_castsi256_si128(high),
                              _mm256_extracti128_si256(low, 1), _mm256_extracti128_si256(high, 1)};
    for (int i = 0; i < 4; i++) {
        __m256i *at = (__m256i *)(void *)(sums + 8 * i);
        _mm256_storeu_si256(at, _mm256_add_epi32(_mm256_loadu_si256(at), _mm256_cvtepu16_epi32(parts[i])));
    }
}

/// `eq_lookup_transpose` by byte unpacking: per stored word, 16 rows × 8 bytes become 8 × 16 in
/// four rounds of `punpck` (bytes, words, dwords, qwords).
static TARGET inline void transpose(const uint8_t *blocks, int64_t words, int halves, uint8_t *out) {
    const int64_t stored = words * EQ_BLOCK_ROWS * 8;
    for (int h = 0; h < 2; h++) {
        for (int64_t w = 0; w < words; w++) {
            uint8_t *dst = out + w * 8 * EQ_LOOKUP_ROWS + h * EQ_BLOCK_ROWS;
            if (h >= halves) {
                for (int i = 0; i < 8; i++) _mm_storeu_si128((__m128i *)(void *)(dst + i * EQ_LOOKUP_ROWS), _mm_setzero_si128());
                continue;
            }
            const uint8_t *src = blocks + h * stored + w * EQ_BLOCK_ROWS * 8;
            __m128i a[8], b[8], c[8];
            for (int k = 0; k < 8; k++)  // rows 2k, 2k + 1: (b0 b0 b1 b1 … b7 b7)
                a[k] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)(src + 16 * k)),
                                         _mm_loadl_epi64((const __m128i *)(const void *)(src + 16 * k + 8)));
            for (int k = 0; k < 4; k++) {  // rows 4k … 4k + 3: bytes 0–3, then bytes 4–7
                b[2 * k] = _mm_unpacklo_epi16(a[2 * k], a[2 * k + 1]);
                b[2 * k + 1] = _mm_unpackhi_epi16(a[2 * k], a[2 * k + 1]);
            }
            for (int k = 0; k < 2; k++) {  // rows 8k … 8k + 7: bytes (0, 1), (2, 3), (4, 5), (6, 7)
                for (int half = 0; half < 2; half++) {
                    c[4 * k + 2 * half] = _mm_unpacklo_epi32(b[4 * k + half], b[4 * k + 2 + half]);
                    c[4 * k + 2 * half + 1] = _mm_unpackhi_epi32(b[4 * k + half], b[4 * k + 2 + half]);
                }
            }
            for (int pair = 0; pair < 4; pair++) {  // bytes 2·pair and 2·pair + 1 of rows 0 … 15
                _mm_storeu_si128((__m128i *)(void *)(dst + 2 * pair * EQ_LOOKUP_ROWS), _mm_unpacklo_epi64(c[pair], c[4 + pair]));
                _mm_storeu_si128((__m128i *)(void *)(dst + (2 * pair + 1) * EQ_LOOKUP_ROWS), _mm_unpackhi_epi64(c[pair], c[4 + pair]));
            }
        }
    }
}

TARGET void eq_asym_lookup_bits_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                                     int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,
                                     uint8_t *scratch) {
    enum { FOLD = 256 };
    const int64_t bytes = 8 * words;
    const __m256i nibble = _mm256_set1_epi8(0x0F), low_bytes = _mm256_set1_epi16(0x00FF);
    for (int64_t b = 0; b < nblocks; b += 2) {
        const int halves = nblocks - b >= 2 ? 2 : 1;
        transpose(blocks + b * words * EQ_BLOCK_ROWS * 8, words, halves, scratch);
        for (int64_t q = 0; q < nq; q++) {
            const uint8_t *table = tables + q * bytes * 32;
            int32_t sums[EQ_LOOKUP_ROWS] = {0};
            for (int64_t start = 0; start < bytes; start += FOLD) {
                const int64_t end = bytes - start > FOLD ? start + FOLD : bytes;
                __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
                for (int64_t k = start; k < end; k++) {
                    const __m256i x = _mm256_loadu_si256((const __m256i *)(scratch + k * EQ_LOOKUP_ROWS));
                    const __m256i high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + eq_lookup_table_offset(k, 0))));
                    const __m256i low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + eq_lookup_table_offset(k, 1))));
                    const __m256i s = _mm256_add_epi8(
                        _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)),
                        _mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble)));
                    even = _mm256_add_epi16(even, _mm256_and_si256(s, low_bytes));
                    odd = _mm256_add_epi16(odd, _mm256_srli_epi16(s, 8));
                }
                fold(even, odd, sums);
            }
            eq_lookup_finish_rows(finish, sums, halves * EQ_BLOCK_ROWS, q, b * EQ_BLOCK_ROWS, out + q * out_stride, out);
        }
    }
}
#endif
