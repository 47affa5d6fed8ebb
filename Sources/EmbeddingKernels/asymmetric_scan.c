// The asymmetric scan (AsymmetricKernels.h): unpack a few blocks of bit codes when the format needs
// it, score them with the table's integer dot products, turn the sums into scores. Written once:
// the instruction sets differ only in the table's kernels.
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

int64_t eq_asym_scratch_bytes(int format, int64_t words) {
    return unpacks(format) ? CHUNK_BLOCKS * unpacked_words(format, words) * EQ_BLOCK_ROWS * 4 : 0;
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
        const int64_t rows = count * EQ_BLOCK_ROWS;
        for (int64_t q = 0; q < nq; q++) {
            float *row = out + q * out_stride + first * EQ_BLOCK_ROWS;
            const float scale = scales[q], constant = constants[q];
            for (int64_t r = 0; r < rows; r++) {
                int32_t sum;
                memcpy(&sum, row + r, 4);
                const float product = (float)sum * scale;
                row[r] = product + constant;
            }
        }
    }
}
