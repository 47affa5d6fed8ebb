// fp32 linear layer, AVX-512: tiles of up to 14 rows × one panel of 32 columns in 28 zmm
// accumulators that start from the bias; per input one 32-float weight row (2 loads) and one
// broadcast per row. Up to 384 inputs the rows are read in place; beyond, a block of 56 rows is
// copied once (during its first panel) into 16-input chunks, one stream the kernel reads for every
// panel, and the first tile of each panel prefetches the next panel into L2. The same fma chain
// as the portable variant either way, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

// Rows per tile; rows per block read in place; inputs per chunk of a copied row; the most
// inputs read in place (beyond, rows a multiple of 4 KiB apart share L1 sets and a long row
// block no longer fits L2 beside a panel); rows per copied block.
enum { MR = 14, ROW_BLOCK = 56, CHUNK = 16, DIRECT_INPUTS = 384, COPY_BLOCK = 56 };

SEK_TARGET_AVX512 SEK_INLINE __mmask16 mask_lo(size_t columns) {
    return columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1u);
}

SEK_TARGET_AVX512 SEK_INLINE __mmask16 mask_hi(size_t columns) {
    return columns <= 16 ? (__mmask16)0 : columns >= 32 ? (__mmask16)0xFFFF : (__mmask16)((1u << (columns - 16)) - 1u);
}

// Writes the tile's `mr` rows of accumulators (the panel's active columns only).
SEK_TARGET_AVX512 SEK_INLINE void store_rows(const int mr, const __m512 *c0, const __m512 *c1, float *y, size_t ldy,
                                             __mmask16 m0, __mmask16 m1) {
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        _mm512_mask_storeu_ps(y + r * ldy, m0, c0[r]);
        _mm512_mask_storeu_ps(y + r * ldy + 16, m1, c1[r]);
    }
}

// Rows in place: row r, input kk at x[r · ldx + kk].
SEK_TARGET_AVX512 SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const float *panel, size_t k,
                                       __m512 b0, __m512 b1, float *y, size_t ldy, __mmask16 m0, __mmask16 m1) {
    __m512 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    for (size_t kk = 0; kk < k; kk++) {
        const __m512 w0 = _mm512_loadu_ps(panel + kk * SEK_F32_PANEL);
        const __m512 w1 = _mm512_loadu_ps(panel + kk * SEK_F32_PANEL + 16);
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m512 v = _mm512_set1_ps(x[r * ldx + kk]);
            c0[r] = _mm512_fmadd_ps(v, w0, c0[r]);
            c1[r] = _mm512_fmadd_ps(v, w1, c1[r]);
        }
    }
    store_rows(mr, c0, c1, y, ldy, m0, m1);
}

// Rows copied: input c + u of row r at a[c · MR + r · CHUNK + u] (c a multiple of CHUNK, u <
// CHUNK). With `source` (the rows in place), each chunk is copied there first and the same chunk
// of the `ahead` rows after the tile is prefetched; with `next`, the next panel's weights are
// prefetched into L2 as this one is read.
SEK_TARGET_AVX512 SEK_INLINE void packed_tile(const int mr, float *a, const float *source, size_t ahead, size_t ldx,
                                              const float *panel, const float *next, size_t k, __m512 b0, __m512 b1,
                                              float *y, size_t ldy, __mmask16 m0, __mmask16 m1) {
    __m512 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    for (size_t c = 0; c < k; c += CHUNK) {
        const size_t width = k - c < CHUNK ? k - c : CHUNK;
        float *ac = a + c * MR;
        const float *pc = panel + c * SEK_F32_PANEL;
        if (source) {
            const __mmask16 mask = mask_lo(width);
            #pragma clang loop unroll(full)
            for (int r = 0; r < mr; r++)
                _mm512_mask_storeu_ps(ac + r * CHUNK, mask, _mm512_maskz_loadu_ps(mask, source + r * ldx + c));
            for (size_t r = 0; r < ahead; r++) _mm_prefetch((const char *)(source + (MR + r) * ldx + c), _MM_HINT_T0);
        }
        for (size_t u = 0; u < width; u++) {
            const __m512 w0 = _mm512_loadu_ps(pc + u * SEK_F32_PANEL);
            const __m512 w1 = _mm512_loadu_ps(pc + u * SEK_F32_PANEL + 16);
            if (next) {
                _mm_prefetch((const char *)(next + (c + u) * SEK_F32_PANEL), _MM_HINT_T1);
                _mm_prefetch((const char *)(next + (c + u) * SEK_F32_PANEL + 16), _MM_HINT_T1);
            }
            #pragma clang loop unroll(full)
            for (int r = 0; r < mr; r++) {
                const __m512 v = _mm512_set1_ps(ac[r * CHUNK + u]);
                c0[r] = _mm512_fmadd_ps(v, w0, c0[r]);
                c1[r] = _mm512_fmadd_ps(v, w1, c1[r]);
            }
        }
    }
    store_rows(mr, c0, c1, y, ldy, m0, m1);
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, ldx, panel, k, b0, b1, out, ldy, m0, m1); break;
#define SEK_PACKED_CASE(n) \
    case n: packed_tile(n, a, source, ahead, ldx, panel, next, k, b0, b1, out, ldy, m0, m1); break;

