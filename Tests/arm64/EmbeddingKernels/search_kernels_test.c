// Every search scan and selection variant the CPU has (one dispatch table per level, capped by
// EMBEDQ_ISA) against the portable variant, bit for bit: Hamming, ternary, u8×s8 (with and without
// row bias), 4-bit and float32 / float16 / bfloat16 dot scans at odd dimensions, 1 … 9 queries
// (every query tile size), output strides wider than the rows, and edge inputs (long rows that
// cross the NEON 16-bit accumulator chunks, extreme bytes, wrapping sums, NaN and ±inf floats);
// selection of int32 and float keys (NaN never above) at lengths around the vector widths.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static uint64_t state = 0x5EA2C;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int failures_in_table;

static void compare_i32(const char *what, const char *isa, int64_t d, int64_t nq, const int32_t *want,
                        const int32_t *got, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        if (want[i] != got[i]) {
            if (failures_in_table++ < 10)
                printf("search %s %s d=%lld nq=%lld at %lld: %d != %d\n", isa, what, (long long)d, (long long)nq,
                       (long long)i, got[i], want[i]);
            return;
        }
    }
}

static void compare_f32(const char *what, const char *isa, int64_t d, int64_t nq, const float *want,
                        const float *got, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        if (memcmp(&want[i], &got[i], 4) != 0 && !(isnan(want[i]) && isnan(got[i]))) {
            if (failures_in_table++ < 10)
                printf("search %s %s d=%lld nq=%lld at %lld: %.9g != %.9g\n", isa, what, (long long)d, (long long)nq,
                       (long long)i, got[i], want[i]);
            return;
        }
    }
}

/// Runs one integer scan of `table` and the portable one on the same inputs, compares all outputs.
#define CHECK_INT_SCAN(NAME, CALL_TABLE, CALL_PORTABLE)                                       \
    do {                                                                                      \
        for (int64_t i = 0; i < nq * stride; i++) want[i] = got[i] = 0x5A5A5A5A;              \
        CALL_PORTABLE;                                                                        \
        CALL_TABLE;                                                                           \
        compare_i32(NAME, isa, d, nq, want, got, nq * stride);                                \
        checks++;                                                                             \
    } while (0)

