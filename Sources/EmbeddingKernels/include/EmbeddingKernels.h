// EmbeddingKernels: the search and quantization inner loops behind ONE dispatch table.
//
// `eq_kernels()` returns the table for this process: for every kernel, the best variant the CPU
// can run (`eqcpu_capabilities()` from CPUCapabilities, i.e. detected once and capped by
// `EMBEDQ_ISA`), filled once, thread-safe. `eq_kernels_for(capabilities, &table)` fills a table
// for any lower set of capabilities, so that tests run every variant the CPU has against the
// portable one and the plain-Swift references. Every variant lives in one file per operation ×
// instruction set (`search_<isa>.c`, `quantize_<isa>.c`, `asymmetric_unpack_<isa>.c`,
// `asymmetric_lookup_<isa>.c`, `graph_distance_<isa>.c`, `rabitq_scan_<isa>.c`,
// `rabitq_windows_avx512.c`), compiled with per-function target attributes.
//
// | kernels                     | portable | x86-64                               | arm64                  |
// |-----------------------------|----------|--------------------------------------|------------------------|
// | Hamming, ternary scans      | C        | AVX2 + POPCNT, AVX-512 VPOPCNTDQ     | NEON (vcnt)            |
// | u8×s8, 4-bit dot scans      | C        | AVX2 vpmaddwd, AVX-512 VNNI          | NEON (smlal), SDOT,    |
// |                             |          |                                      | USDOT (i8mm, u8×s8)    |
// | float / f16 / bf16 dot scan | C        | AVX2 + FMA + F16C, AVX-512 F         | NEON (fma, fcvtl)      |
// | select above (i32, f32)     | C        | AVX2, AVX-512 F (compress)           | NEON                   |
// | quantize (uint8 / int4 /    | C        | AVX2, AVX-512 F/BW/DQ/VL             | NEON                   |
// | int8 codes, signs, ternary) |          |                                      |                        |
// | asymmetric scans: bit and   | C        | AVX2, AVX-512 BW                     | NEON (tbl)             |
// | ternary unpacking (the dot  |          |                                      |                        |
// | products are the u8×s8 and  |          |                                      |                        |
// | 4-bit scans above); bit     |          | AVX2 vpshufb,                        | NEON (tbl)             |
// | codes' nibble lookups       |          | AVX-512 VBMI + VNNI (vpermi2b)       |                        |
// | graph distances             | C        | AVX2, AVX-512 (VPOPCNTDQ, VNNI)      | NEON                   |
// | RaBitQ scan, code dot       | C        | AVX2 + POPCNT, AVX-512 VPOPCNTDQ     | NEON                   |
// | (1-bit: the lookups above,  |          | AVX-512 VBMI 7-bit windows           |                        |
// | or 7-bit windows)           |          | (vpmultishiftqb, vpermi2b)           |                        |
//
// Exactness: integer kernels (the asymmetric scans' sums included) are bit-identical to the
// portable variant; every float kernel (float dot scans, graph float distances, quantizers, the
// asymmetric scans' final multiply-add, written once in asymmetric_scan.c) performs the same float
// operations in the same order in every variant, so it is bit-identical too (0 ulp); only the
// RaBitQ float-query code dot sums in its own order (RaBitQKernels.h).
//
// Layouts: matrices are row-major float32 (`n` rows of `d` values). Bit codes are packed
// most-significant bit first within each byte (NumPy `packbits`), zero-padded to whole bytes.
#ifndef EMBEDQ_EMBEDDING_KERNELS_H
#define EMBEDQ_EMBEDDING_KERNELS_H

#include <stdint.h>

#include "AsymmetricKernels.h"
#include "GraphKernels.h"
#include "RaBitQKernels.h"
#include "SearchKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Scalar (uint8) quantization of `n × d` floats against per-dimension `minimums` and `steps`:
/// `code = clip(floor((x - minimum) / step), 0, max_code)` (`nearest != 0`: round half to even
/// instead of floor), stored as `code ^ xor_mask` in `out` (`n × d` bytes). Float32 arithmetic in
/// exactly that order (subtract, then divide), matching sentence-transformers byte for byte.
///
/// Returns -1 when every value is finite, else the index of the first row holding a NaN or an
/// infinity (rows before it are written; the rest of `out` is unspecified).
typedef int64_t (*eq_quantize_scalar_codes_fn)(const float *x, int64_t n, int64_t d, const float *minimums,
                                               const float *steps, float max_code, int nearest, uint8_t xor_mask,
                                               uint8_t *out);

/// Sign bits: bit = `x > 0` per dimension, `ceil(d / 8)` bytes a row, each byte stored as
/// `packed ^ xor_mask` (0x80 gives sentence-transformers' signed `binary`, 0 gives `ubinary`).
/// Returns -1 or the first row with a non-finite value, as above.
typedef int64_t (*eq_pack_signs_fn)(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);

