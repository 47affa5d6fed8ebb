// Asymmetric scans, NEON: the unpacking of bit and ternary codes to one byte per dimension
// (AsymmetricKernels.h). Per row and 64-bit word, each pair of bytes is spread over 16 lanes by a
// table lookup and tested against its bit; the four 4-byte groups go to their places in the
// unpacked block. Equal to the portable variant byte for byte.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define ROWS EQ_BLOCK_ROWS

/// Dimensions 16p … 16p + 15 of one 64-bit word (`word`: its 8 bytes in a register) as bytes 0 / 1.
static inline uint8x16_t unpack_pair(uint8x16_t word, int p) {
    static const uint8_t bits[16] = {0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01,
                                     0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01};
    const uint8_t a = (uint8_t)(2 * p), b = (uint8_t)(2 * p + 1);
    const uint8_t picks[16] = {a, a, a, a, a, a, a, a, b, b, b, b, b, b, b, b};
    const uint8x16_t spread = vqtbl1q_u8(word, vld1q_u8(picks));
    return vandq_u8(vtstq_u8(spread, vld1q_u8(bits)), vdupq_n_u8(1));
}

/// Stores the four 4-byte groups of `v` (dimensions 4g … 4g + 15) of row `r` in the unpacked block.
static inline void store_groups(uint8_t *dst, int64_t g, int r, uint8x16_t v) {
    const uint32x4_t lanes = vreinterpretq_u32_u8(v);
    vst1q_lane_u32((uint32_t *)(void *)(dst + ((g + 0) * ROWS + r) * 4), lanes, 0);
    vst1q_lane_u32((uint32_t *)(void *)(dst + ((g + 1) * ROWS + r) * 4), lanes, 1);
    vst1q_lane_u32((uint32_t *)(void *)(dst + ((g + 2) * ROWS + r) * 4), lanes, 2);
    vst1q_lane_u32((uint32_t *)(void *)(dst + ((g + 3) * ROWS + r) * 4), lanes, 3);
}

void eq_asym_unpack_bits_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * words * 16 * ROWS * 4;
        for (int64_t w = 0; w < words; w++)
            for (int r = 0; r < ROWS; r++) {
                const uint8x16_t word = vcombine_u8(vld1_u8(block + (w * ROWS + r) * 8), vdup_n_u8(0));
                for (int p = 0; p < 4; p++) store_groups(dst, w * 16 + 4 * p, r, unpack_pair(word, p));
            }
    }
}

void eq_asym_unpack_ternary_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    const int64_t plane = words / 2;
    const uint8x16_t one = vdupq_n_u8(1);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * plane * 16 * ROWS * 4;
        for (int64_t w = 0; w < plane; w++)
            for (int r = 0; r < ROWS; r++) {
                const uint8x16_t positive = vcombine_u8(vld1_u8(block + (w * ROWS + r) * 8), vdup_n_u8(0));
                const uint8x16_t negative = vcombine_u8(vld1_u8(block + ((plane + w) * ROWS + r) * 8), vdup_n_u8(0));
                for (int p = 0; p < 4; p++)
                    store_groups(dst, w * 16 + 4 * p, r,
                                 vsubq_u8(vaddq_u8(unpack_pair(positive, p), one), unpack_pair(negative, p)));
            }
    }
}
#endif
