// arm64 NEON variants of the search kernels (SearchKernels.h for the blocked layout and keys).
//
// A block word of 16 rows fills 8 (bit codes: two 64-bit words per register), 4 (byte and nibble
// codes: 4 rows of 4 bytes per register) or 4 (floats: 4 rows per register) q registers; each
// kernel keeps a small tile of queries in flight, so the block is read once per tile and no
// horizontal sum runs inside the word loop.
// - Hamming / ternary: `vcnt` byte popcounts, folded into 16-bit lanes by `vpadal` and into 32-bit
//   lanes every `BIT_CHUNK` words (so the 16-bit lanes cannot overflow). Exact.
// - u8 × s8 and 4-bit dot products: bytes widened to 16 bits, `smlal` into 32-bit lanes
//   (wrapping, like the portable variant's unsigned sums); `_neondot` uses SDOT (FEAT_DotProd,
//   per-function target attribute) on `code ^ 0x80` and adds 128 · Σ query back; `_neoni8mm`
//   multiplies the unsigned codes by the signed query bytes directly with USDOT (FEAT_I8MM).
//   Exact: every variant computes the same sums modulo 2^32.
// - Floats: `vfmaq_f32` is the fused multiply-add of the portable chain, dimension by dimension,
//   from +0; float16 / bfloat16 words are widened exactly (`fcvtl`, a 16-bit shift). Bit-identical.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "SearchKernels.h"

#define ROWS EQ_BLOCK_ROWS
#define INLINE static inline __attribute__((always_inline))
#define TARGET_NEONDOT __attribute__((target("dotprod")))
#define INLINE_NEONDOT static inline __attribute__((always_inline)) TARGET_NEONDOT

/// Words accumulated in 16-bit lanes before they are folded into 32-bit lanes: a Hamming word
/// adds at most 16 to an unsigned lane (1024 × 16 ≤ 65535), a ternary plane word at most ±16 to
/// a signed one (each bit adds (p − n)(p' − n') ∈ {−1, 0, 1}; 1024 × 16 ≤ 32767).
#define BIT_CHUNK 1024

// ---- Hamming: 8 rows (4 registers) × up to 4 queries per pass ------------------------------------

INLINE void hamming_tile(const uint64_t *block, int64_t words, const uint64_t *queries, int tq, int32_t *out,
                         int64_t out_stride) {
    for (int half = 0; half < 2; half++) {
        int32x4_t total[4][4];
        for (int q = 0; q < 4; q++)
            for (int v = 0; v < 4; v++) total[q][v] = vdupq_n_s32(0);
        for (int64_t start = 0; start < words; start += BIT_CHUNK) {
            const int64_t end = words - start > BIT_CHUNK ? start + BIT_CHUNK : words;
            uint16x8_t acc[4][4];
            for (int q = 0; q < 4; q++)
                for (int v = 0; v < 4; v++) acc[q][v] = vdupq_n_u16(0);
            for (int64_t w = start; w < end; w++) {
                const uint64_t *word = block + w * ROWS + 8 * half;
                uint64x2_t x[4];
                for (int v = 0; v < 4; v++) x[v] = vld1q_u64(word + 2 * v);
                for (int q = 0; q < tq; q++) {
                    const uint64x2_t qv = vdupq_n_u64(queries[q * words + w]);
                    for (int v = 0; v < 4; v++)
                        acc[q][v] = vpadalq_u8(acc[q][v], vcntq_u8(vreinterpretq_u8_u64(veorq_u64(x[v], qv))));
                }
            }
            for (int q = 0; q < tq; q++)
                for (int v = 0; v < 4; v++)
                    total[q][v] = vreinterpretq_s32_u32(vpadalq_u16(vreinterpretq_u32_s32(total[q][v]), acc[q][v]));
        }
        for (int q = 0; q < tq; q++) {
            for (int g = 0; g < 2; g++) {
                const int32x4_t rows = vpaddq_s32(total[q][2 * g], total[q][2 * g + 1]);
                vst1q_s32(out + q * out_stride + 8 * half + 4 * g, vnegq_s32(rows));
            }
        }
    }
}

