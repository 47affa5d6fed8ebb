// Asymmetric scans: a float32 query, quantized once to int8 weights with one scale, against codes
// in the blocked layout of the symmetric scans (SearchKernels.h: blocks of EQ_BLOCK_ROWS = 16
// rows, word w of the 16 rows, then word w + 1, …), scored with the symmetric kernels' exact
// integer dot products.
//
// | format            | stored word | integer value u_j of dimension j                                 |
// |-------------------|-------------|------------------------------------------------------------------|
// | EQ_ASYM_U8        | 4 bytes     | byte j of the row, unsigned (an int8 corpus carries its +128)    |
// | EQ_ASYM_U4        | 4 bytes     | nibble j (high nibble of byte j/2 first)                         |
// | EQ_ASYM_TERNARY   | 8 bytes     | 1 + P_j − N_j: bit j of the positive plane P, of the negative N  |
// | EQ_ASYM_BITS      | 8 bytes     | bit j                                                            |
//
// Bits are packed most-significant first within each byte (NumPy `packbits`), words read
// little-endian; a ternary row holds `words / 2` words of its positive plane, then as many of its
// negative plane (both bits set reads 1: the value 0). Bits and nibbles past `dim` read 0 (1 for
// ternary), and the query's padding weights are 0.
//
// Score of a row against query `q` (int8 weights v = `queries` row q, `scales[q]`,
// `constants[q]`): I = Σ_j v_j · u_j in wrapping 32-bit integer arithmetic (exact below 2³¹), then
//     out = (float)I * scale + constant        (one rounded multiply, then one rounded add).
// Every variant and `eq_asym_score_reference` compute exactly this, so they agree bit for bit.
// The caller folds the format into the scale and constant: with weights w_j ≈ s · v_j, an int8 /
// uint8 / int4 row scores Σ w_j · u_j (scale s, plus the ranges' constant), a ternary row
// Σ w_j · (u_j − 1) (scale s, constant −s · Σ v_j), a ±1 row Σ w_j · (2u_j − 1) (scale 2s,
// constant −s · Σ v_j).
//
// Query layout (`query_words` 4-byte words per query, `queries`: nq × query_words × 4 int8):
// U8, TERNARY, BITS: weight j at byte j (the unpacked layout, below); U4: each 8-dimension word
// as the symmetric 4-bit scan takes it (SearchKernels.h): the 4 high-nibble (even-dimension)
// weights, then the 4 low-nibble (odd-dimension) ones.
//
// TERNARY and BITS rows are first unpacked, a few blocks at a time into a small buffer, to one
// byte per dimension in the U8 blocked layout (16 four-byte words per 64-dimension word): the
// `asym_unpack_*` kernels, one per instruction set. The dot products are the table's
// `dot_u8s8_blocks` / `dot_u4_blocks`; so every block is read once for all the queries of a call.
//
// Nibble lookups (`eq_asym_scan_lookup`, what AsymmetricIndex scans bit codes with): the float
// weights become two 16-entry tables per code byte (`eq_asym_lookup_tables`): for each 4-dimension
// nibble and each of its 16 bit patterns n, the sum of the weights of n's set bits (most
// significant bit: the nibble's first dimension) rounded to whole steps, plus 60, where the step
// makes the largest one-signed nibble sum 60; every entry lies in 0 … 120 and is off by at most
// half a step. The tables of the 8 bytes of one 8-byte code word lie together, 256 bytes: the 8
// high-nibble tables, then the 8 low-nibble ones (`eq_lookup_table_offset`). AVX2 and NEON
// transpose two stored blocks into one lookup block of 32 rows (byte k of the 32 rows together)
// and score a nibble of 16 or 32 rows with one byte-wide table lookup (`vpshufb`, `tbl`); AVX-512
// VBMI reads the stored rows as they are and looks up all 8 bytes of a word in one two-register
// permute of 128 entries (`vpermi2b`), summing a row's bytes with `vpdpbusd`. Every variant
// computes I = Σ_k (table[k][0][high nibble] + table[k][1][low nibble] − 120), exact, then
// `(float)I * scale + constant` as above, at about the cost of a Hamming scan. The
// `asym_lookup_bits` kernels: portable, AVX2, AVX-512 VBMI + VNNI and NEON.
#ifndef EMBEDQ_ASYMMETRIC_KERNELS_H
#define EMBEDQ_ASYMMETRIC_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How the codes of a row are read (see the table above).
typedef enum {
    EQ_ASYM_U8 = 0,
    EQ_ASYM_U4 = 1,
    EQ_ASYM_TERNARY = 2,
    EQ_ASYM_BITS = 3,
} eq_asym_format;

