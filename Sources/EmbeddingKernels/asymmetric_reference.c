// The plain reference of the asymmetric scans: one row-major row (AsymmetricKernels.h).
#include "AsymmetricKernels.h"

#pragma STDC FP_CONTRACT OFF

static inline int packed_bit(const uint8_t *bytes, int64_t j) { return (bytes[j / 8] >> (7 - j % 8)) & 1; }

float eq_asym_score_reference(int format, const uint8_t *row, int64_t dim, const int8_t *weights, float scale,
                              float constant, uint8_t xor_mask) {
    uint32_t sum = 0; // wrapping, as the kernels' 32-bit lanes
    const int64_t plane = (dim + 7) / 8;
    for (int64_t j = 0; j < dim; j++) {
        uint32_t u;
        switch (format) {
        case EQ_ASYM_U8: u = (uint8_t)(row[j] ^ xor_mask); break;
        case EQ_ASYM_U4: u = j % 2 == 0 ? row[j / 2] >> 4 : row[j / 2] & 0x0F; break;
        case EQ_ASYM_TERNARY: u = (uint32_t)(1 + packed_bit(row, j) - packed_bit(row + plane, j)); break;
        default: u = (uint32_t)packed_bit(row, j); break;
        }
        sum += u * (uint32_t)(int32_t)weights[j];
    }
    const float product = (float)(int32_t)sum * scale;
    return product + constant;
}

float eq_asym_lookup_score_reference(const uint8_t *row, int64_t dim, const uint8_t *tables, float scale,
                                     float constant) {
    const int64_t bytes = (dim + 7) / 8;
    int32_t sum = 0;
    for (int64_t k = 0; k < bytes; k++)
        sum += tables[eq_lookup_table_offset(k, 0) + (row[k] >> 4)] + tables[eq_lookup_table_offset(k, 1) + (row[k] & 0x0F)] - 120;
    const float product = (float)sum * scale;
    return product + constant;
}