static int check_table(const eq_kernel_table *t, const char *level) {
    static const int64_t dims[] = {1, 7, 13, 63, 64, 65, 383, 384, 385, 1000};
    static const int64_t query_counts[] = {1, 2, 3, 4, 5, 9};
    const int64_t nblocks = 3, rows = nblocks * EQ_BLOCK_ROWS, stride = rows + 3;
    int checks = 0;
    failures_in_table = 0;
    int32_t *want = malloc(sizeof(int32_t) * 9 * (size_t)stride), *got = malloc(sizeof(int32_t) * 9 * (size_t)stride);
    float *fwant = malloc(sizeof(float) * 9 * (size_t)stride), *fgot = malloc(sizeof(float) * 9 * (size_t)stride);
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
        const int64_t d = dims[di];
        for (size_t qi = 0; qi < sizeof query_counts / sizeof query_counts[0]; qi++) {
            const int64_t nq = query_counts[qi];
            // Bit codes: Hamming words = ceil(d / 64); ternary: two planes of as many.
            const int64_t bit_words = (d + 63) / 64, ternary_words = 2 * bit_words;
            uint64_t *bits = malloc(sizeof(uint64_t) * (size_t)(rows * ternary_words));
            uint64_t *bit_queries = malloc(sizeof(uint64_t) * (size_t)(nq * ternary_words));
            for (int64_t i = 0; i < rows * ternary_words; i++) bits[i] = next();
            for (int64_t i = 0; i < nq * ternary_words; i++) bit_queries[i] = next();
            const char *isa = t->hamming_isa;
            CHECK_INT_SCAN("hamming", t->hamming_blocks(bits, nblocks, bit_words, bit_queries, nq, got, stride),
                           eq_hamming_blocks_portable(bits, nblocks, bit_words, bit_queries, nq, want, stride));
            CHECK_INT_SCAN("ternary", t->ternary_blocks(bits, nblocks, ternary_words, bit_queries, nq, got, stride),
                           eq_ternary_blocks_portable(bits, nblocks, ternary_words, bit_queries, nq, want, stride));
            free(bits);
            free(bit_queries);

            // Bytes: ceil(d / 4) words; nibbles: ceil(ceil(d / 2) / 4) words, 8 query bytes a word.
            const int64_t byte_words = (d + 3) / 4, nibble_words = ((d + 1) / 2 + 3) / 4;
            uint8_t *bytes = malloc((size_t)(rows * byte_words * 4));
            int8_t *byte_queries = malloc((size_t)(nq * byte_words * 8));
            int32_t bias[3 * EQ_BLOCK_ROWS];
            for (int64_t i = 0; i < rows * byte_words * 4; i++) bytes[i] = (uint8_t)next();
            for (int64_t i = 0; i < nq * byte_words * 8; i++) byte_queries[i] = (int8_t)next();
            for (int i = 0; i < 3 * EQ_BLOCK_ROWS; i++) bias[i] = (int32_t)(uint32_t)next();
            isa = t->dot_int_isa;
            CHECK_INT_SCAN("u8s8", t->dot_u8s8_blocks(bytes, nblocks, byte_words, byte_queries, nq, 0, got, stride),
                           eq_dot_u8s8_blocks_portable(bytes, nblocks, byte_words, byte_queries, nq, 0, want, stride));
            CHECK_INT_SCAN("u8s8+bias", t->dot_u8s8_blocks(bytes, nblocks, byte_words, byte_queries, nq, bias, got, stride),
                           eq_dot_u8s8_blocks_portable(bytes, nblocks, byte_words, byte_queries, nq, bias, want, stride));
            CHECK_INT_SCAN("u4", t->dot_u4_blocks(bytes, nblocks, nibble_words, byte_queries, nq, got, stride),
                           eq_dot_u4_blocks_portable(bytes, nblocks, nibble_words, byte_queries, nq, want, stride));
            free(bytes);
            free(byte_queries);

            // Floats: one word per dimension; every 29th value a special one.
            float *floats = malloc(sizeof(float) * (size_t)(rows * d)), *float_queries = malloc(sizeof(float) * (size_t)(nq * d));
            uint16_t *halves = malloc(sizeof(uint16_t) * (size_t)(rows * d));
            static const float specials[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-40f, 3e38f};
            for (int64_t i = 0; i < rows * d; i++) {
                floats[i] = next() % 29 == 0 ? specials[next() % 7] : (float)((int64_t)(next() % 20001) - 10000) / 977.0f;
                halves[i] = (uint16_t)next();
            }
            for (int64_t i = 0; i < nq * d; i++) float_queries[i] = (float)((int64_t)(next() % 20001) - 10000) / 1013.0f;
            isa = t->dot_float_isa;
            static const char *format_names[] = {"float32", "float16", "bfloat16"};
            for (int format = 0; format < 3; format++) {
                const void *corpus = format == 0 ? (const void *)floats : (const void *)halves;
                for (int64_t i = 0; i < nq * stride; i++) fwant[i] = fgot[i] = 7.0f;
                eq_dot_float_blocks_portable(corpus, nblocks, d, format, float_queries, nq, fwant, stride);
                t->dot_float_blocks(corpus, nblocks, d, format, float_queries, nq, fgot, stride);
                compare_f32(format_names[format], isa, d, nq, fwant, fgot, nq * stride);
                checks++;
            }
            free(floats);
            free(halves);
            free(float_queries);
        }
    }

    // Edge inputs: rows longer than the 16-bit accumulator chunks, every bit differing / agreeing.
    {
        // Ternary rows of 2 × 2100 plane words: positive plane all ones, negative plane empty;
        // query 0 the same (every dimension agrees: key 134,400), query 1 its opposite.
        const int64_t words = 2100, nq = 2, d = words * 64;
        uint64_t *bits = malloc(sizeof(uint64_t) * (size_t)(rows * 2 * words));
        uint64_t *queries = malloc(sizeof(uint64_t) * (size_t)(nq * 2 * words));
        for (int64_t b = 0; b < nblocks; b++)
            for (int64_t w = 0; w < 2 * words; w++)
                for (int r = 0; r < EQ_BLOCK_ROWS; r++) bits[(b * 2 * words + w) * EQ_BLOCK_ROWS + r] = w < words ? ~0ull : 0;
        for (int64_t w = 0; w < 2 * words; w++) {
            queries[w] = w < words ? ~0ull : 0;
            queries[2 * words + w] = w < words ? 0 : ~0ull;
        }
        const char *isa = t->hamming_isa;
        CHECK_INT_SCAN("hamming-long", t->hamming_blocks(bits, nblocks, 2 * words, queries, nq, got, stride),
                       eq_hamming_blocks_portable(bits, nblocks, 2 * words, queries, nq, want, stride));
        CHECK_INT_SCAN("ternary-long", t->ternary_blocks(bits, nblocks, 2 * words, queries, nq, got, stride),
                       eq_ternary_blocks_portable(bits, nblocks, 2 * words, queries, nq, want, stride));
        if ((want[0] != (int32_t)d || want[stride] != -(int32_t)d) && failures_in_table++ < 10)
            printf("search ternary-long: keys %d, %d\n", want[0], want[stride]);
        free(bits);
        free(queries);
    }
    {
        // 65,536 dimensions of 0xFF × −128, and a bias that makes the sums wrap.
        const int64_t words = 16384, nq = 3, d = words * 4;
        uint8_t *bytes = malloc((size_t)(rows * words * 4));
        int8_t *queries = malloc((size_t)(nq * words * 8));
        int32_t bias[3 * EQ_BLOCK_ROWS];
        memset(bytes, 0xFF, (size_t)(rows * words * 4));
        for (int64_t i = 0; i < nq * words * 8; i++) queries[i] = (int8_t)(i < words * 8 ? -128 : 127);
        for (int i = 0; i < 3 * EQ_BLOCK_ROWS; i++) bias[i] = i % 2 ? INT32_MAX : INT32_MIN;
        const char *isa = t->dot_int_isa;
        CHECK_INT_SCAN("u8s8-extreme", t->dot_u8s8_blocks(bytes, nblocks, words, queries, nq, bias, got, stride),
                       eq_dot_u8s8_blocks_portable(bytes, nblocks, words, queries, nq, bias, want, stride));
        CHECK_INT_SCAN("u4-extreme", t->dot_u4_blocks(bytes, nblocks, words, queries, nq, got, stride),
                       eq_dot_u4_blocks_portable(bytes, nblocks, words, queries, nq, want, stride));
        free(bytes);
        free(queries);
    }

    // Selection.
    {
        static const int64_t lengths[] = {0, 1, 3, 4, 15, 16, 17, 31, 33, 100, 1000};
        int32_t keys[1000], indices[1001], expected[1001];
        float fkeys[1000];
        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
            const int64_t n = lengths[li];
            for (int64_t i = 0; i < n; i++) {
                keys[i] = (int32_t)(next() % 101) - 50;
                fkeys[i] = next() % 17 == 0 ? NAN : (float)keys[i] / 7.0f;
            }
            const int32_t thresholds[] = {3, INT32_MIN, INT32_MAX, -51};
            for (int k = 0; k < 4; k++) {
                const int64_t a = eq_select_above_i32_portable(keys, n, thresholds[k], expected);
                const int64_t b = t->select_above_i32(keys, n, thresholds[k], indices);
                checks++;
                if ((a != b || memcmp(expected, indices, sizeof(int32_t) * (size_t)a) != 0) && failures_in_table++ < 10)
                    printf("search %s select_i32 n=%lld threshold %d: %lld != %lld hits\n", t->select_isa, (long long)n,
                           thresholds[k], (long long)b, (long long)a);
            }
            const float fthresholds[] = {0.5f, -INFINITY, INFINITY, NAN, -0.0f};
            for (int k = 0; k < 5; k++) {
                const int64_t a = eq_select_above_f32_portable(fkeys, n, fthresholds[k], expected);
                const int64_t b = t->select_above_f32(fkeys, n, fthresholds[k], indices);
                checks++;
                if ((a != b || memcmp(expected, indices, sizeof(int32_t) * (size_t)a) != 0) && failures_in_table++ < 10)
                    printf("search %s select_f32 n=%lld threshold %g: %lld != %lld hits\n", t->select_isa, (long long)n,
                           fthresholds[k], (long long)b, (long long)a);
            }
        }
    }
    free(want);
    free(got);
    free(fwant);
    free(fgot);
    printf("search (level %s: hamming=%s dot_int=%s dot_float=%s select=%s): %d checks, %d failed\n", level,
           t->hamming_isa, t->dot_int_isa, t->dot_float_isa, t->select_isa, checks, failures_in_table);
    if (failures_in_table == 0)
        printf("search %s/%s/%s/%s: ok\n", t->hamming_isa, t->dot_int_isa, t->dot_float_isa, t->select_isa);
    return failures_in_table;
}

int search_kernels_test(void) {
    eq_kernel_table tables[8];
    const char *levels[8];
    const int count = driver_tables(tables, levels, 8);
    int failures = 0;
    for (int i = 0; i < count; i++) failures += check_table(&tables[i], levels[i]);
    return failures != 0;
}