void eq_hamming_blocks_neon(const uint64_t *blocks, int64_t nblocks, int64_t words, const uint64_t *queries,
                            int64_t nq, int32_t *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * ROWS;
        int32_t *dst = out + b * ROWS;
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4) hamming_tile(block, words, queries + q * words, 4, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 3: hamming_tile(block, words, queries + q * words, 3, dst + q * out_stride, out_stride); break;
        case 2: hamming_tile(block, words, queries + q * words, 2, dst + q * out_stride, out_stride); break;
        case 1: hamming_tile(block, words, queries + q * words, 1, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

// ---- Ternary: 8 rows × up to 2 queries per pass -------------------------------------------------

INLINE void ternary_tile(const uint64_t *block, int64_t words, const uint64_t *queries, int tq, int32_t *out,
                         int64_t out_stride) {
    const int64_t plane = words / 2;
    for (int half = 0; half < 2; half++) {
        int32x4_t total[2][4];
        for (int q = 0; q < 2; q++)
            for (int v = 0; v < 4; v++) total[q][v] = vdupq_n_s32(0);
        for (int64_t start = 0; start < plane; start += BIT_CHUNK) {
            const int64_t end = plane - start > BIT_CHUNK ? start + BIT_CHUNK : plane;
            int16x8_t acc[2][4];
            for (int q = 0; q < 2; q++)
                for (int v = 0; v < 4; v++) acc[q][v] = vdupq_n_s16(0);
            for (int64_t w = start; w < end; w++) {
                const uint64_t *pw = block + w * ROWS + 8 * half;
                const uint64_t *nw = block + (plane + w) * ROWS + 8 * half;
                uint64x2_t p[4], n[4];
                for (int v = 0; v < 4; v++) {
                    p[v] = vld1q_u64(pw + 2 * v);
                    n[v] = vld1q_u64(nw + 2 * v);
                }
                for (int q = 0; q < tq; q++) {
                    const uint64x2_t qp = vdupq_n_u64(queries[q * words + w]);
                    const uint64x2_t qn = vdupq_n_u64(queries[q * words + plane + w]);
                    for (int v = 0; v < 4; v++) {
                        // Per byte: agreements − disagreements, in −8 … 8.
                        const uint8x16_t plus = vaddq_u8(vcntq_u8(vreinterpretq_u8_u64(vandq_u64(p[v], qp))),
                                                         vcntq_u8(vreinterpretq_u8_u64(vandq_u64(n[v], qn))));
                        const uint8x16_t minus = vaddq_u8(vcntq_u8(vreinterpretq_u8_u64(vandq_u64(p[v], qn))),
                                                          vcntq_u8(vreinterpretq_u8_u64(vandq_u64(n[v], qp))));
                        acc[q][v] = vpadalq_s8(acc[q][v], vreinterpretq_s8_u8(vsubq_u8(plus, minus)));
                    }
                }
            }
            for (int q = 0; q < tq; q++)
                for (int v = 0; v < 4; v++) total[q][v] = vpadalq_s16(total[q][v], acc[q][v]);
        }
        for (int q = 0; q < tq; q++) {
            for (int g = 0; g < 2; g++) {
                vst1q_s32(out + q * out_stride + 8 * half + 4 * g, vpaddq_s32(total[q][2 * g], total[q][2 * g + 1]));
            }
        }
    }
}

void eq_ternary_blocks_neon(const uint64_t *blocks, int64_t nblocks, int64_t words, const uint64_t *queries,
                            int64_t nq, int32_t *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint64_t *block = blocks + b * words * ROWS;
        int32_t *dst = out + b * ROWS;
        int64_t q = 0;
        for (; q + 2 <= nq; q += 2) ternary_tile(block, words, queries + q * words, 2, dst + q * out_stride, out_stride);
        if (q < nq) ternary_tile(block, words, queries + q * words, 1, dst + q * out_stride, out_stride);
    }
}

// ---- Bytes and nibbles without SDOT: widen to 16 bits, smlal per row ---------------------------

/// acc[r] (one register per row of a group of 4, lanes = byte positions) += x × q, where `x`
/// holds the 4 rows' 4 codes (0 … 255) and `q16` the query's 4 codes twice (16-bit).
INLINE void multiply_add_rows(int32x4_t acc[4], uint8x16_t x, int16x8_t q16) {
    const int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(x)));
    const int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(x));
    acc[0] = vmlal_s16(acc[0], vget_low_s16(lo), vget_low_s16(q16));
    acc[1] = vmlal_high_s16(acc[1], lo, q16);
    acc[2] = vmlal_s16(acc[2], vget_low_s16(hi), vget_low_s16(q16));
    acc[3] = vmlal_high_s16(acc[3], hi, q16);
}

