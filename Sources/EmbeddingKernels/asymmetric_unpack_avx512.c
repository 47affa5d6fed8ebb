// Asymmetric scans, AVX-512 BW: the unpacking of bit and ternary codes to one byte per dimension
// (AsymmetricKernels.h). One 64-bit word of the 16 rows of a block becomes 16 registers, one per
// 4 dimensions: the rows' 32-bit halves gathered in lane order, each byte spread over its lane,
// masked to its bit and clamped to 0 / 1. Equal to the portable variant byte for byte.
#if defined(__x86_64__)
#include <immintrin.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2")))
#define ROWS EQ_BLOCK_ROWS

/// `vpshufb` control copying byte `k` of every 32-bit lane into all four of its bytes.
static TARGET inline __m512i spread_byte(int k) {
    const int lane = k * 0x01010101;
    return _mm512_broadcast_i32x4(_mm_setr_epi32(lane, lane + 0x04040404, lane + 0x08080808, lane + 0x0C0C0C0C));
}

/// The 16 registers of one 64-bit word of the block's 16 rows (`rows`: 16 × 8 bytes): register
/// g holds dimensions 4g … 4g + 3 of rows 0 … 15 as bytes 0 / 1.
static TARGET inline void unpack_word(const uint8_t *rows, __m512i groups[16]) {
    const __m512i a = _mm512_loadu_si512((const void *)rows), b = _mm512_loadu_si512((const void *)(rows + 64));
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i halves[2] = {_mm512_permutex2var_epi32(a, even, b),
                               _mm512_permutex2var_epi32(a, _mm512_add_epi32(even, _mm512_set1_epi32(1)), b)};
    const __m512i high_bits = _mm512_set1_epi32(0x10204080), low_bits = _mm512_set1_epi32(0x01020408);
    const __m512i one = _mm512_set1_epi8(1);
    for (int k = 0; k < 8; k++) {
        const __m512i spread = _mm512_shuffle_epi8(halves[k / 4], spread_byte(k % 4));
        groups[2 * k] = _mm512_min_epu8(_mm512_and_si512(spread, high_bits), one);
        groups[2 * k + 1] = _mm512_min_epu8(_mm512_and_si512(spread, low_bits), one);
    }
}

TARGET void eq_asym_unpack_bits_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * words * 16 * ROWS * 4;
        for (int64_t w = 0; w < words; w++) {
            __m512i groups[16];
            unpack_word(block + w * ROWS * 8, groups);
            for (int g = 0; g < 16; g++) _mm512_storeu_si512((void *)(dst + (w * 16 + g) * ROWS * 4), groups[g]);
        }
    }
}

TARGET void eq_asym_unpack_ternary_avx512(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    const int64_t plane = words / 2;
    const __m512i one = _mm512_set1_epi8(1);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * plane * 16 * ROWS * 4;
        for (int64_t w = 0; w < plane; w++) {
            __m512i positive[16], negative[16];
            unpack_word(block + w * ROWS * 8, positive);
            unpack_word(block + (plane + w) * ROWS * 8, negative);
            for (int g = 0; g < 16; g++)
                _mm512_storeu_si512((void *)(dst + (w * 16 + g) * ROWS * 4),
                                    _mm512_sub_epi8(_mm512_add_epi8(positive[g], one), negative[g]));
        }
    }
}
#endif
