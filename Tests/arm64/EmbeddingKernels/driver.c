// The EmbeddingKernels driver for scripts/test-arm64.sh: every test, non-zero exit on a failure.
// It is plain C, so it also builds and runs natively (it then checks the x86 variants):
// clang -O2 -ISources/EmbeddingKernels/include -ISources/CPUCapabilities/include
// Tests/arm64/EmbeddingKernels/*.c Sources/EmbeddingKernels/*.c Sources/CPUCapabilities/*.c -lm -lpthread
#include <stdio.h>
#include <string.h>

#include "CPUCapabilities.h"
#include "driver.h"

int driver_tables(eq_kernel_table *tables, const char **names, int max) {
    static const char *levels[] = {"portable", "avx2", "avx512", "avx512vnni", "neon", "neondot", "neoni8mm", "native"};
    int count = 0;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0] && count < max; i++) {
        eq_kernel_table table;
        eq_kernels_for(eqcpu_level_mask(levels[i], 0), &table);
        int seen = 0;
        for (int k = 0; k < count; k++) seen |= memcmp(&tables[k], &table, sizeof table) == 0;
        if (seen) continue;
        tables[count] = table;
        names[count++] = levels[i];
    }
    return count;
}

/// The process's table (`eq_kernels()`) is the best one EMBEDQ_ISA allows.
static int process_table_test(void) {
    eq_kernel_table capped;
    eq_kernels_for(UINT64_MAX, &capped);
    const int same = memcmp(eq_kernels(), &capped, sizeof capped) == 0;
    printf("process table (search %s, quantize %s, asymmetric %s, rabitq %s)%s\n", eq_kernels()->dot_int_isa,
           eq_kernels()->quantize_isa, eq_kernels()->asym_isa, eq_kernels()->rabitq_isa,
           same ? ": ok" : " differs from eq_kernels_for(all): FAILED");
    return !same;
}

int main(void) {
    int failed = 0;
    failed |= process_table_test();
    failed |= rabitq_kernels_test();
    failed |= rabitq_lookup_test();
    failed |= asymmetric_kernels_test();
    failed |= search_kernels_test();
    failed |= quantize_kernels_test();
    return failed;
}