/// The query word's 4 signed codes at `q`, widened to 16 bits, twice.
INLINE int16x8_t query_pairs(const int8_t *q) {
    int32_t word;
    __builtin_memcpy(&word, q, 4);
    return vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(word)));
}

/// The 4 row sums of 4 per-row registers (wrapping).
INLINE int32x4_t row_sums(const int32x4_t acc[4]) {
    return vpaddq_s32(vpaddq_s32(acc[0], acc[1]), vpaddq_s32(acc[2], acc[3]));
}

void eq_dot_u8s8_blocks_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                             int64_t nq, const int32_t *bias, int32_t *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const int8_t *query = queries + q * words * 4;
            int32x4_t acc[4][4];
            for (int g = 0; g < 4; g++)
                for (int r = 0; r < 4; r++) acc[g][r] = vdupq_n_s32(0);
            for (int64_t w = 0; w < words; w++) {
                const int16x8_t q16 = query_pairs(query + w * 4);
                for (int g = 0; g < 4; g++) multiply_add_rows(acc[g], vld1q_u8(block + w * ROWS * 4 + 16 * g), q16);
            }
            for (int g = 0; g < 4; g++) {
                int32x4_t sums = row_sums(acc[g]);
                if (bias) sums = vaddq_s32(sums, vld1q_s32(bias + b * ROWS + 4 * g));
                vst1q_s32(out + q * out_stride + b * ROWS + 4 * g, sums);
            }
        }
    }
}

void eq_dot_u4_blocks_neon(const uint8_t *blocks, int64_t nblocks, int64_t words, const int8_t *queries,
                           int64_t nq, int32_t *out, int64_t out_stride) {
    const uint8x16_t low = vdupq_n_u8(0x0F);
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        for (int64_t q = 0; q < nq; q++) {
            const int8_t *query = queries + q * words * 8;
            int32x4_t acc[4][4];
            for (int g = 0; g < 4; g++)
                for (int r = 0; r < 4; r++) acc[g][r] = vdupq_n_s32(0);
            for (int64_t w = 0; w < words; w++) {
                const int16x8_t high_q = query_pairs(query + w * 8), low_q = query_pairs(query + w * 8 + 4);
                for (int g = 0; g < 4; g++) {
                    const uint8x16_t x = vld1q_u8(block + w * ROWS * 4 + 16 * g);
                    multiply_add_rows(acc[g], vshrq_n_u8(x, 4), high_q);
                    multiply_add_rows(acc[g], vandq_u8(x, low), low_q);
                }
            }
            for (int g = 0; g < 4; g++) vst1q_s32(out + q * out_stride + b * ROWS + 4 * g, row_sums(acc[g]));
        }
    }
}

// ---- Bytes and nibbles with SDOT (FEAT_DotProd): 16 rows × up to 4 queries ---------------------

/// The query word's 4 signed codes at `q` in every 32-bit lane.
INLINE int8x16_t query_word(const int8_t *q) {
    int32_t word;
    __builtin_memcpy(&word, q, 4);
    return vreinterpretq_s8_s32(vdupq_n_s32(word));
}

