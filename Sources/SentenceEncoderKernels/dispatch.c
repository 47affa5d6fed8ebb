// The dispatch table: for every kernel, the best variant the capabilities allow.
#include "sek_internal.h"

#include <pthread.h>

#include "CPUCapabilities.h"

#ifdef SEK_X86
#include <cpuid.h>

// Whether vdpbf16ps multiplies faster than widening into two FMAs: on AMD Zen 4 / Zen 5 it
// issues at the FMA rate with twice the products; on Intel (Cooper Lake, Sapphire / Emerald
// Rapids) one per two cycles, half the products of the FMAs (measured: 1.3 G vs 5.3 G zmm
// instructions per second on an Emerald Rapids core).
static int bf16_dot_beats_widening(void) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0;
    return ebx == 0x68747541u && edx == 0x69746E65u && ecx == 0x444D4163u;  // "AuthenticAMD"
}
#endif

#ifdef SEK_X86
static const uint64_t avx2_mask = EQCPU_AVX2 | EQCPU_FMA;
static const uint64_t avxvnni_mask = EQCPU_AVX2 | EQCPU_FMA | EQCPU_AVX_VNNI;
static const uint64_t avx512_mask =
    EQCPU_AVX2 | EQCPU_FMA | EQCPU_AVX512F | EQCPU_AVX512BW | EQCPU_AVX512DQ | EQCPU_AVX512VL;
#endif

static int allows(uint64_t capabilities, uint64_t mask) { return (capabilities & mask) == mask; }

