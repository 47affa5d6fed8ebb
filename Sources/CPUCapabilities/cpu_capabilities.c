// Runtime CPU detection and the EMBEDQ_ISA cap (see CPUCapabilities.h).
#include "CPUCapabilities.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif
#ifndef HWCAP2_BF16
#define HWCAP2_BF16 (1 << 14)
#endif
#endif

#if defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
static int apple_feature(const char *name) {
    int value = 0;
    size_t size = sizeof(value);
    if (sysctlbyname(name, &value, &size, NULL, 0) != 0) return 0;
    return value != 0;
}
#endif

static uint64_t detect(void) {
    uint64_t caps = 0;
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) caps |= EQCPU_AVX2;
    if (__builtin_cpu_supports("fma")) caps |= EQCPU_FMA;
    if (__builtin_cpu_supports("popcnt")) caps |= EQCPU_POPCNT;
    if (__builtin_cpu_supports("avxvnni")) caps |= EQCPU_AVX_VNNI;
    if (__builtin_cpu_supports("avx512f")) caps |= EQCPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) caps |= EQCPU_AVX512BW;
    if (__builtin_cpu_supports("avx512dq")) caps |= EQCPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512vl")) caps |= EQCPU_AVX512VL;
    if (__builtin_cpu_supports("avx512vnni")) caps |= EQCPU_AVX512VNNI;
    if (__builtin_cpu_supports("avx512vpopcntdq")) caps |= EQCPU_AVX512VPOPCNTDQ;
    if (__builtin_cpu_supports("avx512bf16")) caps |= EQCPU_AVX512BF16;
    if (__builtin_cpu_supports("avx512vbmi")) caps |= EQCPU_AVX512VBMI;
    // F16C has no __builtin_cpu_supports name in every compiler: cpuid leaf 1, ecx bit 29. It
    // needs the AVX register state, which AVX2 support above already implies.
    {
        unsigned int eax = 1, ebx = 0, ecx = 0, edx = 0;
        __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
        if ((ecx >> 29) & 1u && (caps & EQCPU_AVX2)) caps |= EQCPU_F16C;
    }
#elif defined(__aarch64__)
    caps |= EQCPU_NEON;
#if defined(__linux__)
    unsigned long hwcap = getauxval(AT_HWCAP);
    unsigned long hwcap2 = getauxval(AT_HWCAP2);
    if (!(hwcap & HWCAP_ASIMD)) caps &= ~(uint64_t)EQCPU_NEON;
    if (hwcap & HWCAP_ASIMDDP) caps |= EQCPU_NEON_DOTPROD;
    if (hwcap2 & HWCAP2_I8MM) caps |= EQCPU_NEON_I8MM;
    if (hwcap2 & HWCAP2_BF16) caps |= EQCPU_NEON_BF16;
#elif defined(__APPLE__)
    if (apple_feature("hw.optional.arm.FEAT_DotProd")) caps |= EQCPU_NEON_DOTPROD;
    if (apple_feature("hw.optional.arm.FEAT_I8MM")) caps |= EQCPU_NEON_I8MM;
    if (apple_feature("hw.optional.arm.FEAT_BF16")) caps |= EQCPU_NEON_BF16;
#endif
#endif
    return caps;
}

typedef struct {
    const char *name;
    uint64_t mask;
} level;

static const level levels[] = {
    {"portable", 0},
    {"scalar", 0},
    {"avx2", EQCPU_LEVEL_AVX2_MASK},
    {"avx2vnni", EQCPU_LEVEL_AVX2_MASK | EQCPU_AVX_VNNI},
    {"avx512", EQCPU_LEVEL_AVX512_MASK},
    {"avx512vnni", EQCPU_LEVEL_AVX512_MASK | EQCPU_AVX_VNNI | EQCPU_AVX512VNNI | EQCPU_AVX512VPOPCNTDQ |
                       EQCPU_AVX512VBMI},
    {"avx512bf16", EQCPU_LEVEL_AVX512_MASK | EQCPU_AVX_VNNI | EQCPU_AVX512VNNI | EQCPU_AVX512VPOPCNTDQ |
                       EQCPU_AVX512VBMI | EQCPU_AVX512BF16},
    {"neon", EQCPU_NEON},
    {"neondot", EQCPU_NEON | EQCPU_NEON_DOTPROD},
    {"neoni8mm", EQCPU_NEON | EQCPU_NEON_DOTPROD | EQCPU_NEON_I8MM},
    {"neonbf16", EQCPU_NEON | EQCPU_NEON_DOTPROD | EQCPU_NEON_I8MM | EQCPU_NEON_BF16},
    {"native", UINT64_MAX},
};