INLINE_NEONDOT void u8s8_dot_tile(const uint8_t *block, int64_t words, const int8_t *queries, int tq,
                                  const int32_t *bias, int32_t *out, int64_t out_stride) {
    const uint8x16_t flip = vdupq_n_u8(0x80);
    int32x4_t acc[4][4];
    for (int q = 0; q < tq; q++) {
        // Σ x·q = Σ (x − 128)·q + 128·Σ q, all modulo 2^32.
        uint32_t correction = 0;
        for (int64_t i = 0; i < words * 4; i++) correction += (uint32_t)(int32_t)queries[q * words * 4 + i];
        const int32x4_t start = vdupq_n_s32((int32_t)(correction * 128u));
        for (int g = 0; g < 4; g++) acc[q][g] = bias ? vaddq_s32(start, vld1q_s32(bias + 4 * g)) : start;
    }
    for (int64_t w = 0; w < words; w++) {
        int8x16_t x[4];
        for (int g = 0; g < 4; g++) x[g] = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(block + w * ROWS * 4 + 16 * g), flip));
        for (int q = 0; q < tq; q++) {
            const int8x16_t qv = query_word(queries + q * words * 4 + w * 4);
            for (int g = 0; g < 4; g++) acc[q][g] = vdotq_s32(acc[q][g], x[g], qv);
        }
    }
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) vst1q_s32(out + q * out_stride + 4 * g, acc[q][g]);
}

TARGET_NEONDOT void eq_dot_u8s8_blocks_neondot(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                               const int8_t *queries, int64_t nq, const int32_t *bias, int32_t *out,
                                               int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        const int32_t *block_bias = bias ? bias + b * ROWS : 0;
        int32_t *dst = out + b * ROWS;
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4)
            u8s8_dot_tile(block, words, queries + q * words * 4, 4, block_bias, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 3: u8s8_dot_tile(block, words, queries + q * words * 4, 3, block_bias, dst + q * out_stride, out_stride); break;
        case 2: u8s8_dot_tile(block, words, queries + q * words * 4, 2, block_bias, dst + q * out_stride, out_stride); break;
        case 1: u8s8_dot_tile(block, words, queries + q * words * 4, 1, block_bias, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

INLINE_NEONDOT void u4_dot_tile(const uint8_t *block, int64_t words, const int8_t *queries, int tq, int32_t *out,
                                int64_t out_stride) {
    const uint8x16_t low = vdupq_n_u8(0x0F);
    int32x4_t acc[4][4];
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) acc[q][g] = vdupq_n_s32(0);
    for (int64_t w = 0; w < words; w++) {
        int8x16_t high[4], lowv[4];
        for (int g = 0; g < 4; g++) {
            const uint8x16_t x = vld1q_u8(block + w * ROWS * 4 + 16 * g);
            high[g] = vreinterpretq_s8_u8(vshrq_n_u8(x, 4));  // codes 0 … 15: the same as signed bytes
            lowv[g] = vreinterpretq_s8_u8(vandq_u8(x, low));
        }
        for (int q = 0; q < tq; q++) {
            const int8x16_t high_q = query_word(queries + q * words * 8 + w * 8);
            const int8x16_t low_q = query_word(queries + q * words * 8 + w * 8 + 4);
            for (int g = 0; g < 4; g++) acc[q][g] = vdotq_s32(vdotq_s32(acc[q][g], high[g], high_q), lowv[g], low_q);
        }
    }
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) vst1q_s32(out + q * out_stride + 4 * g, acc[q][g]);
}

