// y = x · Wᵀ + b with W packed once at load time: an AVX-512 alternative to the BLAS for the
// encoder's linear layers. No packing of the activations per call, no zeroing of the output,
// bias folded into the accumulators, and each output row computed from its input row alone
// (so a row's result does not depend on the other rows of the batch).
#include "SentenceEncoderKernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SEK_PACKED_X86 1
#endif

enum { PANEL = 32, ROW_BLOCK = 64, ROW_TILE = 8 };

size_t sek_packed_weight_count(size_t n, size_t k) { return (n + PANEL - 1) / PANEL * PANEL * k; }

void sek_pack_weights(const float *w, size_t n, size_t k, float *packed) {
    const size_t panels = (n + PANEL - 1) / PANEL;
    for (size_t p = 0; p < panels; p++) {
        float *panel = packed + p * PANEL * k;
        for (size_t kk = 0; kk < k; kk++) {
            for (size_t j = 0; j < PANEL; j++) {
                const size_t row = p * PANEL + j;
                panel[kk * PANEL + j] = row < n ? w[row * k + kk] : 0.0f;
            }
        }
    }
}

void sek_packed_linear_portable(const float *x, size_t ldx, const float *packed, const float *bias,
                                float *y, size_t ldy, size_t m, size_t n, size_t k) {
    const size_t panels = (n + PANEL - 1) / PANEL;
    for (size_t i = 0; i < m; i++) {
        const float *row = x + i * ldx;
        for (size_t p = 0; p < panels; p++) {
            const float *panel = packed + p * PANEL * k;
            float acc[PANEL];
            for (size_t j = 0; j < PANEL; j++) acc[j] = p * PANEL + j < n ? bias[p * PANEL + j] : 0.0f;
            for (size_t kk = 0; kk < k; kk++)
                for (size_t j = 0; j < PANEL; j++) acc[j] = __builtin_fmaf(row[kk], panel[kk * PANEL + j], acc[j]);
            for (size_t j = 0; j < PANEL && p * PANEL + j < n; j++) y[i * ldy + p * PANEL + j] = acc[j];
        }
    }
}

#ifdef SEK_PACKED_X86
#define SEK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))

// One output row, one panel: same operation order as the 8-row tile.
SEK_AVX512 static inline void row_panel(const float *a, const float *panel, size_t k, __m512 b0, __m512 b1,
                                        float *out, __mmask16 m0, __mmask16 m1) {
    __m512 c0 = b0, c1 = b1;
    for (size_t kk = 0; kk < k; kk++) {
        const __m512 x = _mm512_set1_ps(a[kk]);
        c0 = _mm512_fmadd_ps(x, _mm512_loadu_ps(panel + kk * PANEL), c0);
        c1 = _mm512_fmadd_ps(x, _mm512_loadu_ps(panel + kk * PANEL + 16), c1);
    }
    _mm512_mask_storeu_ps(out, m0, c0);
    _mm512_mask_storeu_ps(out + 16, m1, c1);
}

