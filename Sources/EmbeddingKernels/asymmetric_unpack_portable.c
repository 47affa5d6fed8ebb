// Asymmetric scans, portable C: the unpacking of bit and ternary codes to one byte per dimension
// (AsymmetricKernels.h), by nibble lookups; also the reference the SIMD variants are tested against.
#include <string.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"

#define ROWS EQ_BLOCK_ROWS

/// The four bytes (0 / 1) of a nibble's bits, most significant first.
static const uint8_t nibble_bytes[16][4] = {
    {0, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}, {0, 0, 1, 1}, {0, 1, 0, 0}, {0, 1, 0, 1}, {0, 1, 1, 0}, {0, 1, 1, 1},
    {1, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 0}, {1, 1, 0, 1}, {1, 1, 1, 0}, {1, 1, 1, 1},
};

/// Nibble `g` (dimensions 4g … 4g + 3 of the word) of row `r` of word `w` of a block.
static inline unsigned nibble_at(const uint8_t *block, int64_t w, int r, int g) {
    const uint8_t byte = block[(w * ROWS + r) * 8 + g / 2];
    return g % 2 == 0 ? byte >> 4 : byte & 0x0F;
}

void eq_asym_unpack_bits_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * words * 16 * ROWS * 4;
        for (int64_t w = 0; w < words; w++)
            for (int g = 0; g < 16; g++)
                for (int r = 0; r < ROWS; r++)
                    memcpy(dst + ((w * 16 + g) * ROWS + r) * 4, nibble_bytes[nibble_at(block, w, r, g)], 4);
    }
}

void eq_asym_unpack_ternary_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out) {
    const int64_t plane = words / 2;
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 8;
        uint8_t *dst = out + b * plane * 16 * ROWS * 4;
        for (int64_t w = 0; w < plane; w++)
            for (int g = 0; g < 16; g++)
                for (int r = 0; r < ROWS; r++) {
                    const uint8_t *p = nibble_bytes[nibble_at(block, w, r, g)];
                    const uint8_t *n = nibble_bytes[nibble_at(block, plane + w, r, g)];
                    uint8_t *d = dst + ((w * 16 + g) * ROWS + r) * 4;
                    for (int t = 0; t < 4; t++) d[t] = (uint8_t)(1 + p[t] - n[t]);
                }
    }
}
