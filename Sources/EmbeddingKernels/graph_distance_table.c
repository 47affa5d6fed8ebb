// The graph distance kernels' dispatch table: the best variant of each metric that a
// CPUCapabilities mask allows (see GraphKernels.h).
#include <pthread.h>

#include "CPUCapabilities.h"
#include "graph_distance_internal.h"

#define SET(metric, function, name)        \
    do {                                   \
        table->distances[metric] = function; \
        table->variant[metric] = name;     \
    } while (0)

void eq_graph_kernel_table_fill(uint64_t capabilities, eq_graph_kernel_table *table) {
    SET(EQ_GRAPH_HAMMING, eq_graph_hamming_portable, "portable");
    SET(EQ_GRAPH_TERNARY, eq_graph_ternary_portable, "portable");
    SET(EQ_GRAPH_DOT_I8, eq_graph_dot_i8_portable, "portable");
    SET(EQ_GRAPH_DOT_F32, eq_graph_dot_f32_portable, "portable");
    SET(EQ_GRAPH_DOT_F16, eq_graph_dot_f16_portable, "portable");
    SET(EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_portable, "portable");
#if EQ_GRAPH_X86
    const uint64_t avx2 = EQCPU_LEVEL_AVX2_MASK, avx512 = EQCPU_LEVEL_AVX512_MASK;
    if ((capabilities & avx2) == avx2) {
        SET(EQ_GRAPH_HAMMING, eq_graph_hamming_avx2, "avx2");
        SET(EQ_GRAPH_TERNARY, eq_graph_ternary_avx2, "avx2");
        SET(EQ_GRAPH_DOT_I8, eq_graph_dot_i8_avx2, "avx2");
        SET(EQ_GRAPH_DOT_F32, eq_graph_dot_f32_avx2, "avx2");
        SET(EQ_GRAPH_DOT_F16, eq_graph_dot_f16_avx2, "avx2");
        SET(EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_avx2, "avx2");
    }
    if ((capabilities & avx512) == avx512) {
        SET(EQ_GRAPH_DOT_F32, eq_graph_dot_f32_avx512, "avx512");
        SET(EQ_GRAPH_DOT_F16, eq_graph_dot_f16_avx512, "avx512");
        SET(EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_avx512, "avx512");
        if (capabilities & EQCPU_AVX512VPOPCNTDQ) {
            SET(EQ_GRAPH_HAMMING, eq_graph_hamming_avx512, "avx512vpopcntdq");
            SET(EQ_GRAPH_TERNARY, eq_graph_ternary_avx512, "avx512vpopcntdq");
        }
        if (capabilities & EQCPU_AVX512VNNI) SET(EQ_GRAPH_DOT_I8, eq_graph_dot_i8_avx512, "avx512vnni");
    }
#endif
#if EQ_GRAPH_ARM64
    if (capabilities & EQCPU_NEON) {
        SET(EQ_GRAPH_HAMMING, eq_graph_hamming_neon, "neon");
        SET(EQ_GRAPH_TERNARY, eq_graph_ternary_neon, "neon");
        SET(EQ_GRAPH_DOT_I8, eq_graph_dot_i8_neon, "neon");
        SET(EQ_GRAPH_DOT_F32, eq_graph_dot_f32_neon, "neon");
        SET(EQ_GRAPH_DOT_F16, eq_graph_dot_f16_neon, "neon");
        SET(EQ_GRAPH_DOT_BF16, eq_graph_dot_bf16_neon, "neon");
    }
#endif
    (void)capabilities;
}

static eq_graph_kernel_table running_table;
static pthread_once_t running_table_once = PTHREAD_ONCE_INIT;

static void fill_running_table(void) { eq_graph_kernel_table_fill(eqcpu_capabilities(), &running_table); }

const eq_graph_kernel_table *eq_graph_kernels(void) {
    pthread_once(&running_table_once, fill_running_table);
    return &running_table;
}
