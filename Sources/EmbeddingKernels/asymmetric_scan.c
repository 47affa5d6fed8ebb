// The asymmetric scans (AsymmetricKernels.h): unpack a few blocks of bit codes when the format
// needs it, score them with the table's integer dot products, turn the sums into scores; and the
// nibble-lookup scan of bit codes (its tables, its scan). Written once:
// the instruction sets differ only in the table's kernels.
#include <math.h>
#include <string.h>

#include "EmbeddingKernels.h"

#pragma STDC FP_CONTRACT OFF

/// Blocks unpacked (and converted) per step: 8 × 16 rows stay in L1 / L2 at common dimensions.
enum { CHUNK_BLOCKS = 8 };

static int unpacks(int format) { return format == EQ_ASYM_TERNARY || format == EQ_ASYM_BITS; }

/// 4-byte unpacked words per row of `words` stored 8-byte words.
static int64_t unpacked_words(int format, int64_t words) {
    return (format == EQ_ASYM_TERNARY ? words / 2 : words) * 16;
}

int64_t eq_asym_query_words(int format, int64_t words) {
    switch (format) {
    case EQ_ASYM_U8: return words;
    case EQ_ASYM_U4: return 2 * words;
    default: return unpacked_words(format, words);
    }
}

static void finish_scores(float *out, int64_t out_stride, int64_t nq, int64_t rows, int32_t offset,
                          const float *scales, const float *constants);

/// Bytes of the nibble-lookup tables of one query (two 16-byte tables per code byte).
static int64_t lookup_table_bytes(int64_t words) { return 8 * words * 32; }

int64_t eq_asym_scratch_bytes(int format, int64_t words) {
    return unpacks(format) ? CHUNK_BLOCKS * unpacked_words(format, words) * EQ_BLOCK_ROWS * 4 : 0;
}

int64_t eq_asym_lookup_table_bytes(int64_t words) { return lookup_table_bytes(words); }

int64_t eq_asym_lookup_scratch_bytes(int64_t words) { return 1024 * words; }

float eq_asym_lookup_tables(const float *weights, int64_t dim, int64_t words, uint8_t *tables) {
    const int64_t groups = 16 * words;
    // The step: the largest sum of one nibble's positive weights, or of its negative ones, is 60
    // (sums in double: four float weights never overflow it).
    double largest = 0;
    for (int64_t g = 0; g < groups; g++) {
        double positive = 0, negative = 0;
        for (int64_t t = 4 * g; t < 4 * g + 4 && t < dim; t++) {
            if (weights[t] > 0) positive += weights[t];
            else negative -= weights[t];
        }
        if (positive > largest) largest = positive;
        if (negative > largest) largest = negative;
    }
    const double step = largest / 60;
    for (int64_t g = 0; g < groups; g++) {
        double w[4] = {0, 0, 0, 0};
        for (int t = 0; t < 4 && 4 * g + t < dim; t++) w[t] = weights[4 * g + t];
        // Group g: the high (even g) or low nibble of code byte g / 2.
        uint8_t *entries = tables + eq_lookup_table_offset(g / 2, (int)(g & 1));
        for (int n = 0; n < 16; n++) {
            // Bit 3 of n: the nibble's first dimension.
            const double sum = (n & 8 ? w[0] : 0) + (n & 4 ? w[1] : 0) + (n & 2 ? w[2] : 0) + (n & 1 ? w[3] : 0);
            double units = step > 0 ? nearbyint(sum / step) : 0;
            units = units > 60 ? 60 : (units < -60 ? -60 : units);
            entries[n] = (uint8_t)(60 + (int)units);
        }
    }
    return (float)step;
}

void eq_asym_scan_lookup(const eq_kernel_table *table, const uint8_t *blocks, int64_t nblocks, int64_t words,
                         const uint8_t *tables, const float *scales, const float *constants, int64_t nq, float *out,
                         int64_t out_stride, uint8_t *scratch) {
    const eq_lookup_finish finish = {EQ_LOOKUP_AFFINE, (int32_t)(120 * 8 * words), scales, constants, 0, 0};
    table->asym_lookup_bits(blocks, nblocks, words, tables, nq, &finish, out, out_stride, scratch);
}

/// `Float(I) · scale + constant` in place over the `rows` int32 sums of each query, `I` being the
/// stored sum less `offset`.
static void finish_scores(float *out, int64_t out_stride, int64_t nq, int64_t rows, int32_t offset,
                          const float *scales, const float *constants) {
    for (int64_t q = 0; q < nq; q++) {
        float *row = out + q * out_stride;
        const float scale = scales[q], constant = constants[q];
        for (int64_t r = 0; r < rows; r++) {
            int32_t sum;
            memcpy(&sum, row + r, 4);
            const float product = (float)(int32_t)((uint32_t)sum - (uint32_t)offset) * scale;
            row[r] = product + constant;
        }
    }
}

void eq_asym_scan(const eq_kernel_table *table, int format, const uint8_t *blocks, int64_t nblocks, int64_t words,
                  const int8_t *queries, const float *scales, const float *constants, int64_t nq, float *out,
                  int64_t out_stride, uint8_t *scratch) {
    const int64_t stored_block = words * EQ_BLOCK_ROWS * (format == EQ_ASYM_U8 || format == EQ_ASYM_U4 ? 4 : 8);
    const int64_t qwords = eq_asym_query_words(format, words);
    for (int64_t first = 0; first < nblocks; first += CHUNK_BLOCKS) {
        const int64_t count = nblocks - first < CHUNK_BLOCKS ? nblocks - first : CHUNK_BLOCKS;
        const uint8_t *chunk = blocks + first * stored_block;
        // The integer sums land in `out` itself (as int32), then become scores in place.
        int32_t *sums = (int32_t *)(void *)(out + first * EQ_BLOCK_ROWS);
        switch (format) {
        case EQ_ASYM_U8: table->dot_u8s8_blocks(chunk, count, words, queries, nq, 0, sums, out_stride); break;
        case EQ_ASYM_U4: table->dot_u4_blocks(chunk, count, words, queries, nq, sums, out_stride); break;
        default:
            (format == EQ_ASYM_BITS ? table->asym_unpack_bits : table->asym_unpack_ternary)(chunk, count, words, scratch);
            table->dot_u8s8_blocks(scratch, count, qwords, queries, nq, 0, sums, out_stride);
            break;
        }
        finish_scores(out + first * EQ_BLOCK_ROWS, out_stride, nq, count * EQ_BLOCK_ROWS, 0, scales, constants);
    }
}