uint64_t eqcpu_level_mask(const char *name, int *known) {
    if (known) *known = 1;
    if (name == NULL || name[0] == '\0') return UINT64_MAX;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (strcmp(levels[i].name, name) == 0) return levels[i].mask;
    }
    if (known) *known = 0;
    return UINT64_MAX;
}

// Racing first calls compute the same values; the atomics keep the stores well defined.
static _Atomic uint64_t detected_cache = 0;
static _Atomic int detected_ready = 0;
static _Atomic uint64_t capped_cache = 0;
static _Atomic int capped_ready = 0;

uint64_t eqcpu_detected_capabilities(void) {
    if (!atomic_load_explicit(&detected_ready, memory_order_acquire)) {
        atomic_store_explicit(&detected_cache, detect(), memory_order_relaxed);
        atomic_store_explicit(&detected_ready, 1, memory_order_release);
    }
    return atomic_load_explicit(&detected_cache, memory_order_relaxed);
}

uint64_t eqcpu_capabilities(void) {
    if (!atomic_load_explicit(&capped_ready, memory_order_acquire)) {
        const char *requested = getenv("EMBEDQ_ISA");
        int known = 1;
        uint64_t cap = eqcpu_level_mask(requested, &known);
        if (!known) {
            static _Atomic int warned = 0;
            if (!atomic_exchange(&warned, 1)) {
                fprintf(stderr,
                        "embedq: EMBEDQ_ISA=%s is not a known level (portable, avx2, avx2vnni, avx512, "
                        "avx512vnni, avx512bf16, neon, neondot, neoni8mm, neonbf16, native); using native\n",
                        requested);
            }
        }
        atomic_store_explicit(&capped_cache, eqcpu_detected_capabilities() & cap, memory_order_relaxed);
        atomic_store_explicit(&capped_ready, 1, memory_order_release);
    }
    return atomic_load_explicit(&capped_cache, memory_order_relaxed);
}

int eqcpu_has(uint64_t mask) { return (eqcpu_capabilities() & mask) == mask; }

int eqcpu_describe(uint64_t mask, char *buffer, int size) {
    static const struct {
        uint64_t bit;
        const char *name;
    } names[] = {
        {EQCPU_AVX2, "avx2"},           {EQCPU_FMA, "fma"},
        {EQCPU_F16C, "f16c"},           {EQCPU_POPCNT, "popcnt"},
        {EQCPU_AVX_VNNI, "avxvnni"},    {EQCPU_AVX512F, "avx512f"},
        {EQCPU_AVX512BW, "avx512bw"},   {EQCPU_AVX512DQ, "avx512dq"},
        {EQCPU_AVX512VL, "avx512vl"},   {EQCPU_AVX512VNNI, "avx512vnni"},
        {EQCPU_AVX512VPOPCNTDQ, "avx512vpopcntdq"}, {EQCPU_AVX512BF16, "avx512bf16"},
        {EQCPU_AVX512VBMI, "avx512vbmi"},
        {EQCPU_NEON, "neon"},           {EQCPU_NEON_DOTPROD, "dotprod"},
        {EQCPU_NEON_I8MM, "i8mm"},      {EQCPU_NEON_BF16, "bf16"},
    };
    if (size <= 0) return 0;
    int used = 0;
    buffer[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(mask & names[i].bit)) continue;
        int written = snprintf(buffer + used, (size_t)(size - used), used ? " %s" : "%s", names[i].name);
        if (written < 0 || written >= size - used) {
            buffer[size - 1] = '\0';
            return size - 1;
        }
        used += written;
    }
    return used;
}
