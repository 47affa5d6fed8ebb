// RaBitQ kernels: estimator scans over bit-plane codes (RaBitQ, SIGMOD 2024; extended multi-bit
// codes, SIGMOD 2025) at popcount speed, and the float-query estimator used to rescore.
//
// Codes. A vector's code is `code_bits` (B, 1…4) bit-planes over `D` rotated dimensions: code
// u_i = Σ_a 2^a · bit_a(i), 0 ≤ u_i < 2^B, standing for the grid value y_i = u_i − (2^B − 1)/2.
// Row-major (one vector): plane 0 (`ceil(D / 8)` bytes, bits most-significant first within a
// byte, as NumPy `packbits`), then plane 1, …
//
// Blocked layout (for the scan): rows are grouped in blocks of EQ_RABITQ_BLOCK_ROWS = 16 (the last
// block zero-padded); each plane is cut into `plane_words` 64-bit words (the packed bytes read
// little-endian, zero-padded); a block stores word 0 of plane 0 for its 16 rows, then word 1 of
// plane 0, …, then the words of plane 1, … So one 512-bit register holds one word of 8 rows.
//
// Query. The rotated query q' is quantized to `query_bits` (Qb, 1…8) bit-planes of unsigned codes
// w_i (0 ≤ w_i < 2^Qb), q'_i ≈ low + delta · w_i, packed like a code plane (`query_bits ×
// plane_words` words, plane b = bit b of w_i).
//
// Estimate. For each row: dot = Σ_i u_i w_i = Σ_{a,b} 2^{a+b} popcount(X_a ∧ W_b),
// sum = Σ_i u_i = Σ_a 2^a popcount(X_a), and
//     estimate = scale[row] · (delta · dot + low · sum + bias)
// where `bias` = −(2^B − 1)/2 · Σ_i q̂_i carries the grid offset and `scale[row]` the per-vector
// correction factor ‖o − c‖ / ⟨y, o'⟩ (see docs/RABITQ.md). Integer parts are exact; the float
// epilogue is evaluated in the same order by every variant (`fmaf` is not used), so variants agree
// bit for bit.
//
// Lookups. With 1-bit codes and a query of at most 5 bits, `eq_rabitq_scan_lookup` computes the
// same estimates, bit for bit, for many queries in one pass: the query codes w_i become the
// nibble-lookup tables of the asymmetric bit scan (AsymmetricKernels.h; entry = Σ w_i over the
// nibble's set bits, at most 4 · 31, so a byte's two entries fit a byte), the table's
// `asym_lookup_bits` kernel sums them (dot), and one table of ones counts the row's bits (sum).
//
// Windows. Where the CPU has AVX-512 VBMI and the queries have at most 4 bits, the lookups read 7
// code bits at a time instead of 4: each 64-bit word is cut into 10 windows (5 of 7 bits, 5 of
// 6), a 128-entry table per window holds Σ w_i over the window's set bits (at most 7 · 15), every
// byte lane of a register is one row, and one `vpermi2b` looks up a window of 64 rows
// (rabitq_windows_avx512.c). Same sums, same estimates, bit for bit.
//
// Every kernel exists as `_portable` (plain C), `_avx2` (AVX2 + POPCNT), `_avx512` (AVX-512 F/BW
// with VPOPCNTDQ) and, on arm64, `_neon`; the `rabitq_*` slots of `eq_kernels()`
// (EmbeddingKernels.h) hold the best ones for the running CPU.
#ifndef EMBEDQ_RABITQ_KERNELS_H
#define EMBEDQ_RABITQ_KERNELS_H

#include <stdint.h>

#include "AsymmetricKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EQ_RABITQ_BLOCK_ROWS 16

/// The scan: `estimates[row]` for the `16 × nblocks` rows of the blocks passed (padding rows
/// included). `scales` holds one factor per row of the blocks (`16 × nblocks` floats).
typedef void (*eq_rabitq_scan_fn)(const uint64_t *blocks, int64_t nblocks, int64_t plane_words,
                                  int32_t code_bits, const uint64_t *query_planes, int32_t query_bits,
                                  const float *scales, float delta, float low, float bias,
                                  float *estimates);

/// The float-query estimator of one row-major code: Σ_i u_i · query[i] over `dimension` values
/// (`code`: `code_bits` planes of `ceil(dimension / 8)` bytes). Variants sum in different
/// orders: they agree within float rounding, not bit for bit.
typedef float (*eq_rabitq_code_dot_fn)(const uint8_t *code, int64_t dimension, int32_t code_bits,
                                      const float *query);

struct eq_kernel_table_s;