SEK_AVX512 static void packed_linear_avx512(const float *x, size_t ldx, const float *packed, const float *bias,
                                            float *y, size_t ldy, size_t m, size_t n, size_t k) {
    const size_t panels = (n + PANEL - 1) / PANEL;
    for (size_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        const size_t i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (size_t p = 0; p < panels; p++) {
            const float *panel = packed + p * PANEL * k;
            const size_t j0 = p * PANEL;
            const size_t columns = n - j0 < PANEL ? n - j0 : PANEL;
            const __mmask16 m0 = columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1);
            const __mmask16 m1 = columns <= 16 ? (__mmask16)0 : columns >= 32 ? (__mmask16)0xFFFF : (__mmask16)((1u << (columns - 16)) - 1);
            const __m512 b0 = _mm512_maskz_loadu_ps(m0, bias + j0);
            const __m512 b1 = _mm512_maskz_loadu_ps(m1, bias + j0 + 16);
            size_t i = i0;
            for (; i + ROW_TILE <= i1; i += ROW_TILE) {
                const float *a0 = x + i * ldx, *a1 = a0 + ldx, *a2 = a1 + ldx, *a3 = a2 + ldx;
                const float *a4 = a3 + ldx, *a5 = a4 + ldx, *a6 = a5 + ldx, *a7 = a6 + ldx;
                __m512 c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
                __m512 c40 = b0, c41 = b1, c50 = b0, c51 = b1, c60 = b0, c61 = b1, c70 = b0, c71 = b1;
                for (size_t kk = 0; kk < k; kk++) {
                    const __m512 w0 = _mm512_loadu_ps(panel + kk * PANEL);
                    const __m512 w1 = _mm512_loadu_ps(panel + kk * PANEL + 16);
                    __m512 v;
                    v = _mm512_set1_ps(a0[kk]); c00 = _mm512_fmadd_ps(v, w0, c00); c01 = _mm512_fmadd_ps(v, w1, c01);
                    v = _mm512_set1_ps(a1[kk]); c10 = _mm512_fmadd_ps(v, w0, c10); c11 = _mm512_fmadd_ps(v, w1, c11);
                    v = _mm512_set1_ps(a2[kk]); c20 = _mm512_fmadd_ps(v, w0, c20); c21 = _mm512_fmadd_ps(v, w1, c21);
                    v = _mm512_set1_ps(a3[kk]); c30 = _mm512_fmadd_ps(v, w0, c30); c31 = _mm512_fmadd_ps(v, w1, c31);
                    v = _mm512_set1_ps(a4[kk]); c40 = _mm512_fmadd_ps(v, w0, c40); c41 = _mm512_fmadd_ps(v, w1, c41);
                    v = _mm512_set1_ps(a5[kk]); c50 = _mm512_fmadd_ps(v, w0, c50); c51 = _mm512_fmadd_ps(v, w1, c51);
                    v = _mm512_set1_ps(a6[kk]); c60 = _mm512_fmadd_ps(v, w0, c60); c61 = _mm512_fmadd_ps(v, w1, c61);
                    v = _mm512_set1_ps(a7[kk]); c70 = _mm512_fmadd_ps(v, w0, c70); c71 = _mm512_fmadd_ps(v, w1, c71);
                }
                float *o = y + i * ldy + j0;
                _mm512_mask_storeu_ps(o, m0, c00); _mm512_mask_storeu_ps(o + 16, m1, c01); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c10); _mm512_mask_storeu_ps(o + 16, m1, c11); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c20); _mm512_mask_storeu_ps(o + 16, m1, c21); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c30); _mm512_mask_storeu_ps(o + 16, m1, c31); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c40); _mm512_mask_storeu_ps(o + 16, m1, c41); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c50); _mm512_mask_storeu_ps(o + 16, m1, c51); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c60); _mm512_mask_storeu_ps(o + 16, m1, c61); o += ldy;
                _mm512_mask_storeu_ps(o, m0, c70); _mm512_mask_storeu_ps(o + 16, m1, c71);
            }
            for (; i < i1; i++) row_panel(x + i * ldx, panel, k, b0, b1, y + i * ldy + j0, m0, m1);
        }
    }
}
#endif

int sek_packed_linear_is_fast(void) {
#ifdef SEK_PACKED_X86
    return sek_isa_level() == 2;
#else
    return 0;
#endif
}

void sek_packed_linear(const float *x, size_t ldx, const float *packed, const float *bias,
                       float *y, size_t ldy, size_t m, size_t n, size_t k) {
#ifdef SEK_PACKED_X86
    if (sek_isa_level() == 2) {
        packed_linear_avx512(x, ldx, packed, bias, y, ldy, m, n, k);
        return;
    }
#endif
    sek_packed_linear_portable(x, ldx, packed, bias, y, ldy, m, n, k);
}
