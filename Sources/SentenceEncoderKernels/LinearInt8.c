// int8 linear layers: dynamic activation quantization and the u8 × s8 → Int32 product.
// See LinearKernels.h for the packed weight layout.
#include "LinearKernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SEK_INT8_X86 1
#endif

// ---------------------------------------------------------------------------------------------
// Activation quantization. Plain loops: clang vectorizes them for the target of the caller.

#define SEK_QUANTIZE_ROW(x, inverse, out, columns, padded)                           \
    for (size_t j = 0; j < (columns); j++) {                                          \
        float q = rintf((x)[j] * (inverse));                                          \
        q = fminf(fmaxf(q, -127.0f), 127.0f);                                         \
        (out)[j] = (uint8_t)((int32_t)q + 128);                                       \
    }                                                                                 \
    for (size_t j = (columns); j < (padded); j++) (out)[j] = 128;

#define SEK_QUANTIZE_ROWS_BODY                                                       \
    for (size_t row = 0; row < rows; row++) {                                        \
        const float *x = values + row * columns;                                     \
        float lanes[16] = {0};                                                       \
        size_t j = 0;                                                                \
        for (; j + 16 <= columns; j += 16)                                           \
            for (int k = 0; k < 16; k++) lanes[k] = fmaxf(lanes[k], fabsf(x[j + k])); \
        float maximum = 0.0f;                                                        \
        for (int k = 0; k < 16; k++) maximum = fmaxf(maximum, lanes[k]);            \
        for (; j < columns; j++) maximum = fmaxf(maximum, fabsf(x[j]));              \
        const float inverse = maximum > 0.0f ? 127.0f / maximum : 0.0f;              \
        scales[row] = maximum / 127.0f;                                              \
        uint8_t *out = codes + row * padded_columns;                                 \
        SEK_QUANTIZE_ROW(x, inverse, out, columns, padded_columns)                   \
    }

#ifdef SEK_INT8_X86
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
static void quantize_rows_avx512(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                 uint8_t *codes, float *scales) { SEK_QUANTIZE_ROWS_BODY }
#endif

static void quantize_rows_portable(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                   uint8_t *codes, float *scales) { SEK_QUANTIZE_ROWS_BODY }

void sek_quantize_rows_u8(const float *values, size_t rows, size_t columns, size_t padded_columns,
                          uint8_t *codes, float *scales) {
#ifdef SEK_INT8_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        quantize_rows_avx512(values, rows, columns, padded_columns, codes, scales);
        return;
    }
#endif
    quantize_rows_portable(values, rows, columns, padded_columns, codes, scales);
}

void sek_quantize_rows_u8_fixed(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                float inverse_scale, uint8_t *codes) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint8_t *out = codes + row * padded_columns;
        SEK_QUANTIZE_ROW(x, inverse_scale, out, columns, padded_columns)
    }
}

// ---------------------------------------------------------------------------------------------
// Portable product: one row and one group of 16 columns at a time, 16 Int32 lanes.

