// fp32 linear layer, AVX2 + FMA: tiles of up to 6 rows × 16 columns (half a panel) in 12 ymm
// accumulators that start from the bias; per input two 8-float weight loads and one broadcast
// per row. The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 6, ROW_BLOCK = 48 };

// Lanes j < count are active.
SEK_TARGET_AVX2 SEK_INLINE __m256i lane_mask(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
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

#define SEK_TILE_CASE(n) \
    case n: tile(n, a, ldx, half, k, b0, b1, out, ldy, columns, m0, m1); break;

SEK_TARGET_AVX2 void sek_gemm_f32_avx2(const float *x, size_t ldx, const float *packed, const float *bias, float *y,
                                       size_t ldy, size_t m, size_t n, size_t k) {
    const size_t halves = (n + 15) / 16;
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
                const float *a = x + i * ldx;
                float *out = y + i * ldy + j0;
                switch (i1 - i >= MR ? MR : i1 - i) {
                    SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                    default: tile(MR, a, ldx, half, k, b0, b1, out, ldy, columns, m0, m1); break;
                }
            }
        }
    }
}
#endif
