// The dispatch table of EmbeddingKernels: for every kernel, the best variant a CPUCapabilities
// mask allows (see EmbeddingKernels.h). The only place that chooses between variants.
#include <pthread.h>

#include "CPUCapabilities.h"
#include "EmbeddingKernels.h"
#include "graph_distance_internal.h"

static int allows(uint64_t capabilities, uint64_t mask) { return (capabilities & mask) == mask; }

#define SEARCH(t, isa)                                      \
    do {                                                    \
        (t)->hamming_blocks = eq_hamming_blocks_##isa;      \
        (t)->ternary_blocks = eq_ternary_blocks_##isa;      \
        (t)->dot_u8s8_blocks = eq_dot_u8s8_blocks_##isa;    \
        (t)->dot_u4_blocks = eq_dot_u4_blocks_##isa;        \
        (t)->dot_float_blocks = eq_dot_float_blocks_##isa;  \
        (t)->select_above_i32 = eq_select_above_i32_##isa;  \
        (t)->select_above_f32 = eq_select_above_f32_##isa;  \
        (t)->hamming_isa = (t)->dot_int_isa = (t)->dot_float_isa = (t)->select_isa = #isa; \
    } while (0)

#define QUANTIZE(t, isa)                                              \
    do {                                                              \
        (t)->quantize_scalar_codes = eq_quantize_scalar_codes_##isa;  \
        (t)->pack_signs = eq_pack_signs_##isa;                        \
        (t)->pack_ternary = eq_pack_ternary_##isa;                    \
        (t)->quantize_isa = #isa;                                     \
    } while (0)

#define ASYM(t, isa)                                                  \
    do {                                                              \
        (t)->asym_unpack_bits = eq_asym_unpack_bits_##isa;            \
        (t)->asym_unpack_ternary = eq_asym_unpack_ternary_##isa;      \
        (t)->asym_isa = #isa;                                         \
    } while (0)

#define RABITQ(t, isa)                                    \
    do {                                                  \
        (t)->rabitq_scan = eq_rabitq_scan_##isa;          \
        (t)->rabitq_code_dot = eq_rabitq_code_dot_##isa;  \
        (t)->rabitq_isa = #isa;                           \
    } while (0)

#define GRAPH(t, metric, function, name)       \
    do {                                       \
        (t)->graph_distances[metric] = function; \
        (t)->graph_isa[metric] = name;         \
    } while (0)