#define EQ_ASYM_FORMAT_COUNT 4

/// Unpacks `nblocks` blocks of bit codes (`words` 8-byte words per row; for ternary both planes)
/// into one byte per dimension, U8 blocked layout: `out` receives nblocks × (16 × plane words) ×
/// 16 rows × 4 bytes, where plane words = `words` (bits) or `words / 2` (ternary).
typedef void (*eq_asym_unpack_fn)(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out);

/// What the nibble-lookup kernels write for row r and query q, given the row's sum S (below), a
/// block at a time while it is in cache.
typedef enum {
    /// The asymmetric scan: `(float)(S − offset) · scales[q] + constants[q]`.
    EQ_LOOKUP_AFFINE = 0,
    /// The 1-bit RaBitQ scan (RaBitQKernels.h): query 0's tables are ones, its S is the row's bit
    /// count C, written as int32; for q ≥ 1, `row_scales[r] · (scales[q] · (float)S + lows[q] ·
    /// (float)C + constants[q])`, the two products added first, with the per-query values of
    /// kernel query q at index q − 1.
    EQ_LOOKUP_RABITQ = 1,
} eq_lookup_finish_kind;

/// The finishing step of the nibble-lookup kernels (`eq_asym_lookup_fn`). Float operations are
/// separately rounded in the order written (no fused multiply-add), in every variant.
typedef struct {
    eq_lookup_finish_kind kind;
    /// AFFINE: subtracted from S (in 32-bit two's complement).
    int32_t offset;
    /// Per query (AFFINE: nq values; RABITQ: nq − 1, see above).
    const float *scales;
    const float *constants;
    /// RABITQ: per query.
    const float *lows;
    /// RABITQ: per row of the call (16 · nblocks values).
    const float *row_scales;
} eq_lookup_finish;

/// The nibble-lookup scan of `nblocks` blocks of bit codes (`words` 8-byte words per row) for `nq`
/// queries: with S = Σ_k (table[k][0][high nibble] + table[k][1][low nibble]) over the row's 8 ·
/// `words` code bytes, `out[q * out_stride + r]` receives `finish`'s value for the rows
/// `r < 16 * nblocks` (a float, or RABITQ's int32 count at q = 0). `tables`: nq × (8 · `words`) × 32
/// bytes in the layout of `eq_lookup_table_offset`, every entry at most 120 (see above);
/// `scratch`: `eq_asym_lookup_scratch_bytes(words)` bytes, 64-byte aligned.
typedef void (*eq_asym_lookup_fn)(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables,
                                  int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,
                                  uint8_t *scratch);

struct eq_kernel_table_s;

/// Where the 16-entry table of code byte `byte`'s high nibble (`low` = 0) or low nibble (`low` =
/// 1) starts in one query's nibble-lookup tables: the tables of one 8-byte word lie together, its
/// 8 high-nibble tables, then its 8 low-nibble ones.
static inline int64_t eq_lookup_table_offset(int64_t byte, int low) {
    return (byte >> 3) * 256 + (int64_t)low * 128 + (byte & 7) * 16;
}

/// The 4-byte query words per query of `format` for rows of `words` stored words.
int64_t eq_asym_query_words(int format, int64_t words);

/// The bytes of the `scratch` buffer `eq_asym_scan` needs for `format` (0 for U8 and U4).
int64_t eq_asym_scratch_bytes(int format, int64_t words);

/// Scores `nq` queries against `nblocks` blocks of `format` codes (`words` stored words per row)
/// with the kernels of `table` (EmbeddingKernels.h): `out[q * out_stride + r]` for the rows
/// `r < 16 * nblocks` (padding rows included; callers ignore them). `scratch`: at least
/// `eq_asym_scratch_bytes(format, words)` bytes, used by one call at a time.
void eq_asym_scan(const struct eq_kernel_table_s *table, int format, const uint8_t *blocks, int64_t nblocks,
                  int64_t words, const int8_t *queries, const float *scales, const float *constants, int64_t nq,
                  float *out, int64_t out_stride, uint8_t *scratch);

