// Asymmetric scans, AVX2: the nibble-lookup sums of bit codes (AsymmetricKernels.h). One ymm holds
// one code byte of the 32 rows of a lookup block; `vpshufb` looks up both nibbles in the query's
// two tables of that byte (at most 120 each, so their sum fits a byte), and the byte sums are
// widened into 16-bit counters (even and odd rows), folded into 32-bit sums every 256 bytes.
// Equal to the portable variant.
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

TARGET void eq_asym_lookup_bits_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                                     int64_t nq, int32_t *out, int64_t out_stride, uint8_t *scratch) {
    enum { FOLD = 256 };
    const int64_t bytes = 8 * words;
    const __m256i nibble = _mm256_set1_epi8(0x0F), low_bytes = _mm256_set1_epi16(0x00FF);
    for (int64_t b = 0; b < nblocks; b += 2) {
        const int halves = nblocks - b >= 2 ? 2 : 1;
        eq_lookup_transpose(blocks + b * words * EQ_BLOCK_ROWS * 8, words, halves, scratch);
        for (int64_t q = 0; q < nq; q++) {
            const uint8_t *table = tables + q * bytes * 32;
            int32_t sums[EQ_LOOKUP_ROWS] = {0};
            for (int64_t start = 0; start < bytes; start += FOLD) {
                const int64_t end = bytes - start > FOLD ? start + FOLD : bytes;
                __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
                for (int64_t k = start; k < end; k++) {
                    const __m256i x = _mm256_loadu_si256((const __m256i *)(scratch + k * EQ_LOOKUP_ROWS));
                    const __m256i high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + k * 32)));
                    const __m256i low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + k * 32 + 16)));
                    const __m256i s = _mm256_add_epi8(
                        _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble)),
                        _mm256_shuffle_epi8(low, _mm256_and_si256(x, nibble)));
                    even = _mm256_add_epi16(even, _mm256_and_si256(s, low_bytes));
                    odd = _mm256_add_epi16(odd, _mm256_srli_epi16(s, 8));
                }
                fold(even, odd, sums);
            }
            eq_lookup_store(sums, halves, out + q * out_stride + b * EQ_BLOCK_ROWS);
        }
    }
}
#endif
