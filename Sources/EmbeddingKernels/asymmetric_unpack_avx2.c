// Asymmetric scans, AVX2: the unpacking of bit and ternary codes to one byte per dimension
// (AsymmetricKernels.h). One 64-bit word of 8 rows becomes 16 registers, one per 4 dimensions:
// the rows' 32-bit halves gathered in lane order, each byte spread over its lane, masked to its
// bit and clamped to 0 / 1. Equal to the portable variant byte for byte.
#if defined(__x86_64__)
#include <immintrin.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define TARGET __attribute__((target("avx2")))
#define ROWS EQ_BLOCK_ROWS

/// `vpshufb` control copying byte `k` of every 32-bit lane into all four of its bytes.
static TARGET inline __m256i spread_byte(int k) {
    const int lane = k * 0x01010101;
    return _mm256_setr_epi32(lane, lane + 0x04040404, lane + 0x08080808, lane + 0x0C0C0C0C, lane,
                             lane + 0x04040404, lane + 0x08080808, lane + 0x0C0C0C0C);
}

/// The 16 registers of one 64-bit word of 8 rows (`rows`: 8 × 8 bytes): register g holds
/// dimensions 4g … 4g + 3 of the 8 rows as bytes 0 / 1.
static TARGET inline void unpack_word(const uint8_t *rows, __m256i groups[16]) {
    const __m256i split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    // Rows 0-3 and 4-7, each as [low halves | high halves].
    const __m256i a = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)rows), split);
    const __m256i b = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(rows + 32)), split);
    const __m256i halves[2] = {_mm256_permute2x128_si256(a, b, 0x20), _mm256_permute2x128_si256(a, b, 0x31)};
    const __m256i high_bits = _mm256_set1_epi32(0x10204080), low_bits = _mm256_set1_epi32(0x01020408);
    const __m256i one = _mm256_set1_epi8(1);
    for (int k = 0; k < 8; k++) {
        const __m256i spread = _mm256_shuffle_epi8(halves[k / 4], spread_byte(k % 4));
        groups[2 * k] = _mm256_min_epu8(_mm256_and_si256(spread, high_bits), one);
        groups[2 * k + 1] = _mm256_min_epu8(_mm256_and_si256(spread, low_bits), one);
    }
}

TARGET void eq_asym_unpack_bits_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * words * 16 * ROWS * 4;
        for (int64_t w = 0; w < words; w++)
            for (int half = 0; half < 2; half++) {
                __m256i groups[16];
                unpack_word(block + (w * ROWS + 8 * half) * 8, groups);
                for (int g = 0; g < 16; g++)
                    _mm256_storeu_si256((__m256i *)(dst + ((w * 16 + g) * ROWS + 8 * half) * 4), groups[g]);
            }
    }
}

TARGET void eq_asym_unpack_ternary_avx2(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    const int64_t plane = words / 2;
    const __m256i one = _mm256_set1_epi8(1);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * plane * 16 * ROWS * 4;
        for (int64_t w = 0; w < plane; w++)
            for (int half = 0; half < 2; half++) {
                __m256i positive[16], negative[16];
                unpack_word(block + (w * ROWS + 8 * half) * 8, positive);
                unpack_word(block + ((plane + w) * ROWS + 8 * half) * 8, negative);
                for (int g = 0; g < 16; g++)
                    _mm256_storeu_si256((__m256i *)(dst + ((w * 16 + g) * ROWS + 8 * half) * 4),
                                        _mm256_sub_epi8(_mm256_add_epi8(positive[g], one), negative[g]));
            }
    }
}
#endif