/// The 1-bit scan over 7-bit windows (see "Windows" above) of `nq` queries (kernel query 0: the
/// counting tables): `eq_asym_lookup_fn`'s contract with `finish` of kind EQ_LOOKUP_RABITQ, over
/// window tables (`eq_rabitq_lookup_tables`). `scratch`: `eq_rabitq_lookup_scratch_bytes` bytes,
/// 64-byte aligned. Called by `eq_rabitq_scan_lookup` only where its sums fit (4-bit queries,
/// planes of at most 68 words).
typedef void (*eq_rabitq_windows_fn)(const uint64_t *blocks, int64_t nblocks, int64_t plane_words,
                                     const uint8_t *tables, int64_t nq, const eq_lookup_finish *finish, float *out,
                                     int64_t stride, uint8_t *scratch);

/// Bytes of one query's lookup tables for `query_bits`-bit queries over planes of `plane_words`
/// words, in the layout `table` scans (windows or nibbles).
int64_t eq_rabitq_lookup_table_bytes(const struct eq_kernel_table_s *table, int64_t plane_words, int32_t query_bits);

/// Bytes of the `scratch` buffer of `eq_rabitq_scan_lookup` with `table` (as above).
int64_t eq_rabitq_lookup_scratch_bytes(const struct eq_kernel_table_s *table, int64_t plane_words, int32_t query_bits);

/// Writes the lookup tables of one query (`codes`: its `dimension` unsigned codes w_i, each below
/// 2^`query_bits` ≤ 32) to `tables` (`eq_rabitq_lookup_table_bytes` bytes), in the layout `table`
/// scans. `codes` NULL: every w_i is 1 (the counting tables, Σ_i u_i).
void eq_rabitq_lookup_tables(const struct eq_kernel_table_s *table, const uint8_t *codes, int64_t dimension,
                             int64_t plane_words, int32_t query_bits, uint8_t *tables);

/// The 1-bit scan of `nq` queries of at most `query_bits` bits by lookups, with the kernels of
/// `table` (EmbeddingKernels.h): `tables` holds nq + 1 tables made for the same `table` and
/// `query_bits`, the counting tables first, then each query's; `estimates[(q + 1) * stride + r]`
/// receives query q's estimate of row r (`r < 16 × nblocks`), equal to `rabitq_scan`'s with code
/// bits 1 and that query's `deltas[q]`, `lows[q]`, `biases[q]`; `estimates[r]` (the first
/// `stride` values) is overwritten. `scratch`: `eq_rabitq_lookup_scratch_bytes` bytes, 64-byte
/// aligned.
void eq_rabitq_scan_lookup(const struct eq_kernel_table_s *table, const uint64_t *blocks, int64_t nblocks,
                           int64_t plane_words, int32_t query_bits, const uint8_t *tables, int64_t nq,
                           const float *scales, const float *deltas, const float *lows, const float *biases,
                           float *estimates, int64_t stride, uint8_t *scratch);

/// The name of the kernel `eq_rabitq_scan_lookup` runs with `table` for such queries (a static
/// string: "avx512vbmi-windows", or the nibble kernel's `asym_lookup_isa`).
const char *eq_rabitq_lookup_isa(const struct eq_kernel_table_s *table, int64_t plane_words, int32_t query_bits);

void eq_rabitq_scan_portable(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                             const uint64_t *query_planes, int32_t query_bits, const float *scales,
                             float delta, float low, float bias, float *estimates);
float eq_rabitq_code_dot_portable(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query);

#if defined(__x86_64__)
void eq_rabitq_scan_avx2(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                         const uint64_t *query_planes, int32_t query_bits, const float *scales,
                         float delta, float low, float bias, float *estimates);
float eq_rabitq_code_dot_avx2(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query);
void eq_rabitq_scan_avx512(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                           const uint64_t *query_planes, int32_t query_bits, const float *scales,
                           float delta, float low, float bias, float *estimates);
float eq_rabitq_code_dot_avx512(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query);
void eq_rabitq_windows_avx512(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, const uint8_t *tables,
                              int64_t nq, const eq_lookup_finish *finish, float *out, int64_t stride, uint8_t *scratch);
#endif

#if defined(__aarch64__)
void eq_rabitq_scan_neon(const uint64_t *blocks, int64_t nblocks, int64_t plane_words, int32_t code_bits,
                         const uint64_t *query_planes, int32_t query_bits, const float *scales,
                         float delta, float low, float bias, float *estimates);
float eq_rabitq_code_dot_neon(const uint8_t *code, int64_t dimension, int32_t code_bits, const float *query);
#endif

#ifdef __cplusplus
}
#endif

#endif