SEK_TARGET_AVX512 void sek_gemm_f32_avx512(const float *x, size_t ldx, const float *packed, const float *bias,
                                           float *y, size_t ldy, size_t m, size_t n, size_t k) {
    const size_t panels = (n + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    // Floats of one tile's copied rows: whole chunks.
    const size_t stride = (k + CHUNK - 1) / CHUNK * CHUNK * MR;
    float *copy = k > DIRECT_INPUTS ? sek_scratch(SEK_SCRATCH_GEMM_F32, COPY_BLOCK / MR * stride * sizeof(float)) : NULL;
    const size_t block = copy ? COPY_BLOCK : ROW_BLOCK;
    for (size_t i0 = 0; i0 < m; i0 += block) {
        const size_t i1 = i0 + block < m ? i0 + block : m;
        for (size_t p = 0; p < panels; p++) {
            const float *panel = packed + p * SEK_F32_PANEL * k;
            const size_t j0 = p * SEK_F32_PANEL;
            const size_t columns = n - j0 < SEK_F32_PANEL ? n - j0 : SEK_F32_PANEL;
            const __mmask16 m0 = mask_lo(columns), m1 = mask_hi(columns);
            const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias + j0) : _mm512_setzero_ps();
            const __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + j0 + 16) : _mm512_setzero_ps();
            for (size_t i = i0; i < i1; i += MR) {
                float *out = y + i * ldy + j0;
                if (copy) {
                    float *a = copy + (i - i0) / MR * stride;
                    const float *source = p == 0 ? x + i * ldx : NULL;
                    const size_t ahead = i + MR >= m ? 0 : m - i - MR < MR ? m - i - MR : MR;
                    const float *next = i == i0 && p + 1 < panels ? panel + SEK_F32_PANEL * k : NULL;
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_PACKED_CASE(1) SEK_PACKED_CASE(2) SEK_PACKED_CASE(3) SEK_PACKED_CASE(4)
                        SEK_PACKED_CASE(5) SEK_PACKED_CASE(6) SEK_PACKED_CASE(7) SEK_PACKED_CASE(8)
                        SEK_PACKED_CASE(9) SEK_PACKED_CASE(10) SEK_PACKED_CASE(11) SEK_PACKED_CASE(12)
                        SEK_PACKED_CASE(13)
                        default: packed_tile(MR, a, source, ahead, ldx, panel, next, k, b0, b1, out, ldy, m0, m1); break;
                    }
                } else {
                    const float *a = x + i * ldx;
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4)
                        SEK_TILE_CASE(5) SEK_TILE_CASE(6) SEK_TILE_CASE(7) SEK_TILE_CASE(8)
                        SEK_TILE_CASE(9) SEK_TILE_CASE(10) SEK_TILE_CASE(11) SEK_TILE_CASE(12) SEK_TILE_CASE(13)
                        default: tile(MR, a, ldx, panel, k, b0, b1, out, ldy, m0, m1); break;
                    }
                }
            }
        }
    }
}
#endif
