// arm64 driver: the NEON RaBitQ kernels against the portable C variant (itself held to the
// plain-Swift reference by RaBitQSearchTests) at odd dimensions, bits 1…4, query bits 1/4/8; and
// on every architecture, the 1-bit scan by lookups (every lookup variant the CPU has) against
// the portable popcount scan, bit for bit.
// Built for aarch64 and run under qemu by scripts/test-arm64.sh (main is in driver.c).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "RaBitQKernels.h"
#include "driver.h"

static uint64_t state = 0x5EED;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int rabitq_lookup_test(void) {
    const int dims[] = {1, 7, 13, 63, 64, 65, 383, 384, 385, 4100};
    const int block_counts[] = {1, 3, 5, 8};
    eq_kernel_table tables[8];
    const char *levels[8];
    const int variants = driver_tables(tables, levels, 8);
    int failures = 0, checks = 0;
    for (int v = 0; v < variants; v++) {
        int table_failures = 0;
        for (int di = 0; di < (int)(sizeof dims / sizeof dims[0]); di++) {
            for (int bi = 0; bi < 4; bi++) {
                const int d = dims[di], words = (d + 63) / 64, nblocks = block_counts[bi], nq = 3;
                const int rows = nblocks * EQ_RABITQ_BLOCK_ROWS;
                uint64_t *blocks = malloc(sizeof(uint64_t) * (size_t)(rows * words));
                // Random bits (all set in the last case: the largest sums), zero past d.
                for (int w = 0; w < words; w++) {
                    const uint64_t valid = 64 * (w + 1) <= d ? ~0ull : 0;
                    for (int r = 0; r < rows; r++) {
                        uint64_t x = bi == 3 ? ~0ull : next();
                        if (!valid) {  // dimension j: byte j >> 3, bit 7 − (j & 7) of it
                            uint64_t keep = 0;
                            for (int j = 64 * w; j < d; j++) keep |= 1ull << (((j >> 3) & 7) * 8 + 7 - (j & 7));
                            x &= keep;
                        }
                        blocks[((int64_t)(r / EQ_RABITQ_BLOCK_ROWS) * words + w) * EQ_RABITQ_BLOCK_ROWS + r % EQ_RABITQ_BLOCK_ROWS] = x;
                    }
                }
                // The call's query bits: the largest of its queries' (1, 4, 5).
                const int32_t call_bits = 5;
                const int64_t table_bytes = eq_rabitq_lookup_table_bytes(&tables[v], words, call_bits);
                uint8_t *lookups = malloc((size_t)((nq + 1) * table_bytes)), *codes = malloc((size_t)d);
                float scales[8 * EQ_RABITQ_BLOCK_ROWS], deltas[3], lows[3], biases[3];
                for (int i = 0; i < rows; i++) scales[i] = (float)(next() % 4001) / 1000.0f - 2.0f;
                const int64_t stride = rows + 3;
                float *estimates = malloc(sizeof(float) * (size_t)((nq + 1) * stride)), want[8 * EQ_RABITQ_BLOCK_ROWS];
                eq_rabitq_lookup_tables(&tables[v], NULL, d, words, call_bits, lookups);
                uint64_t *planes[3];
                for (int q = 0; q < nq; q++) {
                    const int qbits = (int[]){1, 4, 5}[q];
                    deltas[q] = (float)(next() % 1000 + 1) / 7919.0f;
                    lows[q] = -(float)(next() % 1000) / 997.0f;
                    biases[q] = (float)(next() % 2001) / 100.0f - 10.0f;
                    planes[q] = calloc((size_t)(qbits * words), sizeof(uint64_t));
                    for (int j = 0; j < d; j++) {
                        codes[j] = bi == 3 ? (uint8_t)((1 << qbits) - 1) : (uint8_t)(next() % (1u << qbits));
                        for (int b = 0; b < qbits; b++)
                            if ((codes[j] >> b) & 1) planes[q][b * words + (j >> 6)] |= 1ull << (((j >> 3) & 7) * 8 + 7 - (j & 7));
                    }
                    eq_rabitq_lookup_tables(&tables[v], codes, d, words, call_bits, lookups + (q + 1) * table_bytes);
                }
                uint8_t *scratch = aligned_alloc(64, (size_t)eq_rabitq_lookup_scratch_bytes(&tables[v], words, call_bits) + 64);
                eq_rabitq_scan_lookup(&tables[v], blocks, nblocks, words, call_bits, lookups, nq, scales, deltas, lows, biases,
                                      estimates, stride, scratch);
                for (int q = 0; q < nq; q++) {
                    eq_rabitq_scan_portable(blocks, nblocks, words, 1, planes[q], (int[]){1, 4, 5}[q], scales, deltas[q],
                                            lows[q], biases[q], want);
                    for (int r = 0; r < rows; r++, checks++) {
                        const float got = estimates[(q + 1) * stride + r];
                        if (memcmp(&got, &want[r], sizeof got) != 0 && table_failures++ < 10)
                            printf("rabitq lookup %s d=%d blocks=%d q=%d row %d: %.9g != %.9g\n", tables[v].asym_lookup_isa,
                                   d, nblocks, q, r, got, want[r]);
                    }
                    free(planes[q]);
                }
                free(blocks);
                free(lookups);
                free(codes);
                free(estimates);
                free(scratch);
            }
        }
        failures += table_failures;
        if (table_failures == 0) printf("rabitq lookups %s (level %s): ok\n", tables[v].asym_lookup_isa, levels[v]);
    }
    printf("rabitq lookups: %d passed, %d failed (%d variants)\n", checks - failures, failures, variants);
    return failures != 0;
}