static void fill(uint64_t caps, sek_kernel_table *t) {
    *t = (sek_kernel_table){
        .gemm_f32 = sek_gemm_f32_portable,
        .quantize_rows_u8 = sek_quantize_rows_u8_portable,
        .quantize_rows_u8_fixed = sek_quantize_rows_u8_fixed_portable,
        .pack_int8 = sek_pack_int8_dot,
        .gemm_u8s8 = sek_gemm_u8s8_portable,
        .round_rows_bf16 = sek_round_rows_bf16_portable,
        .pack_bf16 = sek_pack_bf16_panel,
        .gemm_bf16 = sek_gemm_bf16_portable,
        .gelu = sek_gelu_portable,
        .softmax_rows = sek_softmax_rows_portable,
        .add_layer_norm = sek_add_layer_norm_portable,
        .add_bias = sek_add_bias_portable,
        .gated_silu = sek_gated_silu_portable,
        .gated_gelu = sek_gated_gelu_portable,
        .rotary = sek_rotary_portable,
        .add_toeplitz = sek_add_toeplitz_portable,
        .mask_outside_band = sek_mask_outside_band_portable,
        .gemm_f32_isa = "portable",
        .int8_isa = "portable",
        .quantize_isa = "portable",
        .bf16_isa = "portable",
        .elementwise_isa = "portable",
    };
#ifdef SEK_X86
    if (allows(caps, avx512_mask)) {
        t->gemm_f32 = sek_gemm_f32_avx512;
        t->quantize_rows_u8 = sek_quantize_rows_u8_avx512;
        t->quantize_rows_u8_fixed = sek_quantize_rows_u8_fixed_avx512;
        t->round_rows_bf16 = sek_round_rows_bf16_avx512;
        t->gemm_bf16 = sek_gemm_bf16_avx512;
        t->gelu = sek_gelu_avx512;
        t->softmax_rows = sek_softmax_rows_avx512;
        t->add_layer_norm = sek_add_layer_norm_avx512;
        t->add_bias = sek_add_bias_avx512;
        t->gated_silu = sek_gated_silu_avx512;
        t->gated_gelu = sek_gated_gelu_avx512;
        t->rotary = sek_rotary_avx512;
        t->add_toeplitz = sek_add_toeplitz_avx512;
        t->mask_outside_band = sek_mask_outside_band_avx512;
        t->gemm_f32_isa = t->quantize_isa = t->bf16_isa = t->elementwise_isa = "avx512";
    } else if (allows(caps, avx2_mask)) {
        t->gemm_f32 = sek_gemm_f32_avx2;
        t->quantize_rows_u8 = sek_quantize_rows_u8_avx2;
        t->quantize_rows_u8_fixed = sek_quantize_rows_u8_fixed_avx2;
        t->round_rows_bf16 = sek_round_rows_bf16_avx2;
        t->gemm_bf16 = sek_gemm_bf16_avx2;
        t->gelu = sek_gelu_avx2;
        t->softmax_rows = sek_softmax_rows_avx2;
        t->add_layer_norm = sek_add_layer_norm_avx2;
        t->add_bias = sek_add_bias_avx2;
        t->gated_silu = sek_gated_silu_avx2;
        t->gated_gelu = sek_gated_gelu_avx2;
        t->rotary = sek_rotary_avx2;
        t->add_toeplitz = sek_add_toeplitz_avx2;
        t->mask_outside_band = sek_mask_outside_band_avx2;
        t->gemm_f32_isa = t->quantize_isa = t->bf16_isa = t->elementwise_isa = "avx2";
    }
    // int8: one vpdpbusd per 32 (AVX-VNNI) or 64 (AVX-512 VNNI) products beats the multiply and
    // add per 16 products of the AVX2 vpmaddwd variant and the four instructions per 64 of the
    // AVX-512BW vpmaddubsw one.
    if (allows(caps, avx512_mask | EQCPU_AVX512VNNI)) {
        t->gemm_u8s8 = sek_gemm_u8s8_avx512vnni;
        t->int8_isa = "avx512vnni";
    } else if (allows(caps, avxvnni_mask)) {
        t->gemm_u8s8 = sek_gemm_u8s8_avxvnni;
        t->int8_isa = "avxvnni";
    } else if (allows(caps, avx512_mask)) {
        t->gemm_u8s8 = sek_gemm_u8s8_avx512;
        t->int8_isa = "avx512";
    } else if (allows(caps, avx2_mask)) {
        t->gemm_u8s8 = sek_gemm_u8s8_avx2;
        t->int8_isa = "avx2";
    }
    if (allows(caps, avx512_mask | EQCPU_AVX512BF16) &&
        ((caps & SEK_PREFER_NATIVE_BF16) || bf16_dot_beats_widening())) {
        t->pack_bf16 = sek_pack_bf16_pairs;
        t->gemm_bf16 = sek_gemm_bf16_avx512bf16;
        t->bf16_isa = "avx512bf16";
    }
#endif
#ifdef SEK_ARM64
    if (allows(caps, EQCPU_NEON)) {
        t->gemm_f32 = sek_gemm_f32_neon;
        t->quantize_rows_u8 = sek_quantize_rows_u8_neon;
        t->quantize_rows_u8_fixed = sek_quantize_rows_u8_fixed_neon;
        t->round_rows_bf16 = sek_round_rows_bf16_neon;
        t->gemm_u8s8 = sek_gemm_u8s8_neon;
        t->gemm_bf16 = sek_gemm_bf16_neon;
        t->gelu = sek_gelu_neon;
        t->softmax_rows = sek_softmax_rows_neon;
        t->add_layer_norm = sek_add_layer_norm_neon;
        t->add_bias = sek_add_bias_neon;
        t->gated_silu = sek_gated_silu_neon;
        t->gated_gelu = sek_gated_gelu_neon;
        t->rotary = sek_rotary_neon;
        t->add_toeplitz = sek_add_toeplitz_neon;
        t->mask_outside_band = sek_mask_outside_band_neon;
        t->gemm_f32_isa = t->int8_isa = t->quantize_isa = t->bf16_isa = t->elementwise_isa = "neon";
        if (allows(caps, EQCPU_NEON | EQCPU_NEON_DOTPROD | EQCPU_NEON_I8MM)) {
            t->pack_int8 = sek_pack_int8_i8mm;
            t->gemm_u8s8 = sek_gemm_u8s8_neoni8mm;
            t->int8_isa = "neoni8mm";
        } else if (allows(caps, EQCPU_NEON | EQCPU_NEON_DOTPROD)) {
            t->gemm_u8s8 = sek_gemm_u8s8_neondot;
            t->int8_isa = "neondot";
        }
        if (allows(caps, EQCPU_NEON | EQCPU_NEON_BF16)) {
            t->pack_bf16 = sek_pack_bf16_pairs;
            t->gemm_bf16 = sek_gemm_bf16_neonbf16;
            t->bf16_isa = "neonbf16";
        }
    }
#endif
    (void)caps;
    (void)allows;
}

void sek_kernels_for(uint64_t capabilities, sek_kernel_table *table) {
    fill((capabilities & eqcpu_capabilities()) | (capabilities & SEK_PREFER_NATIVE_BF16), table);
}

static sek_kernel_table process_table;
static pthread_once_t process_table_once = PTHREAD_ONCE_INIT;

static void fill_process_table(void) { fill(eqcpu_capabilities(), &process_table); }

const sek_kernel_table *sek_kernels(void) {
    pthread_once(&process_table_once, fill_process_table);
    return &process_table;
}

int sek_gemm_f32_is_simd(const sek_kernel_table *table) { return table->gemm_f32 != sek_gemm_f32_portable; }
