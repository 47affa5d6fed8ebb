// Graph distance kernels, portable C (every CPU), and the plain one-pair reference.
#include "graph_distance_internal.h"

// ---- Reference: the definitions of GraphKernels.h, one pair, the plainest loops -------------------

static uint32_t reference_popcount(uint8_t byte) {
    uint32_t count = 0;
    for (int bit = 0; bit < 8; bit++) count += (byte >> bit) & 1u;
    return count;
}

static float reference_value(eq_graph_metric metric, const uint8_t *row, int64_t j) {
    uint16_t half;
    switch (metric) {
    case EQ_GRAPH_DOT_F32: {
        float value;
        __builtin_memcpy(&value, row + 4 * j, 4);
        return value;
    }
    case EQ_GRAPH_DOT_F16:
        __builtin_memcpy(&half, row + 2 * j, 2);
        return eq_graph_half_to_float(half);
    default:
        __builtin_memcpy(&half, row + 2 * j, 2);
        return eq_graph_bfloat_to_float(half);
    }
}

uint32_t eq_graph_distance_reference(eq_graph_metric metric, const void *query, const uint8_t *row, int64_t size) {
    const uint8_t *q = (const uint8_t *)query;
    switch (metric) {
    case EQ_GRAPH_HAMMING: {
        uint32_t distance = 0;
        for (int64_t i = 0; i < size; i++) distance += reference_popcount(row[i] ^ q[i]);
        return distance;
    }
    case EQ_GRAPH_TERNARY: {
        int64_t dot = 0;
        for (int64_t i = 0; i < size; i++) {
            const uint8_t p = row[i], n = row[size + i], qp = q[i], qn = q[size + i];
            dot += (int64_t)reference_popcount(p & qp) + reference_popcount(n & qn);
            dot -= (int64_t)reference_popcount(p & qn) + reference_popcount(n & qp);
        }
        return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
    }
    case EQ_GRAPH_DOT_I8: {
        int64_t dot = 0;
        for (int64_t i = 0; i < size; i++) dot += (int64_t)(int8_t)row[i] * (int64_t)(int8_t)q[i];
        return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
    }
    default: {
        const float *qf = (const float *)query;
        float partial[32] = {0};
        const int64_t padded = (size + 31) / 32 * 32;
        for (int64_t j = 0; j < padded; j++) {
            const float x = j < size ? reference_value(metric, row, j) : 0.0f;
            const float y = j < size ? qf[j] : 0.0f;
            partial[j % 32] = __builtin_fmaf(x, y, partial[j % 32]);
        }
        return eq_graph_float_key(eq_graph_reduce32(partial));
    }
    }
}

// ---- Portable variants ------------------------------------------------------------------------------

static inline uint64_t load64(const uint8_t *p) {
    uint64_t word;
    __builtin_memcpy(&word, p, 8);
    return word;
}

// The last `n < 8` bytes at `p` as a zero-extended word.
static inline uint64_t load_tail(const uint8_t *p, int64_t n) {
    uint64_t word = 0;
    __builtin_memcpy(&word, p, (unsigned long)n);
    return word;
}

static inline uint32_t hamming_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    uint32_t distance = 0;
    int64_t i = 0;
    for (; i + 8 <= size; i += 8) distance += (uint32_t)__builtin_popcountll(load64(row + i) ^ load64(q + i));
    if (i < size) distance += (uint32_t)__builtin_popcountll(load_tail(row + i, size - i) ^ load_tail(q + i, size - i));
    return distance;
}

static inline int64_t ternary_words(uint64_t p, uint64_t n, uint64_t qp, uint64_t qn) {
    return (int64_t)__builtin_popcountll(p & qp) + __builtin_popcountll(n & qn) - __builtin_popcountll(p & qn) -
           __builtin_popcountll(n & qp);
}

static inline uint32_t ternary_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    int64_t dot = 0;
    int64_t i = 0;
    for (; i + 8 <= size; i += 8)
        dot += ternary_words(load64(row + i), load64(row + size + i), load64(q + i), load64(q + size + i));
    if (i < size) {
        const int64_t n = size - i;
        dot += ternary_words(load_tail(row + i, n), load_tail(row + size + i, n), load_tail(q + i, n),
                             load_tail(q + size + i, n));
    }
    return (uint32_t)(0x80000000u - (uint32_t)(int32_t)dot);
}

static inline uint32_t dot_i8_row(const uint8_t *row, const uint8_t *q, int64_t size) {
    int32_t dot = 0;
    for (int64_t i = 0; i < size; i++) dot += (int32_t)(int8_t)row[i] * (int32_t)(int8_t)q[i];
    return 0x80000000u - (uint32_t)dot;
}

static inline uint32_t dot_float_row(eq_graph_metric metric, const uint8_t *row, const float *q, int64_t size) {
    float partial[32] = {0};
    int64_t j = 0;
    for (; j + 32 <= size; j += 32)
        for (int l = 0; l < 32; l++) partial[l] = __builtin_fmaf(reference_value(metric, row, j + l), q[j + l], partial[l]);
    if (j < size)
        for (int l = 0; l < 32; l++) {
            const int inside = j + l < size;
            partial[l] = __builtin_fmaf(inside ? reference_value(metric, row, j + l) : 0.0f, inside ? q[j + l] : 0.0f, partial[l]);
        }
    return eq_graph_float_key(eq_graph_reduce32(partial));
}

#define HAMMING_KEY(row) hamming_row(row, (const uint8_t *)query, size)
#define TERNARY_KEY(row) ternary_row(row, (const uint8_t *)query, size)
#define DOT_I8_KEY(row) dot_i8_row(row, (const uint8_t *)query, size)
#define DOT_F32_KEY(row) dot_float_row(EQ_GRAPH_DOT_F32, row, (const float *)query, size)
#define DOT_F16_KEY(row) dot_float_row(EQ_GRAPH_DOT_F16, row, (const float *)query, size)
#define DOT_BF16_KEY(row) dot_float_row(EQ_GRAPH_DOT_BF16, row, (const float *)query, size)

void eq_graph_hamming_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                               const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_HAMMING, HAMMING_KEY);
}

void eq_graph_ternary_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                               const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_TERNARY, TERNARY_KEY);
}

void eq_graph_dot_i8_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                              const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_I8, DOT_I8_KEY);
}

void eq_graph_dot_f32_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                               const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F32, DOT_F32_KEY);
}

void eq_graph_dot_f16_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                               const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_F16, DOT_F16_KEY);
}

void eq_graph_dot_bf16_portable(const void *query, const uint8_t *codes, int64_t stride, int64_t size,
                                const uint32_t *rows, int64_t count, uint32_t *keys) {
    EQ_GRAPH_ROW_LOOP(EQ_GRAPH_DOT_BF16, DOT_BF16_KEY);
}
