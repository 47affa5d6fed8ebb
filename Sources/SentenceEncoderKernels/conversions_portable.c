// Activation conversions, portable: per-token int8 codes (dynamic and static) and bfloat16
// rounding. The reference the SIMD variants equal bit for bit.
#include "sek_internal.h"

void sek_quantize_rows_u8_portable(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                   uint8_t *codes, float *scales) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        float maximum = 0.0f;
        for (size_t j = 0; j < columns; j++) maximum = fmaxf(maximum, fabsf(x[j]));
        const float inverse = maximum > 0.0f ? 127.0f / maximum : 0.0f;
        scales[row] = maximum / 127.0f;
        uint8_t *out = codes + row * padded_columns;
        for (size_t j = 0; j < columns; j++) out[j] = sek_code_scalar(x[j], inverse);
        for (size_t j = columns; j < padded_columns; j++) out[j] = 128;
    }
}

void sek_quantize_rows_u8_fixed_portable(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                         float inverse_scale, uint8_t *codes) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint8_t *out = codes + row * padded_columns;
        for (size_t j = 0; j < columns; j++) out[j] = sek_code_scalar(x[j], inverse_scale);
        for (size_t j = columns; j < padded_columns; j++) out[j] = 128;
    }
}

void sek_round_rows_bf16_portable(const float *values, size_t rows, size_t columns, size_t padded_columns,
                                  uint16_t *output) {
    for (size_t row = 0; row < rows; row++) {
        const float *x = values + row * columns;
        uint16_t *out = output + row * padded_columns;
        for (size_t j = 0; j < columns; j++) out[j] = sek_round_bf16_scalar(x[j]);
        for (size_t j = columns; j < padded_columns; j++) out[j] = 0;
    }
}
