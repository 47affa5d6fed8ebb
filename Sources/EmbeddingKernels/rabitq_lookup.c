// The 1-bit RaBitQ scan by nibble lookups (RaBitQKernels.h, "Lookups"): the query's unsigned codes
// become the nibble-lookup tables of the asymmetric bit scan (AsymmetricKernels.h), so the
// table's `asym_lookup_bits` kernel computes Σ_i u_i w_i of many queries in one pass over the
// blocks, and one more table of ones computes Σ_i u_i. Written once: the instruction sets differ
// only in that kernel.
#include "EmbeddingKernels.h"

#pragma STDC FP_CONTRACT OFF

int64_t eq_rabitq_lookup_table_bytes(int64_t plane_words) { return eq_asym_lookup_table_bytes(plane_words); }

void eq_rabitq_lookup_tables(const uint8_t *codes, int64_t dimension, int64_t plane_words, uint8_t *tables) {
    for (int64_t g = 0; g < 16 * plane_words; g++) {
        // Group g: the high (even g) or low nibble of code byte g / 2; bit 3 of n is its first
        // dimension (bits most-significant first, as the planes are packed).
        uint8_t *entries = tables + eq_lookup_table_offset(g / 2, (int)(g & 1));
        for (int n = 0; n < 16; n++) {
            int sum = 0;
            for (int t = 0; t < 4; t++) {
                const int64_t i = 4 * g + t;
                if (i < dimension && ((n >> (3 - t)) & 1)) sum += codes ? codes[i] : 1;
            }
            entries[n] = (uint8_t)sum;
        }
    }
}

void eq_rabitq_scan_lookup(const struct eq_kernel_table_s *table, const uint64_t *blocks, int64_t nblocks,
                           int64_t plane_words, const uint8_t *tables, int64_t nq, const float *scales,
                           const float *deltas, const float *lows, const float *biases, float *estimates,
                           int64_t stride, uint8_t *scratch) {
    // Query q of the kernel is the caller's query q − 1 (0: the counting tables).
    const eq_lookup_finish finish = {EQ_LOOKUP_RABITQ, 0, deltas, biases, lows, scales};
    table->asym_lookup_bits((const uint8_t *)blocks, nblocks, plane_words, tables, nq + 1, &finish, estimates, stride,
                            scratch);
}
