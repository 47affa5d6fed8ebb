// Single-thread throughput of the encoder's kernels, every variant this CPU has (one kernel
// table per distinct EMBEDQ_ISA level), beside OpenBLAS sgemm on the same shapes. Built and run
// by scripts/bench-linear-kernels.sh. Times are thread CPU time (steadier than wall time on a
// shared machine), the best of several repetitions.
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CPUCapabilities.h"
#include "SentenceEncoderKernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define BEST(seconds, repetitions, body)                          \
    do {                                                          \
        seconds = 1e30;                                           \
        for (int rep = 0; rep < (repetitions); rep++) {           \
            const double start = now();                           \
            body;                                                 \
            const double elapsed = now() - start;                 \
            if (elapsed < seconds) seconds = elapsed;             \
        }                                                         \
    } while (0)

int main(int argc, char **argv) {
    const size_t m = argc > 1 ? (size_t)atol(argv[1]) : 2048, n = argc > 2 ? (size_t)atol(argv[2]) : 1536,
                 k = argc > 3 ? (size_t)atol(argv[3]) : 384;
    const int reps = 5;
    float *x = malloc(m * k * 4), *w = malloc(n * k * 4), *y = malloc(m * n * 4), *bias = calloc(n, 4);
    for (size_t i = 0; i < m * k; i++) x[i] = (float)(rand() % 200) / 100.0f - 1.0f;
    for (size_t i = 0; i < n * k; i++) w[i] = (float)(rand() % 200) / 1000.0f - 0.1f;
    const double flops = 2.0 * m * n * k;
    openblas_set_num_threads(1);
    double t;
    BEST(t, reps, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, x, k, w, k, 0, y, n));
    printf("%zu x %zu x %zu, one thread, best of %d (thread CPU time)\n", m, n, k, reps);
    printf("%-11s %-36s %9s %9s %9s %9s %9s %9s\n", "level", "", "sgemm", "gemm_f32", "int8", "(quant.)", "bf16",
           "(round)");
    const double sgemm = flops / t / 1e9;

    float *packed = malloc(sek_f32_packed_count(n, k) * 4);
    sek_pack_f32(w, n, k, packed);
    const size_t pk8 = sek_int8_padded_inputs(k), pk16 = sek_bf16_padded_inputs(k);
    int8_t *codes8 = malloc(n * k), *packed8 = malloc(sek_int8_packed_count(n, k));
    uint16_t *values16 = malloc(n * k * 2), *packed16 = malloc(sek_bf16_packed_count(n, k) * 2), *act16 = malloc(m * pk16 * 2);
    uint8_t *act8 = malloc(m * pk8);
    float *a_scales = malloc(m * 4), *w_scales = malloc(((n + 15) / 16 * 16) * 4);
    int32_t *corrections = calloc((n + 15) / 16 * 16, 4);
    for (size_t i = 0; i < n * k; i++) codes8[i] = (int8_t)(w[i] * 1270), values16[i] = (uint16_t)(*(uint32_t *)&w[i] >> 16);
    for (size_t j = 0; j < (n + 15) / 16 * 16; j++) w_scales[j] = 0.001f;

    static const char *levels[] = {"portable", "avx2", "avx2vnni", "avx512", "avx512vnni", "avx512bf16",
                                   "neon", "neondot", "neoni8mm", "neonbf16"};
    sek_kernel_table seen[16];
    int count = 0;
    for (size_t l = 0; l < sizeof levels / sizeof *levels; l++) {
        sek_kernel_table table;
        sek_kernels_for(eqcpu_level_mask(levels[l], NULL), &table);
        int duplicate = 0;
        for (int i = 0; i < count; i++) duplicate |= memcmp(&seen[i], &table, sizeof table) == 0;
        if (duplicate || table.gemm_f32 == NULL) continue;
        seen[count++] = table;
        if (strcmp(levels[l], "portable") == 0 && m * n * k > 100000000) continue;  // minutes of scalar fma calls
        double tf, ti, tq, tb, tr;
        BEST(tf, reps, table.gemm_f32(x, k, packed, bias, y, n, m, n, k));
        table.pack_int8(codes8, n, k, packed8);
        BEST(tq, reps, table.quantize_rows_u8(x, m, k, pk8, act8, a_scales));
        BEST(ti, reps, (table.quantize_rows_u8(x, m, k, pk8, act8, a_scales),
                        table.gemm_u8s8(m, n, pk8, act8, a_scales, packed8, corrections, w_scales, bias, y, n)));
        table.pack_bf16(values16, n, k, packed16);
        BEST(tr, reps, table.round_rows_bf16(x, m, k, pk16, act16));
        BEST(tb, reps, (table.round_rows_bf16(x, m, k, pk16, act16),
                        table.gemm_bf16(m, n, pk16, act16, packed16, bias, y, n)));
        char label[64];
        snprintf(label, sizeof label, "f32=%s int8=%s bf16=%s", table.gemm_f32_isa, table.int8_isa, table.bf16_isa);
        printf("%-11s %-36s %9.1f %9.1f %9.1f %8.1f%% %9.1f %8.1f%%   GFLOP/s (GOP/s for int8)\n", levels[l], label,
               sgemm, flops / tf / 1e9, flops / ti / 1e9, 100 * tq / ti, flops / tb / 1e9, 100 * tr / tb);
    }
    return 0;
}
