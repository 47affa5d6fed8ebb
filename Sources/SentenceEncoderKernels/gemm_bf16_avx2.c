// bf16 linear layer on AVX2 (no bf16 dot product): the fp32 micro-kernel (6 rows × 16 columns)
// with the weights widened as they are loaded — a 32-byte load holds the column pairs (i, 16 + i)
// of 8 columns; a shift gives columns 8h + 0..7, a mask columns 16 + 8h + 0..7. Activations are
// widened once per call (into the thread's scratch). The same fma chain as the portable variant, so the same bits.
#include "sek_internal.h"

#ifdef SEK_X86
#include <immintrin.h>

enum { MR = 6, ROW_BLOCK = 48 };

SEK_TARGET_AVX2 SEK_INLINE __m256i lane_mask(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

// Columns j0 + 8h + 0..7 (c0) and j0 + 16 + 8h + 0..7 (c1); `count0`, `count1` of them exist.
SEK_TARGET_AVX2 SEK_INLINE void tile(const int mr, const float *x, size_t ldx, const uint16_t *half, size_t k,
                                     __m256 b0, __m256 b1, float *y0, float *y1, size_t ldy, size_t count0,
                                     size_t count1, __m256i m0, __m256i m1) {
    __m256 c0[MR], c1[MR];
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        c0[r] = b0;
        c1[r] = b1;
    }
    const __m256i high = _mm256_set1_epi32((int)0xFFFF0000u);
    for (size_t kk = 0; kk < k; kk++) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(half + kk * SEK_BF16_PANEL));
        const __m256 w0 = _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
        const __m256 w1 = _mm256_castsi256_ps(_mm256_and_si256(v, high));
        #pragma clang loop unroll(full)
        for (int r = 0; r < mr; r++) {
            const __m256 a = _mm256_broadcast_ss(x + r * ldx + kk);
            c0[r] = _mm256_fmadd_ps(a, w0, c0[r]);
            c1[r] = _mm256_fmadd_ps(a, w1, c1[r]);
        }
    }
    #pragma clang loop unroll(full)
    for (int r = 0; r < mr; r++) {
        if (count0 >= 8) _mm256_storeu_ps(y0 + r * ldy, c0[r]);
        else if (count0 > 0) _mm256_maskstore_ps(y0 + r * ldy, m0, c0[r]);
        if (count1 >= 8) _mm256_storeu_ps(y1 + r * ldy, c1[r]);
        else if (count1 > 0) _mm256_maskstore_ps(y1 + r * ldy, m1, c1[r]);
    }
}

#define SEK_TILE_CASE(n)                                                                                   \
    case n: tile(n, a, padded_inputs, half, padded_inputs, b0, b1, out0, out1, ldc, count0, count1, m0, m1); \
        break;

SEK_TARGET_AVX2 void sek_gemm_bf16_avx2(size_t rows, size_t columns, size_t padded_inputs,
                                        const uint16_t *activations, const uint16_t *packed, const float *bias,
                                        float *c, size_t ldc) {
    float *x = sek_widen_bf16_rows(activations, rows, padded_inputs);
    if (!x) {
        sek_gemm_bf16_portable(rows, columns, padded_inputs, activations, packed, bias, c, ldc);
        return;
    }
    const size_t panels = (columns + SEK_BF16_PANEL - 1) / SEK_BF16_PANEL;
    for (size_t i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < rows ? i0 + ROW_BLOCK : rows;
        for (size_t p = 0; p < panels; p++) {
            for (size_t h = 0; h < 2; h++) {
                const size_t first0 = p * SEK_BF16_PANEL + 8 * h, first1 = first0 + 16;
                if (first0 >= columns) break;
                const size_t count0 = columns - first0 < 8 ? columns - first0 : 8;
                const size_t count1 = first1 >= columns ? 0 : columns - first1 < 8 ? columns - first1 : 8;
                const __m256i m0 = lane_mask(count0), m1 = lane_mask(count1);
                __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
                if (bias) {
                    b0 = _mm256_maskload_ps(bias + first0, m0);
                    b1 = _mm256_maskload_ps(bias + first1, m1);
                }
                const uint16_t *half = packed + p * SEK_BF16_PANEL * padded_inputs + 16 * h;
                for (size_t i = i0; i < i1; i += MR) {
                    const float *a = x + i * padded_inputs;
                    float *out0 = c + i * ldc + first0, *out1 = c + i * ldc + first1;
                    switch (i1 - i >= MR ? MR : i1 - i) {
                        SEK_TILE_CASE(1) SEK_TILE_CASE(2) SEK_TILE_CASE(3) SEK_TILE_CASE(4) SEK_TILE_CASE(5)
                        default:
                            tile(MR, a, padded_inputs, half, padded_inputs, b0, b1, out0, out1, ldc, count0, count1,
                                 m0, m1);
                            break;
                    }
                }
            }
        }
    }
}
#endif
