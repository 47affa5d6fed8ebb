// Graph distance kernels, arm64 NEON (the arm64 baseline): byte popcounts (`cnt`) summed with
// pairwise widening adds, int8 by widening multiplies (`smull` / `smull2`), floats with the 32
// partial sums of GraphKernels.h in eight registers.
#include "graph_distance_internal.h"

#if EQ_GRAPH_ARM64
#include <arm_neon.h>

static inline uint32_t hamming_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    uint16x8_t acc = vdupq_n_u16(0);
    int64_t i = 0;
    // Each 16-byte step adds at most 16 per lane: 4,096 steps (64 KiB rows) cannot overflow.
    for (; i + 16 <= size; i += 16) acc = vpadalq_u8(acc, vcntq_u8(veorq_u8(vld1q_u8(row + i), vld1q_u8(q + i))));
    uint32_t distance = vaddlvq_u16(acc);
    for (; i < size; i++) distance += (uint32_t)__builtin_popcount((unsigned)(row[i] ^ q[i]));
    return distance;
}

static inline uint32_t ternary_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    uint16x8_t plus = vdupq_n_u16(0), minus = vdupq_n_u16(0);
    int64_t i = 0;
    for (; i + 16 <= size; i += 16) {
        const uint8x16_t p = vld1q_u8(row + i), n = vld1q_u8(row + size + i);
        const uint8x16_t qp = vld1q_u8(q + i), qn = vld1q_u8(q + size + i);
        plus = vpadalq_u8(plus, vaddq_u8(vcntq_u8(vandq_u8(p, qp)), vcntq_u8(vandq_u8(n, qn))));
        minus = vpadalq_u8(minus, vaddq_u8(vcntq_u8(vandq_u8(p, qn)), vcntq_u8(vandq_u8(n, qp))));
    }
    int64_t dot = (int64_t)vaddlvq_u16(plus) - (int64_t)vaddlvq_u16(minus);
    for (; i < size; i++) {
        const unsigned p = row[i], n = row[size + i], qp = q[i], qn = q[size + i];
        dot += __builtin_popcount(p & qp) + __builtin_popcount(n & qn) - __builtin_popcount(p & qn) -
               __builtin_popcount(n & qp);
    }
    return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
}

static inline uint32_t dot_i8_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    int32x4_t acc = vdupq_n_s32(0);
    int64_t i = 0;
    for (; i + 16 <= size; i += 16) {
        const int8x16_t a = vld1q_s8((const int8_t *)row + i), b = vld1q_s8((const int8_t *)q + i);
        acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
        acc = vpadalq_s16(acc, vmull_high_s8(a, b));
    }
    int32_t dot = vaddvq_s32(acc);
    for (; i < size; i++) dot += (int32_t)(int8_t)row[i] * (int32_t)(int8_t)q[i];
    return 0x80000000u - (uint32_t)dot;
}

// 4 row values of `format` (0 float32, 1 float16, 2 bfloat16) at element `j`.
static inline float32x4_t load4(const uint8_t *row, int format, int64_t j) {
    if (format == 0) return vld1q_f32((const float *)row + j);
    const uint16x4_t half = vld1_u16((const uint16_t *)row + j);
    if (format == 1) return vcvt_f32_f16(vreinterpret_f16_u16(half));
    return vreinterpretq_f32_u32(vshll_n_u16(half, 16));
}

static inline uint32_t dot_float_row(int format, const uint8_t *row, const float *q, int64_t size) {
    float32x4_t acc[8];  // partial sums 4r ... 4r + 3
    for (int r = 0; r < 8; r++) acc[r] = vdupq_n_f32(0.0f);
    int64_t j = 0;
    for (; j + 32 <= size; j += 32)
        for (int r = 0; r < 8; r++) acc[r] = vfmaq_f32(acc[r], load4(row, format, j + 4 * r), vld1q_f32(q + j + 4 * r));
    if (j < size) {
        float x[32] = {0}, y[32] = {0};
        for (int64_t t = 0; j + t < size; t++) {
            y[t] = q[j + t];
            if (format == 0) __builtin_memcpy(&x[t], row + 4 * (j + t), 4);
            else {
                uint16_t h;
                __builtin_memcpy(&h, row + 2 * (j + t), 2);
                x[t] = format == 1 ? eq_graph_half_to_float(h) : eq_graph_bfloat_to_float(h);
            }
        }
        for (int r = 0; r < 8; r++) acc[r] = vfmaq_f32(acc[r], vld1q_f32(x + 4 * r), vld1q_f32(y + 4 * r));
    }
    // s[l] += s[l + 16], + 8, + 4 across registers; + 2 and + 1 inside one.
    for (int r = 0; r < 4; r++) acc[r] = vaddq_f32(acc[r], acc[r + 4]);
    for (int r = 0; r < 2; r++) acc[r] = vaddq_f32(acc[r], acc[r + 2]);
    const float32x4_t s4 = vaddq_f32(acc[0], acc[1]);
    const float32x2_t s2 = vadd_f32(vget_low_f32(s4), vget_high_f32(s4));
    return eq_graph_float_key(vget_lane_f32(s2, 0) + vget_lane_f32(s2, 1));
}

#define HAMMING_KEY(row) hamming_row(row, (const uint8_t *)query, size)
#define TERNARY_KEY(row) ternary_row(row, (const uint8_t *)query, size)
#define DOT_I8_KEY(row) dot_i8_row(row, (const uint8_t *)query, size)
#define DOT_F32_KEY(row) dot_float_row(0, row, (const float *)query, size)
#define DOT_F16_KEY(row) dot_float_row(1, row, (const float *)query, size)
#define DOT_BF16_KEY(row) dot_float_row(2, row, (const float *)query, size)

void eq_graph_hamming_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                           const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_HAMMING, HAMMING_KEY);
}

void eq_graph_ternary_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                           const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_TERNARY, TERNARY_KEY);
}

void eq_graph_dot_i8_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                          const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_I8, DOT_I8_KEY);
}

void eq_graph_dot_f32_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                           const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F32, DOT_F32_KEY);
}

void eq_graph_dot_f16_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                           const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F16, DOT_F16_KEY);
}

void eq_graph_dot_bf16_neon(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                            const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_BF16, DOT_BF16_KEY);
}
#endif
