// Runtime CPU detection for the kernel dispatch.
#include "EmbeddingKernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define EQ_X86 1
#endif

static eq_isa detect(void) {
#if EQ_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        return EQ_ISA_AVX512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return EQ_ISA_AVX2;
    }
#endif
    return EQ_ISA_SCALAR;
}

eq_isa eq_best_isa(void) {
    // Racing first calls compute the same value; a plain int store is benign here.
    static volatile int cached = -1;
    int value = cached;
    if (value < 0) {
        value = (int)detect();
        cached = value;
    }
    return (eq_isa)value;
}

int eq_cpu_supports(eq_isa isa) { return (int)isa <= (int)eq_best_isa(); }