#define GRAPH_ALL(t, isa)                                                         \
    do {                                                                          \
        GRAPH(t, EQ_GRAPH_HAMMING, eq_graph_hamming_##isa, #isa);                 \
        GRAPH(t, EQ_GRAPH_TERNARY, eq_graph_ternary_##isa, #isa);                 \
        GRAPH(t, EQ_GRAPH_DOT_I8, eq_graph_dot_i8_##isa, #isa);                   \
        GRAPH(t, EQ_GRAPH_DOT_F32, eq_graph_dot_f32_##isa, #isa);                 \
        GRAPH(t, EQ_GRAPH_DOT_F16, eq_graph_dot_f16_##isa, #isa);                 \
        GRAPH(t, EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_##isa, #isa);               \
    } while (0)

static void fill(uint64_t caps, eq_kernel_table *t) {
    *t = (eq_kernel_table){0};
    SEARCH(t, portable);
    QUANTIZE(t, portable);
    ASYM(t, portable);
    t->asym_lookup_bits = eq_asym_lookup_bits_portable;
    t->asym_lookup_isa = "portable";
    RABITQ(t, portable);
    GRAPH_ALL(t, portable);
#if defined(__x86_64__)
    const uint64_t avx2 = EQCPU_LEVEL_AVX2_MASK;    // AVX2, FMA, F16C, POPCNT
    const uint64_t avx512 = EQCPU_LEVEL_AVX512_MASK; // + AVX-512 F, BW, DQ, VL
    if (allows(caps, avx2)) {
        SEARCH(t, avx2);
        QUANTIZE(t, avx2);
        ASYM(t, avx2);
        t->asym_lookup_bits = eq_asym_lookup_bits_avx2;
        t->asym_lookup_isa = "avx2";
        RABITQ(t, avx2);
        GRAPH_ALL(t, avx2);
    }
    if (allows(caps, avx512)) {
        t->dot_float_blocks = eq_dot_float_blocks_avx512;
        t->select_above_i32 = eq_select_above_i32_avx512;
        t->select_above_f32 = eq_select_above_f32_avx512;
        t->dot_float_isa = t->select_isa = "avx512";
        QUANTIZE(t, avx512);
        ASYM(t, avx512);
        GRAPH(t, EQ_GRAPH_DOT_F32, eq_graph_dot_f32_avx512, "avx512");
        GRAPH(t, EQ_GRAPH_DOT_F16, eq_graph_dot_f16_avx512, "avx512");
        GRAPH(t, EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_avx512, "avx512");
        if (caps & EQCPU_AVX512VPOPCNTDQ) {
            t->hamming_blocks = eq_hamming_blocks_avx512;
            t->ternary_blocks = eq_ternary_blocks_avx512;
            t->hamming_isa = "avx512vpopcntdq";
            RABITQ(t, avx512);
            t->rabitq_isa = "avx512vpopcntdq";
            GRAPH(t, EQ_GRAPH_HAMMING, eq_graph_hamming_avx512, "avx512vpopcntdq");
            GRAPH(t, EQ_GRAPH_TERNARY, eq_graph_ternary_avx512, "avx512vpopcntdq");
        }
        if ((caps & EQCPU_AVX512VBMI) && (caps & EQCPU_AVX512VNNI)) {
            t->asym_lookup_bits = eq_asym_lookup_bits_avx512;
            t->asym_lookup_isa = "avx512vbmi";
        }
        if (caps & EQCPU_AVX512VBMI) {
            t->rabitq_windows = eq_rabitq_windows_avx512;
            t->rabitq_windows_isa = "avx512vbmi-windows";
        }
        if (caps & EQCPU_AVX512VNNI) {
            t->dot_u8s8_blocks = eq_dot_u8s8_blocks_avx512;
            t->dot_u4_blocks = eq_dot_u4_blocks_avx512;
            t->dot_int_isa = "avx512vnni";
            GRAPH(t, EQ_GRAPH_DOT_I8, eq_graph_dot_i8_avx512, "avx512vnni");
        }
    }
#endif
#if defined(__aarch64__)
    if (allows(caps, EQCPU_NEON)) {
        SEARCH(t, neon);
        QUANTIZE(t, neon);
        ASYM(t, neon);
        t->asym_lookup_bits = eq_asym_lookup_bits_neon;
        t->asym_lookup_isa = "neon";
        RABITQ(t, neon);
        GRAPH_ALL(t, neon);
        if (allows(caps, EQCPU_NEON | EQCPU_NEON_DOTPROD)) {
            t->dot_u8s8_blocks = eq_dot_u8s8_blocks_neondot;
            t->dot_u4_blocks = eq_dot_u4_blocks_neondot;
            t->dot_int_isa = "neondot";
        }
        if (allows(caps, EQCPU_NEON | EQCPU_NEON_DOTPROD | EQCPU_NEON_I8MM)) {
            t->dot_u8s8_blocks = eq_dot_u8s8_blocks_neoni8mm;
            t->dot_int_isa = "neoni8mm";  // the 4-bit scan stays on SDOT
        }
    }
#endif
    (void)caps;
    (void)allows;
}

void eq_kernels_for(uint64_t capabilities, eq_kernel_table *table) {
    fill(capabilities & eqcpu_capabilities(), table);
}

static eq_kernel_table process_table;
static pthread_once_t process_table_once = PTHREAD_ONCE_INIT;

static void fill_process_table(void) { fill(eqcpu_capabilities(), &process_table); }

const eq_kernel_table *eq_kernels(void) {
    pthread_once(&process_table_once, fill_process_table);
    return &process_table;
}
