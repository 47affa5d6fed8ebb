// bfloat16 linear layers: rounding activations to bfloat16 and the bf16 × bf16 → fp32 product.
// See LinearKernels.h for the packed weight layout.
#include "LinearKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SEK_BF16_X86 1
#endif

static inline uint16_t round_bf16(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x0040u);  // quiet NaN
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}

static inline float widen_bf16(uint16_t value) {
    const uint32_t bits = (uint32_t)value << 16;
    float result;
    memcpy(&result, &bits, 4);
    return result;
}

void sek_round_rows_bf16(const float *values, size_t rows, size_t columns, size_t padded_columns,
                         uint16_t *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint16_t *out = output + row * padded_columns;
        for (size_t j = 0; j < columns; j++) out[j] = round_bf16(x[j]);
        for (size_t j = columns; j < padded_columns; j++) out[j] = 0;
    }
}

// Portable product (also the "convert to fp32" path): widen both operands, 16 float lanes.
void sek_gemm_bf16_portable(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                            const uint16_t *packed, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 2;
    const size_t groups = (columns + 15) / 16;
    for (size_t row = 0; row < rows; row++) {
        const uint16_t *a = activations + row * padded_inputs;
        float *out = c + row * ldc;
        for (size_t group = 0; group < groups; group++) {
            const uint16_t *w = packed + group * steps * 32;
            float lanes[16] = {0};
            for (size_t step = 0; step < steps; step++) {
                const float x0 = widen_bf16(a[step * 2]), x1 = widen_bf16(a[step * 2 + 1]);
                const uint16_t *ws = w + step * 32;
                for (int lane = 0; lane < 16; lane++)
                    lanes[lane] += x0 * widen_bf16(ws[lane * 2]) + x1 * widen_bf16(ws[lane * 2 + 1]);
            }
            for (int lane = 0; lane < 16 && group * 16 + lane < columns; lane++) out[group * 16 + lane] += lanes[lane];
        }
    }
}

// AVX-512 BF16: tiles of up to 6 rows × 4 groups (64 columns), `vdpbf16ps` on a 32-bit
// broadcast of each row's 2 activations against 64 bytes of packed weights per group.
#ifdef SEK_BF16_X86
#define SEK_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,avx2,fma")))

SEK_BF16_TARGET static inline __attribute__((always_inline)) void
bf16_tile(const int mr, const int ng, size_t steps, const uint16_t *a, size_t lda, const uint16_t *w,
          float *c, size_t ldc, size_t columns_left) {
    __m512 acc[6][4];
    for (int r = 0; r < mr; r++)
        for (int g = 0; g < ng; g++) acc[r][g] = _mm512_setzero_ps();
    const size_t group_stride = steps * 32;
    for (size_t step = 0; step < steps; step++) {
        __m512i wv[4];
        for (int g = 0; g < ng; g++) wv[g] = _mm512_loadu_si512((const void *)(w + g * group_stride + step * 32));
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 2, 4);
            const __m512i av = _mm512_set1_epi32(word);
            for (int g = 0; g < ng; g++) acc[r][g] = _mm512_dpbf16_ps(acc[r][g], (__m512bh)av, (__m512bh)wv[g]);
        }
    }
    for (int g = 0; g < ng; g++) {
        const size_t left = columns_left > (size_t)g * 16 ? columns_left - (size_t)g * 16 : 0;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        for (int r = 0; r < mr; r++) {
            float *out = c + r * ldc + g * 16;
            const __m512 old = _mm512_maskz_loadu_ps(mask, out);
            _mm512_mask_storeu_ps(out, mask, _mm512_add_ps(old, acc[r][g]));
        }
    }
}

#define SEK_BF16_ROWS(ng)                                                              \
    switch (rows - row) {                                                              \
    case 1: bf16_tile(1, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    case 2: bf16_tile(2, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    case 3: bf16_tile(3, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    case 4: bf16_tile(4, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    case 5: bf16_tile(5, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    default: bf16_tile(6, ng, steps, a, padded_inputs, w, out, ldc, columns - col); break; \
    }

SEK_BF16_TARGET static void gemm_bf16_native(size_t rows, size_t columns, size_t padded_inputs,
                                             const uint16_t *activations, const uint16_t *packed, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 2;
    const size_t groups = (columns + 15) / 16;
    for (size_t group = 0; group < groups; group += 4) {
        const size_t col = group * 16;
        const int ng = groups - group >= 4 ? 4 : (int)(groups - group);
        const uint16_t *w = packed + group * steps * 32;
        for (size_t row = 0; row < rows; row += 6) {
            const uint16_t *a = activations + row * padded_inputs;
            float *out = c + row * ldc + col;
            switch (ng) {
            case 4: SEK_BF16_ROWS(4) break;
            case 3: SEK_BF16_ROWS(3) break;
            case 2: SEK_BF16_ROWS(2) break;
            default: SEK_BF16_ROWS(1) break;
            }
        }
    }
}
#endif

int sek_has_bf16_dot(void) {
#ifdef SEK_BF16_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

void sek_gemm_bf16(size_t rows, size_t columns, size_t padded_inputs, const uint16_t *activations,
                   const uint16_t *packed, float *c, size_t ldc) {
#ifdef SEK_BF16_X86
    if (sek_has_bf16_dot()) {
        gemm_bf16_native(rows, columns, padded_inputs, activations, packed, c, ldc);
        return;
    }
#endif
    sek_gemm_bf16_portable(rows, columns, padded_inputs, activations, packed, c, ldc);
}
