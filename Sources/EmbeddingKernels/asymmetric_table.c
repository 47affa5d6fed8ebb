// The asymmetric kernels' dispatch table, filled once from `eqcpu_capabilities()` (so `EMBEDQ_ISA`
// caps it): AVX-512 F/BW/DQ/VL, else AVX2 + FMA, else NEON on arm64, else portable C.
#include "AsymmetricKernels.h"

#include "CPUCapabilities.h"

#define TABLE(isa)                                                                                \
    {#isa,                                                                                        \
     {eq_asym_scan_u8_##isa, eq_asym_scan_u4_##isa, eq_asym_scan_ternary_##isa, eq_asym_scan_bits_##isa}}

static const eq_asym_kernel_table portable_table = TABLE(portable);
#if defined(__x86_64__)
static const eq_asym_kernel_table avx2_table = TABLE(avx2);
static const eq_asym_kernel_table avx512_table = TABLE(avx512);
#endif
#if defined(__aarch64__)
static const eq_asym_kernel_table neon_table = TABLE(neon);
#endif

// The variants the capabilities allow, best last.
static int32_t usable_variants(const eq_asym_kernel_table **out) {
    int32_t count = 0;
    out[count++] = &portable_table;
#if defined(__x86_64__)
    if (eqcpu_has(EQCPU_AVX2 | EQCPU_FMA)) out[count++] = &avx2_table;
    if (eqcpu_has(EQCPU_LEVEL_AVX512_MASK)) out[count++] = &avx512_table;
#endif
#if defined(__aarch64__)
    if (eqcpu_has(EQCPU_NEON)) out[count++] = &neon_table;
#endif
    return count;
}

// Racing first calls compute the same tables; plain stores of the same values are benign.
static const eq_asym_kernel_table *variants[4];
static volatile int32_t variant_count = -1;

int32_t eq_asym_kernel_variant_count(void) {
    int32_t value = variant_count;
    if (value < 0) {
        const eq_asym_kernel_table *found[4];
        value = usable_variants(found);
        for (int32_t i = 0; i < value; i++) variants[i] = found[i];
        variant_count = value;
    }
    return value;
}

const eq_asym_kernel_table *eq_asym_kernel_variant(int32_t index) {
    const int32_t count = eq_asym_kernel_variant_count();
    return index >= 0 && index < count ? variants[index] : &portable_table;
}

const eq_asym_kernel_table *eq_asym_kernels(void) {
    return eq_asym_kernel_variant(eq_asym_kernel_variant_count() - 1);
}