TARGET_NEONDOT void eq_dot_u4_blocks_neondot(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                             const int8_t *queries, int64_t nq, int32_t *out, int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        int32_t *dst = out + b * ROWS;
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4) u4_dot_tile(block, words, queries + q * words * 8, 4, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 3: u4_dot_tile(block, words, queries + q * words * 8, 3, dst + q * out_stride, out_stride); break;
        case 2: u4_dot_tile(block, words, queries + q * words * 8, 2, dst + q * out_stride, out_stride); break;
        case 1: u4_dot_tile(block, words, queries + q * words * 8, 1, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

// ---- Bytes with USDOT (FEAT_I8MM): unsigned codes × signed query bytes directly --------------

#define TARGET_NEONI8MM __attribute__((target("dotprod,i8mm")))
#define INLINE_NEONI8MM static inline __attribute__((always_inline)) TARGET_NEONI8MM

INLINE_NEONI8MM void u8s8_usdot_tile(const uint8_t *block, int64_t words, const int8_t *queries, int tq,
                                     const int32_t *bias, int32_t *out, int64_t out_stride) {
    int32x4_t acc[4][4];
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) acc[q][g] = bias ? vld1q_s32(bias + 4 * g) : vdupq_n_s32(0);
    for (int64_t w = 0; w < words; w++) {
        uint8x16_t x[4];
        for (int g = 0; g < 4; g++) x[g] = vld1q_u8(block + w * ROWS * 4 + 16 * g);
        for (int q = 0; q < tq; q++) {
            const int8x16_t qv = query_word(queries + q * words * 4 + w * 4);
            for (int g = 0; g < 4; g++) acc[q][g] = vusdotq_s32(acc[q][g], x[g], qv);
        }
    }
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) vst1q_s32(out + q * out_stride + 4 * g, acc[q][g]);
}

TARGET_NEONI8MM void eq_dot_u8s8_blocks_neoni8mm(const uint8_t *blocks, int64_t nblocks, int64_t words,
                                                 const int8_t *queries, int64_t nq, const int32_t *bias, int32_t *out,
                                                 int64_t out_stride) {
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *block = blocks + b * words * ROWS * 4;
        const int32_t *block_bias = bias ? bias + b * ROWS : 0;
        int32_t *dst = out + b * ROWS;
        int64_t q = 0;
        for (; q + 4 <= nq; q += 4)
            u8s8_usdot_tile(block, words, queries + q * words * 4, 4, block_bias, dst + q * out_stride, out_stride);
        switch (nq - q) {
        case 3: u8s8_usdot_tile(block, words, queries + q * words * 4, 3, block_bias, dst + q * out_stride, out_stride); break;
        case 2: u8s8_usdot_tile(block, words, queries + q * words * 4, 2, block_bias, dst + q * out_stride, out_stride); break;
        case 1: u8s8_usdot_tile(block, words, queries + q * words * 4, 1, block_bias, dst + q * out_stride, out_stride); break;
        default: break;
        }
    }
}

// ---- Floats: 16 rows × up to 4 queries, one fused multiply-add chain per row -------------------

/// Four rows of dimension word `index` (4 consecutive corpus words) as float32, widened exactly.
INLINE float32x4_t load_float4(const void *blocks, int format, int64_t index) {
    if (format == 0) return vld1q_f32((const float *)blocks + index);
    const uint16x4_t h = vld1_u16((const uint16_t *)blocks + index);
    if (format == 1) return vcvt_f32_f16(vreinterpret_f16_u16(h));
    return vreinterpretq_f32_u32(vshll_n_u16(h, 16));
}

INLINE void float_tile(const void *blocks, int64_t base, int64_t dim, int format, const float *queries, int tq,
                       float *out, int64_t out_stride) {
    float32x4_t acc[4][4];
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) acc[q][g] = vdupq_n_f32(0.0f);
    for (int64_t j = 0; j < dim; j++) {
        float32x4_t x[4];
        for (int g = 0; g < 4; g++) x[g] = load_float4(blocks, format, base + j * ROWS + 4 * g);
        for (int q = 0; q < tq; q++) {
            const float32x4_t qv = vdupq_n_f32(queries[q * dim + j]);
            for (int g = 0; g < 4; g++) acc[q][g] = vfmaq_f32(acc[q][g], x[g], qv);
        }
    }
    for (int q = 0; q < tq; q++)
        for (int g = 0; g < 4; g++) vst1q_f32(out + q * out_stride + 4 * g, acc[q][g]);
}

