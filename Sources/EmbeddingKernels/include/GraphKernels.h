// Graph distance kernels: one query against a list of rows picked by number (the neighbours a
// graph search visits, the candidates a neighbour selection compares), for HNSW over codes.
//
// Unlike the blocked scan kernels (SearchKernels.h), rows are read where they are: row `r` of a
// row-major code matrix starts at `codes + r * stride`. The kernels prefetch the rows a few
// positions ahead, so the memory latency of the random rows overlaps the arithmetic.
//
// Outputs are 32-bit "distance keys": LOWER is better, and for every metric the key is a
// strictly monotone function of the score, so keys compare like scores and convert back exactly
// (`eq_graph_score_*` below):
//
// | metric            | row bytes (`size`)        | key                                      |
// |-------------------|---------------------------|------------------------------------------|
// | EQ_GRAPH_HAMMING  | `size` bytes of bits      | popcount(row XOR query)                  |
// | EQ_GRAPH_TERNARY  | 2 planes of `size` bytes  | 2^31 − (|P∧P'| + |N∧N'| − |P∧N'| − |N∧P'|)|
// | EQ_GRAPH_DOT_I8   | `size` int8 codes         | 2^31 − Σ row_j × query_j                 |
// | EQ_GRAPH_DOT_F32  | `size` float32            | eq_graph_float_key(dot)                  |
// | EQ_GRAPH_DOT_F16  | `size` float16            | eq_graph_float_key(dot)                  |
// | EQ_GRAPH_DOT_BF16 | `size` bfloat16           | eq_graph_float_key(dot)                  |
//
// Queries: the same layout as a row for the integer metrics; `size` float32 values for the float
// metrics (a float16 / bfloat16 row is widened exactly).
//
// Exactness: integer keys are exact in every variant (dimensions up to 65,536). Float dot
// products use one fixed order in every variant, so the keys are bit-identical everywhere:
// 32 partial sums, partial `l` accumulating dimensions `j ≡ l (mod 32)` with fused multiply-adds
// in increasing `j` (the row padded with zeros to a multiple of 32), then the tree
// `s[l] += s[l + 16]`, `+ 8`, `+ 4`, `+ 2`, and `s[0] + s[1]`.
//
// Every metric has a portable C variant and x86-64 AVX2 / AVX-512 and arm64 NEON variants
// (`graph_distance_<isa>.c`); the `graph_distances` slots of `eq_kernels()` (EmbeddingKernels.h)
// hold the best ones for the running CPU, and `eq_graph_distance_reference` is the plain one-pair
// reference every variant is tested against.
#ifndef EMBEDQ_GRAPH_KERNELS_H
#define EMBEDQ_GRAPH_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How a graph scores a row against a query (see the table above).
typedef enum {
    EQ_GRAPH_HAMMING = 0,
    EQ_GRAPH_TERNARY = 1,
    EQ_GRAPH_DOT_I8 = 2,
    EQ_GRAPH_DOT_F32 = 3,
    EQ_GRAPH_DOT_F16 = 4,
    EQ_GRAPH_DOT_BF16 = 5,
} eq_graph_metric;

#define EQ_GRAPH_METRIC_COUNT 6

/// Distance keys of `count` rows: `keys[i]` = key(query, row `rows[i]`), the row's bytes at
/// `codes + rows[i] * stride`. `size` is the bytes per row (Hamming), per plane (ternary) or
/// the dimension (int8, floats). Rows may repeat and come in any order.
typedef void (*eq_graph_distances_fn)(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                      const uint32_t *rows, int64_t count, uint32_t *keys);

/// The plain reference: the key of one row (`row`, laid out as above) against `query`.
uint32_t eq_graph_distance_reference(eq_graph_metric metric, const void *query, const uint8_t *row, int64_t size);

/// The key of a float dot product: lower for a higher `dot` (order-preserving, invertible).
static inline uint32_t eq_graph_float_key(float dot) {
    uint32_t bits;
    __builtin_memcpy(&bits, &dot, 4);
    const uint32_t ordered = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    return ~ordered;
}

/// The dot product a float key was made from (exact inverse of `eq_graph_float_key`).
static inline float eq_graph_float_from_key(uint32_t key) {
    const uint32_t ordered = ~key;
    const uint32_t bits = (ordered & 0x80000000u) ? (ordered & 0x7FFFFFFFu) : ~ordered;
    float dot;
    __builtin_memcpy(&dot, &bits, 4);
    return dot;
}

/// Hints the CPU to bring the cache line at `address` closer (a graph search calls it for the
/// neighbour list it will read next).
static inline void eq_graph_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#endif
}

#ifdef __cplusplus
}
#endif

#endif
