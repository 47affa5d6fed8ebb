// Asymmetric scan kernels: float32 queries against codes in the blocked layout of the symmetric
// scans (SearchKernels.h: blocks of EQ_BLOCK_ROWS = 16 rows, word w of the 16 rows, then word
// w + 1, …), scored as the inner product of the query with the codes' values.
//
// | format            | word    | value of dimension j (code c_j)                                  |
// |-------------------|---------|------------------------------------------------------------------|
// | EQ_ASYM_U8        | 4 bytes | byte j of the row, unsigned (an int8 corpus carries its +128)    |
// | EQ_ASYM_U4        | 4 bytes | nibble j (high nibble of byte j/2 first)                         |
// | EQ_ASYM_TERNARY   | 8 bytes | +1 / −1 / 0: bit j of the positive plane / of the negative plane |
// | EQ_ASYM_BITS      | 8 bytes | bit j as ±1 (set +1, clear −1)                                   |
//
// Bits are packed most-significant first within each byte (NumPy `packbits`), words read
// little-endian; a ternary row holds `words / 2` words of its positive plane, then as many of its
// negative plane. Bits and nibbles past `dim` are ignored.
//
// Score of a row against query `q` (weights w = `weights + q * dim`, constant c = `constants[q]`),
// evaluated per row in dimension order j = 0 … dim − 1, starting from acc = +0:
//   U8, U4:   acc = fmaf(w_j, (float)c_j, acc)
//   TERNARY:  acc = acc + w_j where only the positive bit is set, acc − w_j where only the
//             negative bit is set, acc unchanged otherwise (both set counts as 0)
//   BITS:     acc = acc + w_j where set, acc − w_j where clear
// and out = acc + c. Every variant performs exactly these float operations per row (SIMD runs
// across rows, never across dimensions), so all variants — and `eq_asym_score_reference` — agree
// bit for bit.
//
// Outputs: `out[q * out_stride + r]` for the rows `r < 16 * nblocks` of the blocks passed (padding
// rows included; callers ignore them). Queries are scored block by block, so a block is read from
// memory once for all `nq` queries.
//
// Every format exists as `_portable` (plain C), `_avx2` (AVX2 + FMA), `_avx512` (AVX-512 F/BW/DQ/VL)
// and, on arm64, `_neon`; the `asym_scan` slots of `eq_kernels()` (EmbeddingKernels.h) hold the
// best ones for the running CPU.
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

/// Scores `nq` queries (`weights`: nq × dim floats; `constants`: nq floats) against `nblocks`
/// blocks of `words` words per row.
typedef void (*eq_asym_scan_fn)(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,
                                const float *weights, const float *constants, int64_t nq, float *out,
                                int64_t out_stride);

/// The plain reference: the score of one row-major row (`row`: the bytes of one row of `format`
/// codes, unblocked — `dim` bytes for U8, `ceil(dim / 2)` for U4, `ceil(dim / 8)` for BITS, two
/// planes of `ceil(dim / 8)` for TERNARY) against `weights` (`dim` floats) and `constant`. U8
/// bytes are read as `byte ^ xor_mask` (0x80 turns stored int8 codes into the kernels' unsigned
/// `code + 128`); the other formats ignore `xor_mask`. Also the one-row scorer of rescoring.
float eq_asym_score_reference(int format, const uint8_t *row, int64_t dim, const float *weights, float constant,
                              uint8_t xor_mask);

#define EQ_ASYM_DECLARE(isa)                                                                                    \
    void eq_asym_scan_u8_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,              \
                               const float *weights, const float *constants, int64_t nq, float *out,            \
                               int64_t out_stride);                                                             \
    void eq_asym_scan_u4_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,              \
                               const float *weights, const float *constants, int64_t nq, float *out,            \
                               int64_t out_stride);                                                             \
    void eq_asym_scan_ternary_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,         \
                                    const float *weights, const float *constants, int64_t nq, float *out,       \
                                    int64_t out_stride);                                                        \
    void eq_asym_scan_bits_##isa(const uint8_t *blocks, int64_t nblocks, int64_t words, int64_t dim,            \
                                 const float *weights, const float *constants, int64_t nq, float *out,          \
                                 int64_t out_stride);

EQ_ASYM_DECLARE(portable)
#if defined(__x86_64__)
EQ_ASYM_DECLARE(avx2)
EQ_ASYM_DECLARE(avx512)
#endif
#if defined(__aarch64__)
EQ_ASYM_DECLARE(neon)
#endif

#ifdef __cplusplus
}
#endif

#endif