#define FLOAT_TILE(format, tq) \
    float_tile(blocks, base, dim, format, queries + q * dim, tq, dst + q * out_stride, out_stride)

#define FLOAT_BLOCKS(format)                                  \
    for (int64_t b = 0; b < nblocks; b++) {                    \
        const int64_t base = b * dim * ROWS;                   \
        float *dst = out + b * ROWS;                           \
        int64_t q = 0;                                         \
        for (; q + 4 <= nq; q += 4) FLOAT_TILE(format, 4);     \
        switch (nq - q) {                                      \
        case 3: FLOAT_TILE(format, 3); break;                  \
        case 2: FLOAT_TILE(format, 2); break;                  \
        case 1: FLOAT_TILE(format, 1); break;                  \
        default: break;                                        \
        }                                                      \
    }

void eq_dot_float_blocks_neon(const void *blocks, int64_t nblocks, int64_t dim, int format, const float *queries,
                              int64_t nq, float *out, int64_t out_stride) {
    switch (format) {
    case 0: FLOAT_BLOCKS(0); break;
    case 1: FLOAT_BLOCKS(1); break;
    default: FLOAT_BLOCKS(2); break;
    }
}

// ---- Selection: 16 keys per step, a 4-bit-per-key mask walked in order -------------------------

/// The 16 comparison results (all-ones or zero per 32-bit lane) as 4 bits per key, key k in
/// bits 4k … 4k + 3.
INLINE uint64_t nibble_mask(uint32x4_t m0, uint32x4_t m1, uint32x4_t m2, uint32x4_t m3) {
    const uint16x8_t m01 = vcombine_u16(vmovn_u32(m0), vmovn_u32(m1));
    const uint16x8_t m23 = vcombine_u16(vmovn_u32(m2), vmovn_u32(m3));
    const uint8x16_t bytes = vcombine_u8(vmovn_u16(m01), vmovn_u16(m23));
    return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(bytes), 4)), 0);
}

INLINE int64_t append_hits(uint64_t mask, int64_t base, int32_t *indices, int64_t count) {
    while (mask) {
        const int k = __builtin_ctzll(mask) >> 2;
        indices[count++] = (int32_t)(base + k);
        mask &= ~(0xFull << (4 * k));
    }
    return count;
}

int64_t eq_select_above_i32_neon(const int32_t *keys, int64_t n, int32_t threshold, int32_t *indices) {
    const int32x4_t limit = vdupq_n_s32(threshold);
    int64_t count = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        const uint64_t mask = nibble_mask(vcgtq_s32(vld1q_s32(keys + i), limit), vcgtq_s32(vld1q_s32(keys + i + 4), limit),
                                          vcgtq_s32(vld1q_s32(keys + i + 8), limit),
                                          vcgtq_s32(vld1q_s32(keys + i + 12), limit));
        count = append_hits(mask, i, indices, count);
    }
    for (; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

int64_t eq_select_above_f32_neon(const float *keys, int64_t n, float threshold, int32_t *indices) {
    const float32x4_t limit = vdupq_n_f32(threshold);
    int64_t count = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        // `fcmgt` is false for NaN, as `>` is.
        const uint64_t mask = nibble_mask(vcgtq_f32(vld1q_f32(keys + i), limit), vcgtq_f32(vld1q_f32(keys + i + 4), limit),
                                          vcgtq_f32(vld1q_f32(keys + i + 8), limit),
                                          vcgtq_f32(vld1q_f32(keys + i + 12), limit));
        count = append_hits(mask, i, indices, count);
    }
    for (; i < n; i++) {
        if (keys[i] > threshold) indices[count++] = (int32_t)i;
    }
    return count;
}

#endif
