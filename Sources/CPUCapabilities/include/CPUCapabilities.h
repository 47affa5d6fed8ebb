// CPUCapabilities: what the running CPU can execute, detected once, as one bitmask that every
// kernel target (EmbeddingKernels, SentenceEncoderKernels) fills its dispatch table from.
//
// Detection: x86-64 through cpuid/xgetbv (`__builtin_cpu_supports`, which also checks that the
// operating system saves the AVX / AVX-512 register state); arm64 Linux through
// `getauxval(AT_HWCAP / AT_HWCAP2)`; Apple platforms through `sysctlbyname("hw.optional.arm.…")`.
//
// The environment variable `EMBEDQ_ISA` caps what is used (tests and benchmarks run a lower
// level on a machine that has a higher one): `portable`, `avx2`, `avx2vnni`, `avx512`,
// `avx512vnni`, `avx512bf16`, `neon`, `neondot`, `neoni8mm`, `neonbf16`, or `native` (the
// default: everything detected). A level never adds a capability the CPU lacks; an unknown value
// is reported once on standard error and treated as `native`.
#ifndef EMBEDQ_CPU_CAPABILITIES_H
#define EMBEDQ_CPU_CAPABILITIES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One bit per instruction-set extension a kernel variant may need.
typedef enum {
    EQCPU_AVX2 = 1u << 0,           ///< x86-64 AVX2
    EQCPU_FMA = 1u << 1,            ///< x86-64 FMA3
    EQCPU_F16C = 1u << 2,           ///< x86-64 half-precision conversions
    EQCPU_POPCNT = 1u << 3,         ///< x86-64 POPCNT
    EQCPU_AVX_VNNI = 1u << 4,       ///< x86-64 AVX-VNNI (VEX-encoded vpdpbusd on 256-bit registers)
    EQCPU_AVX512F = 1u << 5,        ///< AVX-512 Foundation
    EQCPU_AVX512BW = 1u << 6,       ///< AVX-512 byte and word instructions
    EQCPU_AVX512DQ = 1u << 7,       ///< AVX-512 doubleword and quadword instructions
    EQCPU_AVX512VL = 1u << 8,       ///< AVX-512 on 128/256-bit registers
    EQCPU_AVX512VNNI = 1u << 9,     ///< AVX-512 VNNI (vpdpbusd)
    EQCPU_AVX512VPOPCNTDQ = 1u << 10, ///< AVX-512 vector popcount of dwords / qwords
    EQCPU_AVX512BF16 = 1u << 11,    ///< AVX-512 BF16 (vdpbf16ps)
    EQCPU_AVX512VBMI = 1u << 12,    ///< AVX-512 VBMI (byte permutes across a register: vpermb, vpermi2b)
    EQCPU_NEON = 1u << 16,          ///< arm64 Advanced SIMD (always present on arm64)
    EQCPU_NEON_DOTPROD = 1u << 17,  ///< arm64 SDOT / UDOT (FEAT_DotProd)
    EQCPU_NEON_I8MM = 1u << 18,     ///< arm64 SMMLA / UMMLA / USDOT (FEAT_I8MM)
    EQCPU_NEON_BF16 = 1u << 19,     ///< arm64 BFDOT / BFMMLA (FEAT_BF16)
} eqcpu_capability;

/// Capabilities x86 "levels" bundle, as kernels check them.
#define EQCPU_LEVEL_AVX2_MASK (EQCPU_AVX2 | EQCPU_FMA | EQCPU_F16C | EQCPU_POPCNT)
#define EQCPU_LEVEL_AVX512_MASK \
    (EQCPU_LEVEL_AVX2_MASK | EQCPU_AVX512F | EQCPU_AVX512BW | EQCPU_AVX512DQ | EQCPU_AVX512VL)

/// The capabilities kernels may use: detected once, then capped by `EMBEDQ_ISA`.
uint64_t eqcpu_capabilities(void);

/// Everything the CPU and operating system support, ignoring `EMBEDQ_ISA`.
uint64_t eqcpu_detected_capabilities(void);

/// 1 when every bit of `mask` is in `eqcpu_capabilities()`, else 0.
int eqcpu_has(uint64_t mask);

/// The mask a level name allows (`"avx2"`, `"neondot"`, …; `"native"` allows everything), or
/// `UINT64_MAX` with `*known = 0` for an unknown name. `known` may be NULL.
uint64_t eqcpu_level_mask(const char *name, int *known);

/// Writes the names of the capabilities in `mask`, space-separated (e.g. "avx2 fma f16c"), into
/// `buffer` of `size` bytes (always NUL-terminated when size > 0). Returns the length written.
int eqcpu_describe(uint64_t mask, char *buffer, int size);

#ifdef __cplusplus
}
#endif

#endif
