// fp32 linear layer, AVX2 + FMA: tiles of up to 6 rows × 16 columns (half a panel) in 12 ymm
// accumulators that start from the bias; per input two 8-float weight loads and one broadcast
// per row. Up to 384 inputs the rows are read in place; beyond, a block of 48 rows is copied once
// (during its first half panel) into 16-input chunks, one stream the kernel reads for every half
// panel, and the first tile of each half panel prefetches the next one into L2. The same fma
// chain as the portable variant either way, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

// Rows per tile; rows per block (read in place or copied); inputs per chunk of a copied row; the
// most inputs read in place (beyond, rows a multiple of 4 KiB apart share L1 sets and a long row
// block no longer fits L2 beside a panel).
enum { MR = 6, ROW_BLOCK = 48, CHUNK = 16, DIRECT_INPUTS = 384 };

// Lanes j < count are active.
SEK_TARGET_AVX2 SEK_INLINE __m256i lane_mask(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

// Writes the tile's `mr` rows of accumulators: whole 16-column halves, or the active columns.
SEK_TARGET_AVX2 SEK_INLINE void store_rows(const int mr, const __m256 *c0, const __m256 *c1, float *y, size_t ldy,
                                           size_t columns, __m256i m0, __m256i m1) {
    if (columns >= 16) {
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            _mm256_storeu_ps(y + r * ldy, c0[r]);
            _mm256_storeu_ps(y + r * ldy + 8, c1[r]);
        }
    } else {
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            _mm256_maskstore_ps(y + r * ldy, m0, c0[r]);
            _mm256_maskstore_ps(y + r * ldy + 8, m1, c1[r]);
        }
    }
}

SEK_TARGET_AVX2 SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const float *half, size_t k,
                                     __m256 b0, __m256 b1, float *y, size_t ldy, size_t columns, __m256i m0,
                                     __m256i m1) {
    __m256 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    for (size_t kk = 0; kk < k; kk++) {
        const __m256 w0 = _mm256_loadu_ps(half + kk * SEK_F32_PANEL);
        const __m256 w1 = _mm256_loadu_ps(half + kk * SEK_F32_PANEL + 8);
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m256 v = _mm256_broadcast_ss(x + r * ldx + kk);
            c0[r] = _mm256_fmadd_ps(v, w0, c0[r]);
            c1[r] = _mm256_fmadd_ps(v, w1, c1[r]);
        }
    }
    store_rows(mr, c0, c1, y, ldy, columns, m0, m1);
}

// Rows copied: input c + u of row r at a[c · MR + r · CHUNK + u] (c a multiple of CHUNK, u <
// CHUNK). With `source` (the rows in place), each chunk is copied there first and the same chunk
// of the `ahead` rows after the tile is prefetched; with `next`, the next half panel's weights
// are prefetched into L2 as this one is read.
SEK_TARGET_AVX2 SEK_INLINE void packed_tile(const int mr, float *a, const float *source, size_t ahead, size_t ldx,
                                            const float *half, const float *next, size_t k, __m256 b0, __m256 b1,
                                            float *y, size_t ldy, size_t columns, __m256i m0, __m256i m1) {
    __m256 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    for (size_t c = 0; c < k; c += CHUNK) {
        const size_t width = k - c < CHUNK ? k - c : CHUNK;
        float *ac = a + c * MR;
        const float *hc = half + c * SEK_F32_PANEL;
        if (source) {
            const __m256i lo = lane_mask(width), hi = lane_mask(width > 8 ? width - 8 : 0);
            #pragma clang loop unroll(full)
            for (int r = 0; r < mr; r++) {
                _mm256_maskstore_ps(ac + r * CHUNK, lo, _mm256_maskload_ps(source + r * ldx + c, lo));
                _mm256_maskstore_ps(ac + r * CHUNK + 8, hi, _mm256_maskload_ps(source + r * ldx + c + 8, hi));
            }
            for (size_t r = 0; r < ahead; r++) _mm_prefetch((const char *)(source + (MR + r) * ldx + c), _MM_HINT_T0);
        }
        for (size_t u = 0; u < width; u++) {
            const __m256 w0 = _mm256_loadu_ps(hc + u * SEK_F32_PANEL);
            const __m256 w1 = _mm256_loadu_ps(hc + u * SEK_F32_PANEL + 8);
            if (next) _mm_prefetch((const char *)(next + (c + u) * SEK_F32_PANEL), _MM_HINT_T1);
            #pragma clang loop unroll(full)
            for (int r = 0; r < mr; r++) {
                const __m256 v = _mm256_broadcast_ss(ac + r * CHUNK + u);
                c0[r] = _mm256_fmadd_ps(v, w0, c0[r]);
                c1[r] = _mm256_fmadd_ps(v, w1, c1[r]);
            }
        }
    }
    store_rows(mr, c0, c1, y, ldy, columns, m0, m1);
}

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, ldx, half, k, b0, b1, out, ldy, columns, m0, m1); break;
#define SEK_PACKED_CASE(n) \
    case n: packed_tile(n, a, source, ahead, ldx, half, next, k, b0, b1, out, ldy, columns, m0, m1); break;

SEK_TARGET_AVX2 void sek_gemm_f32_avx2(const float *x, size_t ldx, const float *packed, const float *bias, float *y,
                                       size_t ldy, size_t m, size_t n, size_t k) {
    const size_t halves = (n + 15) / 16;
    // Floats of one tile's copied rows: whole chunks.
    const size_t stride = (k + CHUNK - 1) / CHUNK * CHUNK * MR;
    float *copy = k > DIRECT_INPUTS ? sek_scratch(SEK_SCRATCH_GEMM_F32, ROW_BLOCK / MR * stride * sizeof(float)) : NULL;
    for (size_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (size_t h = 0; h < halves; h++) {
            const float *half = packed + (h / 2) * SEK_F32_PANEL * k + (h % 2) * 16;
            const size_t j0 = h * 16;
            const size_t columns = n - j0 < 16 ? n - j0 : 16;
            const __m256i m0 = lane_mask(columns), m1 = lane_mask(columns > 8 ? columns - 8 : 0);
            __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
            if (bias) {
                b0 = _mm256_maskload_ps(bias + j0, m0);
                b1 = _mm256_maskload_ps(bias + j0 + 8, m1);
            }
            for (size_t i = i0; i < i1; i += MR) {
                float *out = y + i * ldy + j0;
                if (copy) {
                    float *a = copy + (i - i0) / MR * stride;
                    const float *source = h == 0 ? x + i * ldx : NULL;
                    const size_t ahead = i + MR >= m ? 0 : m - i - MR < MR ? m - i - MR : MR;
                    const float *next = i == i0 && h + 1 < halves ? packed + ((h + 1) / 2) * SEK_F32_PANEL * k + ((h + 1) % 2) * 16 : NULL;
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_PACKED_CASE(1) SEK_PACKED_CASE(2) SEK_PACKED_CASE(3) SEK_PACKED_CASE(4) SEK_PACKED_CASE(5)
                        default: packed_tile(MR, a, source, ahead, ldx, half, next, k, b0, b1, out, ldy, columns, m0, m1); break;
                    }
                } else {
                    const float *a = x + i * ldx;
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                        default: tile(MR, a, ldx, half, k, b0, b1, out, ldy, columns, m0, m1); break;
                    }
                }
            }
        }
    }
}
#endif
