// Search kernels: score a batch of queries against a corpus stored in row blocks.
//
// Blocked layout (decided here, built by EmbeddingSearch's `BlockedCodes`):
// rows are grouped in blocks of EQ_BLOCK_ROWS = 16 (the last block zero-padded); each row is cut
// into `words` words of W bytes (W = 8 for bit codes, 4 for int8 / uint8 / int4 / float32, 2 for
// float16 / bfloat16), zero-padded at its end; a block stores word 0 of its 16 rows, then word 1
// of its 16 rows, and so on. One 512-bit register then holds the same word of 8 or 16 rows, so
// a query word is broadcast once and no horizontal sum is ever needed.
//
// Outputs are "keys", where higher is better, `out[q * out_stride + row]` for rows
// `0 ..< 16 * nblocks` of the blocks passed (padding rows included: callers ignore them).
// Every kernel exists as `_portable` (plain C), `_avx2` (AVX2, FMA, F16C, POPCNT), `_avx512`
// (AVX-512 F/BW/DQ/VL, with VPOPCNTDQ for bit codes and VNNI for byte / nibble codes) and, on
// arm64, `_neon` (plus `_neondot`: SDOT for byte / nibble codes, `_neoni8mm`: USDOT for byte
// codes); `eq_kernels()`
// (EmbeddingKernels.h) holds the best variant of each the CPU runs.
#ifndef EMBEDQ_SEARCH_KERNELS_H
#define EMBEDQ_SEARCH_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EQ_BLOCK_ROWS 16

/// Hamming keys: `-popcount(corpus XOR query)` over `words` 64-bit words (`queries`: nq × words).
/// Ternary keys (the same signature): per row, `words` = 2 × plane words (the positive plane's
/// words, then the negative plane's), and the same for each query;
/// key = |P∧P'| + |N∧N'| − |P∧N'| − |N∧P'|.
typedef void (*eq_bit_blocks_fn)(const uint64_t *blocks, int64_t nblocks, int64_t words, const uint64_t *queries,
                                 int64_t nq, int32_t *out, int64_t out_stride);

/// Unsigned × signed byte dot products: key = Σ u8(corpus byte) × s8(query byte) + bias[row],
/// over `words` 4-byte words, accumulated in wrapping 32-bit integer arithmetic
/// (`bias` may be NULL; it is indexed by the row within the blocks passed).
typedef void (*eq_dot_u8s8_blocks_fn)(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                                      int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride);

/// Packed 4-bit codes: each corpus word holds 8 nibbles (high nibble first in each byte); each
/// query word is stored as 8 bytes: the 4 high-nibble codes, then the 4 low-nibble codes
/// (`queries`: nq × 2 × words × 4 bytes). key = Σ code × query code.
typedef void (*eq_dot_u4_blocks_fn)(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                                    int64_t nq, int32_t *out, int64_t out_stride);

/// Float dot products, one word per dimension: key = fma chain over dimensions in order
/// (`acc = fma(x_j, q_j, acc)`, j = 0, 1, …, from acc = +0), bit-identical across variants.
/// `format`: 0 float32, 1 float16 (IEEE binary16), 2 bfloat16 (corpus words; queries are float32).
typedef void (*eq_dot_float_blocks_fn)(const void *blocks, int64_t nblocks, int64_t dim, int format,
                                       const float *queries, int64_t nq, float *out, int64_t out_stride);

/// Writes to `indices` the positions `i < n` with `keys[i] > threshold`, in increasing order,
/// and returns how many there are.
typedef int64_t (*eq_select_above_i32_fn)(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices);
/// As `eq_select_above_i32_fn` for float keys (NaN is never above).
typedef int64_t (*eq_select_above_f32_fn)(const float *keys, int64_t n, float threshold, int32_t *indices);

/// Declares the search kernels of one instruction set (`eq_hamming_blocks_<isa>`, …).
#define EQ_SEARCH_DECLARE(isa)                                                                                  \
    void eq_hamming_blocks_##isa(const uint64_t *blocks, int64_t nblocks, int64_t words,                        \
                                 const uint64_t *queries, int64_t nq, int32_t *out, int64_t out_stride);        \
    void eq_ternary_blocks_##isa(const uint64_t *blocks, int64_t nblocks, int64_t words,                        \
                                 const uint64_t *queries, int64_t nq, int32_t *out, int64_t out_stride);        \
    void eq_dot_u8s8_blocks_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries, \
                                  int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride);           \
    void eq_dot_u4_blocks_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,   \
                                int64_t nq, int32_t *out, int64_t out_stride);                                  \
    void eq_dot_float_blocks_##isa(const void *blocks, int64_t nblocks, int64_t dim, int format,                \
                                   const float *queries, int64_t nq, float *out, int64_t out_stride);           \
    int64_t eq_select_above_i32_##isa(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices);     \
    int64_t eq_select_above_f32_##isa(const float *keys, int64_t n, float threshold, int32_t *indices);

// search_portable.c: plain C, every CPU (the reference the other variants are tested against).
EQ_SEARCH_DECLARE(portable)
#if defined(__x86_64__)
// search_avx2.c: AVX2, FMA, F16C, POPCNT.
EQ_SEARCH_DECLARE(avx2)
// search_avx512.c: AVX-512 F/BW/DQ/VL; Hamming and ternary also need VPOPCNTDQ, the byte and
// nibble dot products VNNI.
EQ_SEARCH_DECLARE(avx512)
#endif
#if defined(__aarch64__)
// search_neon.c: NEON (every arm64 CPU); `_neondot`: the byte and nibble dot products with
// SDOT (FEAT_DotProd).
EQ_SEARCH_DECLARE(neon)
void eq_dot_u8s8_blocks_neondot(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                                int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride);
void eq_dot_u4_blocks_neondot(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                              int64_t nq, int32_t *out, int64_t out_stride);
// `_neoni8mm`: the byte dot product with USDOT (FEAT_I8MM: unsigned × signed bytes, no offset).
void eq_dot_u8s8_blocks_neoni8mm(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                                 int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride);
#endif

/// Sums `n` bytes as 64-bit words with one streaming pass (a read-bandwidth probe); returns
/// the sum so the reads cannot be optimized away.
uint64_t eq_read_bandwidth_probe(const uint8_t *bytes, int64_t n);

/// Half-precision helpers for the portable variant (exact widening).
float eq_float16_to_float(uint16_t bits);

#ifdef __cplusplus
}
#endif

#endif