void sek_gemm_u8s8_portable(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                            const float *a_scales, const int8_t *packed, const int32_t *corrections,
                            const float *w_scales, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    for (size_t row = 0; row < rows; row++) {
        const uint8_t *a = codes + row * padded_inputs;
        float *out = c + row * ldc;
        for (size_t group = 0; group < groups; group++) {
            const int8_t *w = packed + group * steps * 64;
            int32_t lanes[16] = {0};
            for (size_t step = 0; step < steps; step++) {
                const uint8_t *x = a + step * 4;
                const int8_t *ws = w + step * 64;
                for (int lane = 0; lane < 16; lane++) {
                    lanes[lane] += (int32_t)x[0] * ws[lane * 4] + (int32_t)x[1] * ws[lane * 4 + 1] +
                                   (int32_t)x[2] * ws[lane * 4 + 2] + (int32_t)x[3] * ws[lane * 4 + 3];
                }
            }
            for (int lane = 0; lane < 16 && group * 16 + lane < columns; lane++) {
                const size_t j = group * 16 + lane;
                out[j] += (float)(lanes[lane] - corrections[j]) * (a_scales[row] * w_scales[j]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AVX-512 VNNI: tiles of up to 6 rows × 4 groups (64 columns) in 24 zmm accumulators.
// Per step of 4 inputs: one 32-bit broadcast of each row's 4 codes, one 64-byte load per group,
// rows × groups `vpdpbusd`. No horizontal sums: each lane is one output column.

#ifdef SEK_INT8_X86
#define SEK_VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma")))

SEK_VNNI_TARGET static inline __attribute__((always_inline)) void
vnni_tile(const int mr, const int ng, size_t steps, const uint8_t *a, size_t lda, const int8_t *w,
          const float *a_scales, const int32_t *corrections, const float *w_scales, float *c, size_t ldc,
          size_t columns_left) {
    __m512i acc[6][4];
    for (int r = 0; r < mr; r++)
        for (int g = 0; g < ng; g++) acc[r][g] = _mm512_setzero_si512();
    const size_t group_stride = steps * 64;
    for (size_t step = 0; step < steps; step++) {
        __m512i wv[4];
        for (int g = 0; g < ng; g++) wv[g] = _mm512_loadu_si512((const void *)(w + g * group_stride + step * 64));
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + step * 4, 4);
            const __m512i av = _mm512_set1_epi32(word);
            for (int g = 0; g < ng; g++) acc[r][g] = _mm512_dpbusd_epi32(acc[r][g], av, wv[g]);
        }
    }
    for (int g = 0; g < ng; g++) {
        const size_t left = columns_left > (size_t)g * 16 ? columns_left - (size_t)g * 16 : 0;
        const __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        const __m512i correction = _mm512_loadu_si512((const void *)(corrections + g * 16));
        const __m512 scale = _mm512_loadu_ps(w_scales + g * 16);
        for (int r = 0; r < mr; r++) {
            const __m512 sum = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][g], correction));
            const __m512 factor = _mm512_mul_ps(_mm512_set1_ps(a_scales[r]), scale);
            float *out = c + r * ldc + g * 16;
            const __m512 old = _mm512_maskz_loadu_ps(mask, out);
            _mm512_mask_storeu_ps(out, mask, _mm512_fmadd_ps(sum, factor, old));
        }
    }
}

#define SEK_VNNI_ROWS(ng)                                                                         \
    switch (rows - row) {                                                                         \
    case 1: vnni_tile(1, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    case 2: vnni_tile(2, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    case 3: vnni_tile(3, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    case 4: vnni_tile(4, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    case 5: vnni_tile(5, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    default: vnni_tile(6, ng, steps, a, padded_inputs, w, s, k, ws, out, ldc, columns - col); break; \
    }

SEK_VNNI_TARGET static void gemm_u8s8_vnni(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                                           const float *a_scales, const int8_t *packed, const int32_t *corrections,
                                           const float *w_scales, float *c, size_t ldc) {
    const size_t steps = padded_inputs / 4;
    const size_t groups = (columns + 15) / 16;
    // Column blocks outside (their weights, ≤ 64 · padded_inputs bytes, stay in L2), rows inside.
    for (size_t group = 0; group < groups; group += 4) {
        const size_t col = group * 16;
        const int ng = groups - group >= 4 ? 4 : (int)(groups - group);
        const int8_t *w = packed + group * steps * 64;
        const int32_t *k = corrections + col;
        const float *ws = w_scales + col;
        for (size_t row = 0; row < rows; row += 6) {
            const uint8_t *a = codes + row * padded_inputs;
            const float *s = a_scales + row;
            float *out = c + row * ldc + col;
            switch (ng) {
            case 4: SEK_VNNI_ROWS(4) break;
            case 3: SEK_VNNI_ROWS(3) break;
            case 2: SEK_VNNI_ROWS(2) break;
            default: SEK_VNNI_ROWS(1) break;
            }
        }
    }
}
#endif

int sek_has_int8_dot(void) {
#ifdef SEK_INT8_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

void sek_gemm_u8s8(size_t rows, size_t columns, size_t padded_inputs, const uint8_t *codes,
                   const float *a_scales, const int8_t *packed, const int32_t *corrections,
                   const float *w_scales, float *c, size_t ldc) {
#ifdef SEK_INT8_X86
    if (sek_has_int8_dot()) {
        gemm_u8s8_vnni(rows, columns, padded_inputs, codes, a_scales, packed, corrections, w_scales, c, ldc);
        return;
    }
#endif
    sek_gemm_u8s8_portable(rows, columns, padded_inputs, codes, a_scales, packed, corrections, w_scales, c, ldc);
}
