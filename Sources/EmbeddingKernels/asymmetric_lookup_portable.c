// Asymmetric scans, portable C: the nibble-lookup sums of bit codes (AsymmetricKernels.h); also
// the reference the SIMD variants are tested against.
#include "AsymmetricKernels.h"
#include "asymmetric_lookup_internal.h"

void eq_asym_lookup_bits_portable(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                                  int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,
                                  uint8_t *scratch) {
    const int64_t bytes = 8 * words;
    for (int64_t b = 0; b < nblocks; b += 2) {
        const int halves = nblocks - b >= 2 ? 2 : 1;
        eq_lookup_transpose(blocks + b * words * EQ_BLOCK_ROWS * 8, words, halves, scratch);
        for (int64_t q = 0; q < nq; q++) {
            const uint8_t *table = tables + q * bytes * 32;
            int32_t sums[EQ_LOOKUP_ROWS] = {0};
            for (int64_t k = 0; k < bytes; k++) {
                const uint8_t *x = scratch + k * EQ_LOOKUP_ROWS;
                const uint8_t *high = table + eq_lookup_table_offset(k, 0), *low = table + eq_lookup_table_offset(k, 1);
                for (int r = 0; r < EQ_LOOKUP_ROWS; r++) sums[r] += high[x[r] >> 4] + low[x[r] & 0x0F];
            }
            eq_lookup_finish_rows(finish, sums, halves * EQ_BLOCK_ROWS, q, b * EQ_BLOCK_ROWS, out + q * out_stride, out);
        }
    }
}
