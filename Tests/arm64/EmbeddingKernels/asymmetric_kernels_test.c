// The asymmetric scan (`eq_asym_scan`) with every table the CPU has (capped by EMBEDQ_ISA: its
// unpacking and integer dot products) against the plain reference `eq_asym_score_reference`, bit
// for bit: formats U8 / U4 / ternary / bits, odd dimensions, 1 / 17 / 40 rows (padding rows in the
// last block), 1 and 3 queries, random bytes including set bits past the dimension and both ternary
// planes set, int8 weights over their whole range (−128 included), scales spanning six decades.
// The nibble-lookup scan of bit codes (`eq_asym_scan_lookup`) against its reference
// `eq_asym_lookup_score_reference`, bit for bit: random float weights from 1e-3 to 1e38 (some
// zero), and every bit set against equal positive / negative weights (the tables' extremes 0 and
// 120), at the same dimensions and up to 4,100 (past the 16-bit counters' folding), 1 / 17 / 40
// rows (an odd block count leaves half a lookup block). Fixed seed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "AsymmetricKernels.h"
#include "SearchKernels.h"
#include "driver.h"

static uint64_t state = 0xA5E77;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Row-major bytes of one row, word size and words per row of `format` at `dim`.
static void shape(int format, int64_t dim, int64_t *row_bytes, int64_t *word_bytes, int64_t *words) {
    const int64_t plane = (dim + 7) / 8;
    switch (format) {
    case EQ_ASYM_U8: *row_bytes = dim; *word_bytes = 4; *words = (dim + 3) / 4; break;
    case EQ_ASYM_U4: *row_bytes = (dim + 1) / 2; *word_bytes = 4; *words = ((dim + 1) / 2 + 3) / 4; break;
    case EQ_ASYM_TERNARY: *row_bytes = 2 * plane; *word_bytes = 8; *words = 2 * ((plane + 7) / 8); break;
    default: *row_bytes = plane; *word_bytes = 8; *words = (plane + 7) / 8; break;
    }
}

/// The blocked layout of `rows` row-major rows (SearchKernels.h; ternary planes padded apart).
static uint8_t *blocked(int format, int64_t dim, const uint8_t *codes, int64_t rows, int64_t *nblocks) {
    int64_t row_bytes, word_bytes, words;
    shape(format, dim, &row_bytes, &word_bytes, &words);
    *nblocks = (rows + EQ_BLOCK_ROWS - 1) / EQ_BLOCK_ROWS;
    const int64_t block_bytes = words * word_bytes * EQ_BLOCK_ROWS;
    uint8_t *out = calloc((size_t)(*nblocks * block_bytes + 64), 1);
    const int64_t plane = (dim + 7) / 8, plane_words = words / 2;
    for (int64_t r = 0; r < rows; r++) {
        const uint8_t *row = codes + r * row_bytes;
        uint8_t *block = out + (r / EQ_BLOCK_ROWS) * block_bytes;
        for (int64_t w = 0; w < words; w++) {
            uint8_t *slot = block + (w * EQ_BLOCK_ROWS + r % EQ_BLOCK_ROWS) * word_bytes;
            for (int64_t i = 0; i < word_bytes; i++) {
                int64_t at = w * word_bytes + i, limit = row_bytes;
                const uint8_t *source = row;
                if (format == EQ_ASYM_TERNARY) {
                    const int negative = w >= plane_words;
                    at = (w - (negative ? plane_words : 0)) * 8 + i;
                    source = row + (negative ? plane : 0);
                    limit = plane;
                }
                slot[i] = at < limit ? source[at] : 0;
            }
        }
    }
    return out;
}

/// The query words of `nq` queries of int8 weights (`dim` each, dimension order), as
/// AsymmetricKernels.h lays them out for `format`: zero-padded, the 4-bit format's words split
/// into their even-dimension (high-nibble) and odd-dimension (low-nibble) halves.
static int8_t *query_layout(int format, int64_t dim, const int8_t *weights, int64_t nq, int64_t query_words) {
    int8_t *out = calloc((size_t)(nq * query_words * 4 + 1), 1);
    for (int64_t q = 0; q < nq; q++) {
        int8_t *query = out + q * query_words * 4;
        for (int64_t j = 0; j < dim; j++) {
            const int64_t at = format == EQ_ASYM_U4 ? (j / 8) * 8 + (j % 2) * 4 + (j % 8) / 2 : j;
            query[at] = weights[q * dim + j];
        }
    }
    return out;
}

