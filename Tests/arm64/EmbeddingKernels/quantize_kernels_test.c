// Every quantizer variant the CPU has (one dispatch table per level, capped by EMBEDQ_ISA)
// against the portable variant, byte for byte: scalar codes (uint8 / int4 levels, floor and
// nearest, xor 0 / 0x80), sign bits and ternary planes at odd dimensions, with values outside the
// calibrated range, exact bucket boundaries and ties, ±0, subnormals, and rows holding NaN / ±inf
// (the same first bad row must be reported, the rows before it written alike).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static uint64_t state = 0x9A47;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float uniform(float low, float high) { return low + (high - low) * (float)(next() % 1000001) / 1000000.0f; }

static int failures_in_table;

/// Compares two quantizer results: the returned row, then the bytes of the rows before the
/// first bad one (all rows when none is bad).
static void compare(const char *what, const char *isa, int64_t d, int64_t want_row, int64_t got_row, const uint8_t *want,
                    const uint8_t *got, int64_t rows, int64_t row_bytes) {
    if (want_row != got_row) {
        if (failures_in_table++ < 10)
            printf("quantize %s %s d=%lld: bad row %lld != %lld\n", isa, what, (long long)d, (long long)got_row,
                   (long long)want_row);
        return;
    }
    const int64_t valid = want_row < 0 ? rows : want_row;
    for (int64_t i = 0; i < valid * row_bytes; i++) {
        if (want[i] != got[i]) {
            if (failures_in_table++ < 10)
                printf("quantize %s %s d=%lld byte %lld: %02x != %02x\n", isa, what, (long long)d, (long long)i, got[i],
                       want[i]);
            return;
        }
    }
}

static int check_table(const eq_kernel_table *t, const char *level) {
    static const int64_t dims[] = {1, 7, 8, 13, 15, 16, 17, 63, 64, 65, 127, 383, 384, 385};
    const int64_t rows = 11;
    int checks = 0;
    failures_in_table = 0;
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
        const int64_t d = dims[di], width = (d + 7) / 8;
        float *x = malloc(sizeof(float) * (size_t)(rows * d));
        float *minimums = malloc(sizeof(float) * (size_t)d), *steps = malloc(sizeof(float) * (size_t)d);
        float *thresholds = malloc(sizeof(float) * (size_t)d);
        uint8_t *want = malloc((size_t)(rows * d + 2 * rows * width)), *got = malloc((size_t)(rows * d + 2 * rows * width));
        for (int pass = 0; pass < 4; pass++) {  // pass 2: a NaN in row 5; pass 3: −inf in row 0 and +inf in row 7
            for (int64_t j = 0; j < d; j++) {
                minimums[j] = uniform(-1.0f, 0.0f);
                steps[j] = uniform(0.001f, 0.02f);
                thresholds[j] = next() % 9 == 0 ? 0.0f : uniform(0.0f, 0.3f);
            }
            for (int64_t i = 0; i < rows * d; i++) {
                const int64_t j = i % d;
                switch (next() % 8) {
                case 0: x[i] = uniform(-3.0f, 3.0f); break;  // mostly outside the range
                case 1: x[i] = minimums[j] + steps[j] * (float)(next() % 256); break;  // a bucket boundary
                case 2: x[i] = minimums[j] + steps[j] * ((float)(next() % 255) + 0.5f); break;  // a tie
                case 3: x[i] = (float[]){0.0f, -0.0f, 1e-42f, -1e-42f}[next() % 4]; break;
                case 4: x[i] = (next() % 2 ? 1.0f : -1.0f) * thresholds[j]; break;  // exactly ±t
                default: x[i] = uniform(-1.0f, 1.5f); break;
                }
            }
            if (pass == 2) x[5 * d + d / 2] = NAN;
            if (pass == 3) {
                x[d - 1] = -INFINITY;
                x[7 * d] = INFINITY;
            }
            const float max_codes[] = {255.0f, 15.0f};
            for (int m = 0; m < 2; m++) {
                for (int nearest = 0; nearest < 2; nearest++) {
                    for (int flip = 0; flip < 2; flip++) {
                        const uint8_t mask = flip ? 0x80 : 0;
                        memset(want, 0xA5, (size_t)(rows * d));
                        memset(got, 0xA5, (size_t)(rows * d));
                        const int64_t a = eq_quantize_scalar_codes_portable(x, rows, d, minimums, steps, max_codes[m], nearest, mask, want);
                        const int64_t b = t->quantize_scalar_codes(x, rows, d, minimums, steps, max_codes[m], nearest, mask, got);
                        compare(nearest ? "codes-nearest" : "codes-floor", t->quantize_isa, d, a, b, want, got, rows, d);
                        checks++;
                    }
                }
            }
            for (int flip = 0; flip < 2; flip++) {
                const uint8_t mask = flip ? 0x80 : 0;
                const int64_t a = eq_pack_signs_portable(x, rows, d, mask, want);
                const int64_t b = t->pack_signs(x, rows, d, mask, got);
                compare("signs", t->quantize_isa, d, a, b, want, got, rows, width);
                checks++;
            }
            const int64_t a = eq_pack_ternary_portable(x, rows, d, thresholds, want);
            const int64_t b = t->pack_ternary(x, rows, d, thresholds, got);
            compare("ternary", t->quantize_isa, d, a, b, want, got, rows, 2 * width);
            checks++;
            if ((pass == 2 && a != 5) || (pass == 3 && a != 0) || (pass < 2 && a != -1)) {
                if (failures_in_table++ < 10) printf("quantize portable ternary pass %d: bad row %lld\n", pass, (long long)a);
            }
        }
        free(x);
        free(minimums);
        free(steps);
        free(thresholds);
        free(want);
        free(got);
    }
    printf("quantize (level %s: %s): %d checks, %d failed\n", level, t->quantize_isa, checks, failures_in_table);
    if (failures_in_table == 0) printf("quantize %s: ok\n", t->quantize_isa);
    return failures_in_table;
}

int quantize_kernels_test(void) {
    eq_kernel_table tables[8];
    const char *levels[8];
    const int count = driver_tables(tables, levels, 8);
    int failures = 0;
    for (int i = 0; i < count; i++) failures += check_table(&tables[i], levels[i]);
    return failures != 0;
}
