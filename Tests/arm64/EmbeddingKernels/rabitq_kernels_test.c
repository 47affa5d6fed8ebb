// arm64 driver: the NEON RaBitQ kernels against the portable C variant (itself held to the
// plain-Swift reference by RaBitQSearchTests) at odd dimensions, bits 1…4, query bits 1/4/8.
// Built for aarch64 and run under qemu by scripts/test-arm64.sh (main is in driver.c).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "RaBitQKernels.h"
#include "driver.h"

#if defined(__aarch64__)
static uint64_t state = 0x5EED;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

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
