// The 1-bit RaBitQ scan by lookups (RaBitQKernels.h, "Lookups"): the query's unsigned codes become
// lookup tables, and one pass over the blocks computes Σ_i u_i w_i of many queries, plus Σ_i u_i
// from one more table of ones. Two table layouts, chosen per kernel table: the nibble tables of
// the asymmetric bit scan (AsymmetricKernels.h; its `asym_lookup_bits` kernel, every instruction
// set), or the 7-bit window tables of `rabitq_windows` (AVX-512 VBMI) where the sums fit it.
#include "EmbeddingKernels.h"
#include "rabitq_windows_internal.h"

#pragma STDC FP_CONTRACT OFF

/// Whether `table` scans `query_bits`-bit queries over `plane_words`-word planes by windows: its
/// kernel exists, two entries fit a byte (4-bit queries: 2 · 7 · 15) and a row's sum fits 16 bits.
static int uses_windows(const eq_kernel_table *table, int64_t plane_words, int32_t query_bits) {
    return table->rabitq_windows != 0 && query_bits <= 4 && 64 * plane_words * 15 < 65536;
}

int64_t eq_rabitq_lookup_table_bytes(const eq_kernel_table *table, int64_t plane_words, int32_t query_bits) {
    return uses_windows(table, plane_words, query_bits) ? eq_rabitq_window_table_bytes(plane_words)
                                                        : eq_asym_lookup_table_bytes(plane_words);
}

int64_t eq_rabitq_lookup_scratch_bytes(const eq_kernel_table *table, int64_t plane_words, int32_t query_bits) {
    // Windows: the indices of 4 groups of 64 rows, one register per window.
    return uses_windows(table, plane_words, query_bits) ? 4 * plane_words * EQ_RABITQ_WINDOWS * 64
                                                        : eq_asym_lookup_scratch_bytes(plane_words);
}

/// Code w_i of dimension i (1 for the counting tables).
static int weight(const uint8_t *codes, int64_t i) { return codes ? codes[i] : 1; }

void eq_rabitq_lookup_tables(const eq_kernel_table *table, const uint8_t *codes, int64_t dimension,
                             int64_t plane_words, int32_t query_bits, uint8_t *tables) {
    if (uses_windows(table, plane_words, query_bits)) {
        for (int64_t w = 0; w < plane_words; w++) {
            for (int g = 0; g < EQ_RABITQ_WINDOWS; g++) {
                uint8_t *entries = tables + (w * EQ_RABITQ_WINDOWS + g) * 128;
                // Index bit t: bit start + t of the word, i.e. dimension 64w + 8·(p/8) + 7 − p%8
                // (bits most-significant first within a byte); bits past the window's own weigh 0.
                int weights[7] = {0, 0, 0, 0, 0, 0, 0};
                for (int t = 0; t < eq_rabitq_window_bits[g]; t++) {
                    const int p = eq_rabitq_window_start[g] + t;
                    const int64_t i = 64 * w + 8 * (p / 8) + 7 - p % 8;
                    if (i < dimension) weights[t] = weight(codes, i);
                }
                // Entry n: entry n less its lowest set bit, plus that bit's weight.
                entries[0] = 0;
                for (int n = 1; n < 128; n++) entries[n] = (uint8_t)(entries[n & (n - 1)] + weights[__builtin_ctz((unsigned)n)]);
            }
        }
        return;
    }
    for (int64_t g = 0; g < 16 * plane_words; g++) {
        // Group g: the high (even g) or low nibble of code byte g / 2; bit 3 of n is its first
        // dimension (bits most-significant first, as the planes are packed).
        uint8_t *entries = tables + eq_lookup_table_offset(g / 2, (int)(g & 1));
        for (int n = 0; n < 16; n++) {
            int sum = 0;
            for (int t = 0; t < 4; t++) {
                const int64_t i = 4 * g + t;
                if (i < dimension && ((n >> (3 - t)) & 1)) sum += weight(codes, i);
            }
            entries[n] = (uint8_t)sum;
        }
    }
}

void eq_rabitq_scan_lookup(const eq_kernel_table *table, const uint64_t *blocks, int64_t nblocks,
                           int64_t plane_words, int32_t query_bits, const uint8_t *tables, int64_t nq,
                           const float *scales, const float *deltas, const float *lows, const float *biases,
                           float *estimates, int64_t stride, uint8_t *scratch) {
    // Query q of the kernel is the caller's query q − 1 (0: the counting tables).
    const eq_lookup_finish finish = {EQ_LOOKUP_RABITQ, 0, deltas, biases, lows, scales};
    if (uses_windows(table, plane_words, query_bits)) {
        table->rabitq_windows(blocks, nblocks, plane_words, tables, nq + 1, &finish, estimates, stride, scratch);
        return;
    }
    table->asym_lookup_bits((const uint8_t *)blocks, nblocks, plane_words, tables, nq + 1, &finish, estimates, stride,
                            scratch);
}

const char *eq_rabitq_lookup_isa(const eq_kernel_table *table, int64_t plane_words, int32_t query_bits) {
    return uses_windows(table, plane_words, query_bits) ? table->rabitq_windows_isa : table->asym_lookup_isa;
}