#if defined(__aarch64__)

int rabitq_kernels_test(void) {
    const int dims[] = {1, 7, 63, 64, 65, 130, 383, 384};
    int failures = 0, checks = 0;
    for (int di = 0; di < 8; di++) {
        const int d = dims[di], words = (d + 63) / 64, nblocks = 3;
        for (int bits = 1; bits <= 4; bits++) {
            for (int qi = 0; qi < 3; qi++) {
                const int qbits = (int[]){1, 4, 8}[qi];
                const int nwords = nblocks * EQ_RABITQ_BLOCK_ROWS * bits * words;
                uint64_t *blocks = malloc(sizeof(uint64_t) * nwords), query[8 * 6];
                float scales[3 * EQ_RABITQ_BLOCK_ROWS], a[3 * EQ_RABITQ_BLOCK_ROWS], b[3 * EQ_RABITQ_BLOCK_ROWS];
                for (int i = 0; i < nwords; i++) blocks[i] = next();
                for (int i = 0; i < qbits * words; i++) query[i] = next();
                for (int i = 0; i < 3 * EQ_RABITQ_BLOCK_ROWS; i++) scales[i] = (float)(next() % 4001) / 1000.0f - 2.0f;
                eq_rabitq_scan_portable(blocks, nblocks, words, bits, query, qbits, scales, 0.013f, -0.11f, -3.7f, a);
                eq_rabitq_scan_neon(blocks, nblocks, words, bits, query, qbits, scales, 0.013f, -0.11f, -3.7f, b);
                for (int i = 0; i < 3 * EQ_RABITQ_BLOCK_ROWS; i++, checks++)
                    if (a[i] != b[i]) { if (failures++ < 10) printf("scan d=%d bits=%d qb=%d row %d: %g != %g\n", d, bits, qbits, i, a[i], b[i]); }
                uint8_t code[4 * 48];
                float q[384];
                for (int i = 0; i < bits * ((d + 7) / 8); i++) code[i] = (uint8_t)next();
                for (int i = 0; i < d; i++) q[i] = (float)(next() % 2001) / 1000.0f - 1.0f;
                const float x = eq_rabitq_code_dot_portable(code, d, bits, q), y = eq_rabitq_code_dot_neon(code, d, bits, q);
                checks++;
                if (fabsf(x - y) > 1e-4f * (fabsf(x) + 8)) { if (failures++ < 10) printf("code_dot d=%d bits=%d: %g != %g\n", d, bits, x, y); }
                free(blocks);
            }
        }
    }
    printf("rabitq: %d passed, %d failed\n", checks - failures, failures);
    if (failures == 0) printf("rabitq neon: ok\n");
    return failures != 0;
}
#else
int rabitq_kernels_test(void) { return 0; }
#endif