/// Ternary bit-planes: per row, `ceil(d / 8)` bytes of `x > t` (the positive plane) followed by
/// `ceil(d / 8)` bytes of `x < -t` (the negative plane), with per-dimension `thresholds` t ≥ 0.
/// Returns -1 or the first row with a non-finite value, as above.
typedef int64_t (*eq_pack_ternary_fn)(const float *x, int64_t n, int64_t d, const float *thresholds, uint8_t *out);

/// Declares the quantizers of one instruction set (`eq_quantize_scalar_codes_<isa>`, …).
#define EQ_QUANTIZE_DECLARE(isa)                                                                                 \
    int64_t eq_quantize_scalar_codes_##isa(const float *x, int64_t n, int64_t d, const float *minimums,          \
                                           const float *steps, float max_code, int nearest, uint8_t xor_mask,    \
                                           uint8_t *out);                                                        \
    int64_t eq_pack_signs_##isa(const float *x, int64_t n, int64_t d, uint8_t xor_mask, uint8_t *out);           \
    int64_t eq_pack_ternary_##isa(const float *x, int64_t n, int64_t d, const float *thresholds, uint8_t *out);

// quantize_portable.c: plain C, every CPU.
EQ_QUANTIZE_DECLARE(portable)
#if defined(__x86_64__)
// quantize_avx2.c: AVX2 + FMA + F16C; quantize_avx512.c: AVX-512 F/BW/DQ/VL.
EQ_QUANTIZE_DECLARE(avx2)
EQ_QUANTIZE_DECLARE(avx512)
#endif
#if defined(__aarch64__)
// quantize_neon.c: NEON.
EQ_QUANTIZE_DECLARE(neon)
#endif

/// The dispatch table: one function per kernel, and the variant each family runs.
typedef struct eq_kernel_table_s {
    // Blocked scans and selection (SearchKernels.h).
    eq_bit_blocks_fn hamming_blocks;
    eq_bit_blocks_fn ternary_blocks;
    eq_dot_u8s8_blocks_fn dot_u8s8_blocks;
    eq_dot_u4_blocks_fn dot_u4_blocks;
    eq_dot_float_blocks_fn dot_float_blocks;
    eq_select_above_i32_fn select_above_i32;
    eq_select_above_f32_fn select_above_f32;
    // Quantizers (above).
    eq_quantize_scalar_codes_fn quantize_scalar_codes;
    eq_pack_signs_fn pack_signs;
    eq_pack_ternary_fn pack_ternary;
    // The unpacking of bit and ternary codes for the asymmetric scans (AsymmetricKernels.h).
    eq_asym_unpack_fn asym_unpack_bits;
    eq_asym_unpack_fn asym_unpack_ternary;
    eq_asym_lookup_fn asym_lookup_bits;
    // Graph distances, by `eq_graph_metric` (GraphKernels.h).
    eq_graph_distances_fn graph_distances[EQ_GRAPH_METRIC_COUNT];
    // RaBitQ (RaBitQKernels.h).
    eq_rabitq_scan_fn rabitq_scan;
    eq_rabitq_code_dot_fn rabitq_code_dot;
    /// The 1-bit lookup scan over 7-bit windows; NULL where the CPU lacks AVX-512 VBMI.
    eq_rabitq_windows_fn rabitq_windows;

    // Variant names ("portable", "avx2", "avx512", "avx512vnni", "avx512vpopcntdq", "neon",
    // "neondot", "neoni8mm"), static strings.
    const char *hamming_isa;   ///< hamming_blocks and ternary_blocks
    const char *dot_int_isa;   ///< dot_u8s8_blocks and dot_u4_blocks
    const char *dot_float_isa; ///< dot_float_blocks
    const char *select_isa;    ///< select_above_i32 and select_above_f32
    const char *quantize_isa;  ///< quantize_scalar_codes, pack_signs and pack_ternary
    const char *asym_isa;      ///< asym_unpack_bits and asym_unpack_ternary
    const char *asym_lookup_isa; ///< asym_lookup_bits ("avx512vbmi": AVX-512 VBMI + VNNI)
    const char *rabitq_isa;    ///< rabitq_scan and rabitq_code_dot
    const char *rabitq_windows_isa; ///< rabitq_windows ("avx512vbmi-windows"), NULL without it
    const char *graph_isa[EQ_GRAPH_METRIC_COUNT];
} eq_kernel_table;

/// The table for this process: the best variants `eqcpu_capabilities()` allows (so `EMBEDQ_ISA`
/// caps it), filled once, thread-safe.
const eq_kernel_table *eq_kernels(void);

/// Fills `table` with the best variants whose instructions are all in `capabilities` (a
/// CPUCapabilities bit mask) and in `eqcpu_capabilities()`; 0 gives the portable variants.
void eq_kernels_for(uint64_t capabilities, eq_kernel_table *table);

/// The graph distance function of `metric` in `table`.
static inline eq_graph_distances_fn eq_kernels_graph_distances(const eq_kernel_table *table, int metric) {
    return table->graph_distances[metric];
}

/// The variant name of the graph distance of `metric` in `table`.
static inline const char *eq_kernels_graph_isa(const eq_kernel_table *table, int metric) {
    return table->graph_isa[metric];
}

#ifdef __cplusplus
}
#endif

#endif