/// The nibble-lookup scan with `table` against its reference; returns the failures (at most 10
/// printed) and adds the checks to `checks`.
static int lookup_checks(const eq_kernel_table *table, const int64_t *dims, size_t dim_count, const int64_t *row_counts,
                         size_t row_count_count, int *checks) {
    int failures = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (size_t di = 0; di < dim_count; di++) {
            for (size_t ri = 0; ri < row_count_count; ri++) {
                const int64_t dim = dims[di], rows = row_counts[ri], nq = 3;
                int64_t row_bytes, word_bytes, words, nblocks;
                shape(EQ_ASYM_BITS, dim, &row_bytes, &word_bytes, &words);
                uint8_t *codes = malloc((size_t)(rows * row_bytes + 1));
                for (int64_t i = 0; i < rows * row_bytes; i++) codes[i] = kind == 1 ? 0xFF : (uint8_t)next();
                uint8_t *blocks = blocked(EQ_ASYM_BITS, dim, codes, rows, &nblocks);
                const int64_t table_bytes = eq_asym_lookup_table_bytes(words);
                uint8_t *tables = malloc((size_t)(nq * table_bytes));
                float *weights = malloc(sizeof(float) * (size_t)dim);
                float scales[3], constants[3];
                for (int64_t q = 0; q < nq; q++) {
                    const float magnitude = (float[]){1e-3f, 1.0f, 1e3f, 1e38f}[next() % 4];
                    for (int64_t j = 0; j < dim; j++) {
                        if (kind == 1) weights[j] = q == 1 ? -0.25f : 0.25f;  // entries 120 (q 0, 2) and 0 (q 1)
                        else weights[j] = next() % 7 == 0 ? 0.0f : magnitude * ((float)(next() % 2001) / 1000.0f - 1.0f);
                    }
                    scales[q] = 2 * eq_asym_lookup_tables(weights, dim, words, tables + q * table_bytes);
                    constants[q] = (float)(next() % 2001) / 100.0f - 10.0f;
                }
                uint8_t *scratch = aligned_alloc(64, (size_t)eq_asym_lookup_scratch_bytes(words) + 64);
                const int64_t stride = nblocks * EQ_BLOCK_ROWS + 5;
                float *out = malloc(sizeof(float) * (size_t)(nq * stride));
                eq_asym_scan_lookup(table, blocks, nblocks, words, tables, scales, constants, nq, out, stride, scratch);
                for (int64_t q = 0; q < nq; q++) {
                    for (int64_t r = 0; r < rows; r++, (*checks)++) {
                        const float want = eq_asym_lookup_score_reference(codes + r * row_bytes, dim, tables + q * table_bytes,
                                                                          scales[q], constants[q]);
                        const float got = out[q * stride + r];
                        if (memcmp(&want, &got, sizeof want) != 0 && failures++ < 10)
                            printf("asymmetric lookup %s d=%lld rows=%lld q=%lld row %lld: %.9g != %.9g\n", table->asym_lookup_isa,
                                   (long long)dim, (long long)rows, (long long)q, (long long)r, got, want);
                    }
                }
                free(codes);
                free(blocks);
                free(tables);
                free(weights);
                free(scratch);
                free(out);
            }
        }
    }
    return failures;
}

int asymmetric_kernels_test(void) {
    static const char *names[] = {"u8", "u4", "ternary", "bits"};
    const int64_t dims[] = {1, 7, 13, 63, 64, 65, 383, 384, 385, 4100};
    const int64_t row_counts[] = {1, 17, 40};
    int failures = 0, checks = 0;
    eq_kernel_table tables[8];
    const char *levels[8];
    const int variants = driver_tables(tables, levels, 8);
    for (int v = 0; v < variants; v++) {
        const eq_kernel_table *table = &tables[v];
        int table_failures = 0;
        for (int format = 0; format < EQ_ASYM_FORMAT_COUNT; format++) {
            for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
                for (size_t ri = 0; ri < sizeof row_counts / sizeof row_counts[0]; ri++) {
                    const int64_t dim = dims[di], rows = row_counts[ri], nq = 3;
                    int64_t row_bytes, word_bytes, words, nblocks;
                    shape(format, dim, &row_bytes, &word_bytes, &words);
                    uint8_t *codes = malloc((size_t)(rows * row_bytes + 1));
                    for (int64_t i = 0; i < rows * row_bytes; i++) codes[i] = (uint8_t)next();
                    uint8_t *blocks = blocked(format, dim, codes, rows, &nblocks);
                    int8_t *weights = malloc((size_t)(nq * dim));
                    float scales[3], constants[3];
                    for (int64_t i = 0; i < nq * dim; i++) weights[i] = (int8_t)next();
                    for (int q = 0; q < nq; q++) {
                        scales[q] = (float[]){1e-3f, 1e-1f, 1.0f, 10.0f, 1e3f}[next() % 5] * (float)(next() % 1000 + 1) / 1000.0f;
                        constants[q] = (float)(next() % 2001) / 100.0f - 10.0f;
                    }
                    const int64_t query_words = eq_asym_query_words(format, words);
                    int8_t *queries = query_layout(format, dim, weights, nq, query_words);
                    uint8_t *scratch = malloc((size_t)eq_asym_scratch_bytes(format, words) + 1);
                    const int64_t stride = nblocks * EQ_BLOCK_ROWS + 5;
                    float *out = malloc(sizeof(float) * (size_t)(nq * stride));
                    // One query, then all three at once (each block is scored for every query).
                    eq_asym_scan(table, format, blocks, nblocks, words, queries, scales, constants, 1, out, stride, scratch);
                    eq_asym_scan(table, format, blocks, nblocks, words, queries, scales, constants, nq, out, stride, scratch);
                    for (int64_t q = 0; q < nq; q++) {
                        for (int64_t r = 0; r < rows; r++, checks++) {
                            const float want = eq_asym_score_reference(format, codes + r * row_bytes, dim, weights + q * dim,
                                                                       scales[q], constants[q], 0);
                            const float got = out[q * stride + r];
                            if (memcmp(&want, &got, sizeof want) != 0 && table_failures++ < 10)
                                printf("asymmetric %s %s d=%lld rows=%lld q=%lld row %lld: %.9g != %.9g\n", table->asym_isa,
                                       names[format], (long long)dim, (long long)rows, (long long)q, (long long)r, got, want);
                        }
                    }
                    free(codes);
                    free(blocks);
                    free(weights);
                    free(queries);
                    free(scratch);
                    free(out);
                }
            }
        }
        table_failures += lookup_checks(table, dims, sizeof dims / sizeof dims[0], row_counts,
                                        sizeof row_counts / sizeof row_counts[0], &checks);
        failures += table_failures;
        if (table_failures == 0) printf("asymmetric %s, lookups %s (level %s): ok\n", table->asym_isa, table->asym_lookup_isa, levels[v]);
    }
    printf("asymmetric: %d passed, %d failed (%d variants)\n", checks - failures, failures, variants);
    return failures != 0;
}