/// Bytes of one query's nibble-lookup tables for rows of `words` 8-byte words of bit codes.
int64_t eq_asym_lookup_table_bytes(int64_t words);

/// Bytes of the `scratch` buffer of the nibble-lookup scan (every variant) for rows of `words`
/// 8-byte words: 1024 · `words` (AVX-512: 4 blocks' lookup indices; the others: one 32-row
/// transposed block, 256 · `words`).
int64_t eq_asym_lookup_scratch_bytes(int64_t words);

/// Writes the nibble-lookup tables of one query (`weights`: `dim` floats in dimension order, those
/// of a `binary` row's flipped bits already negated) for rows of `words` 8-byte words to `tables`
/// (`eq_asym_lookup_table_bytes(words)` bytes; nibbles past `dim` weigh 0) and returns the step s:
/// Σ_j w_j · b_j ≈ s · I, off by at most s/2 per nibble (0 when every weight is 0).
float eq_asym_lookup_tables(const float *weights, int64_t dim, int64_t words, uint8_t *tables);

/// Scores `nq` queries (their tables, nq × `eq_asym_lookup_table_bytes(words)` bytes, each built
/// once by `eq_asym_lookup_tables`, so a corpus scanned in many calls reuses them) against
/// `nblocks` blocks of BITS codes: `out[q * out_stride + r]` = `(float)I * scales[q] + constants[q]`
/// (see above). `scratch`: `eq_asym_lookup_scratch_bytes(words)` bytes, 64-byte aligned.
void eq_asym_scan_lookup(const struct eq_kernel_table_s *table, const uint8_t *blocks, int64_t nblocks, int64_t words,
                         const uint8_t *tables, const float *scales, const float *constants, int64_t nq, float *out,
                         int64_t out_stride, uint8_t *scratch);

/// The plain reference: the score of one row-major row (`row`: the bytes of one row of `format`
/// codes, unblocked — `dim` bytes for U8, `ceil(dim / 2)` for U4, `ceil(dim / 8)` for BITS, two
/// planes of `ceil(dim / 8)` for TERNARY) against the int8 weights `weights` (`dim`, in dimension
/// order), `scale` and `constant`. U8 bytes are read as `byte ^ xor_mask` (0x80 turns stored int8
/// codes into the kernels' unsigned `code + 128`); the other formats ignore `xor_mask`. Also the
/// one-row scorer of rescoring.
float eq_asym_score_reference(int format, const uint8_t *row, int64_t dim, const int8_t *weights, float scale,
                              float constant, uint8_t xor_mask);

/// The plain reference of the nibble lookups: the score of one row-major row of bit codes
/// (`ceil(dim / 8)` bytes) against one query's tables: `(float)I * scale + constant`. Also the
/// one-row scorer of rescoring bit codes.
float eq_asym_lookup_score_reference(const uint8_t *row, int64_t dim, const uint8_t *tables, float scale,
                                     float constant);

#define EQ_ASYM_DECLARE(isa)                                                                                  \
    void eq_asym_unpack_bits_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out);      \
    void eq_asym_unpack_ternary_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, uint8_t *out);
/// Declares the nibble-lookup kernel of one instruction set (portable, AVX2, AVX-512 VBMI + VNNI,
/// NEON).
#define EQ_ASYM_LOOKUP_DECLARE(isa)                                                                            \
    void eq_asym_lookup_bits_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, const uint8_t *tables, \
                                   int64_t nq, const eq_lookup_finish *finish, float *out, int64_t out_stride,   \
                                   uint8_t *scratch);

EQ_ASYM_DECLARE(portable)
EQ_ASYM_LOOKUP_DECLARE(portable)
#if defined(__x86_64__)
EQ_ASYM_DECLARE(avx2)
EQ_ASYM_LOOKUP_DECLARE(avx2)
EQ_ASYM_DECLARE(avx512)
EQ_ASYM_LOOKUP_DECLARE(avx512)
#endif
#if defined(__aarch64__)
EQ_ASYM_DECLARE(neon)
EQ_ASYM_LOOKUP_DECLARE(neon)
#endif

#ifdef __cplusplus
}
#endif

#endif
