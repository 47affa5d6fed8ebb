// The plain reference of the asymmetric scans: one row-major row (AsymmetricKernels.h).
#include <math.h>

#include "AsymmetricKernels.h"

static inline int packed_bit(const uint8_t *bytes, int64_t j) { return (bytes[j / 8] >> (7 - j % 8)) & 1; }

float eq_asym_score_reference(int format, const uint8_t *row, int64_t dim, const float *weights, float constant,
                              uint8_t xor_mask) {
    float acc = 0.0f;
    const int64_t plane = (dim + 7) / 8;
    for (int64_t j = 0; j < dim; j++) {
        switch (format) {
        case EQ_ASYM_U8: acc = fmaf(weights[j], (float)(uint8_t)(row[j] ^ xor_mask), acc); break;
        case EQ_ASYM_U4: acc = fmaf(weights[j], (float)(j % 2 == 0 ? row[j / 2] >> 4 : row[j / 2] & 0x0F), acc); break;
        case EQ_ASYM_TERNARY: {
            const int p = packed_bit(row, j), n = packed_bit(row + plane, j);
            if (p && !n) acc = acc + weights[j];
            else if (n && !p) acc = acc - weights[j];
            break;
        }
        default: acc = packed_bit(row, j) ? acc + weights[j] : acc - weights[j]; break;
        }
    }
    return acc + constant;
}
