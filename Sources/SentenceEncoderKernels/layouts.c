// Weight layouts of the linear kernels and their packing (see SentenceEncoderKernels.h).
#include "sek_internal.h"

static size_t round_up(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

size_t sek_f32_packed_count(size_t n, size_t k) { return round_up(n, SEK_F32_PANEL) * k; }

void sek_pack_f32(const float *w, size_t n, size_t k, float *packed) {
    const size_t panels = (n + SEK_F32_PANEL - 1) / SEK_F32_PANEL;
    for (size_t p = 0; p < panels; p++) {
        float *panel = packed + p * SEK_F32_PANEL * k;
        for (size_t kk = 0; kk < k; kk++) {
            for (size_t j = 0; j < SEK_F32_PANEL; j++) {
                const size_t row = p * SEK_F32_PANEL + j;
                panel[kk * SEK_F32_PANEL + j] = row < n ? w[row * k + kk] : 0.0f;
            }
        }
    }
}

size_t sek_int8_padded_inputs(size_t k) { return round_up(k, SEK_INT8_K_MULTIPLE); }

size_t sek_int8_packed_count(size_t n, size_t k) { return round_up(n, SEK_INT8_GROUP) * sek_int8_padded_inputs(k); }

size_t sek_bf16_padded_inputs(size_t k) { return round_up(k, SEK_BF16_K_MULTIPLE); }

size_t sek_bf16_packed_count(size_t n, size_t k) { return round_up(n, SEK_BF16_PANEL) * sek_bf16_padded_inputs(k); }

// packed[((group · steps + step) · 16 + lane) · 4 + i] = W[16 · group + lane][4 · step + i].
void sek_pack_int8_dot(const int8_t *codes, size_t n, size_t k, int8_t *packed) {
    const size_t padded = sek_int8_padded_inputs(k), steps = padded / 4;
    memset(packed, 0, sek_int8_packed_count(n, k));
    for (size_t j = 0; j < n; j++) {
        const size_t group = j / 16, lane = j % 16;
        for (size_t p = 0; p < k; p++)
            packed[((group * steps + p / 4) * 16 + lane) * 4 + p % 4] = codes[j * k + p];
    }
}

// packed[((group · steps + step) · 8 + pair) · 16 + half · 8 + i] = W[16 · group + 2 · pair + half][8 · step + i]:
// per step of 8 inputs, the 8 column pairs of a group as the 2 × 8 right operands of SMMLA.
void sek_pack_int8_i8mm(const int8_t *codes, size_t n, size_t k, int8_t *packed) {
    const size_t padded = sek_int8_padded_inputs(k), steps = padded / 8;
    memset(packed, 0, sek_int8_packed_count(n, k));
    for (size_t j = 0; j < n; j++) {
        const size_t group = j / 16, pair = (j % 16) / 2, half = j % 2;
        for (size_t p = 0; p < k; p++)
            packed[((group * steps + p / 8) * 8 + pair) * 16 + half * 8 + p % 8] = codes[j * k + p];
    }
}

// packed[((group · steps + step) · 16 + lane) · 2 + i] = W[16 · group + lane][2 · step + i] for
// groups of 16 columns (the size counts n rounded up to 32, so the last group may be unused).
void sek_pack_bf16_pairs(const uint16_t *values, size_t n, size_t k, uint16_t *packed) {
    const size_t padded = sek_bf16_padded_inputs(k), steps = padded / 2;
    memset(packed, 0, sek_bf16_packed_count(n, k) * sizeof(uint16_t));
    for (size_t j = 0; j < n; j++) {
        const size_t group = j / 16, lane = j % 16;
        for (size_t p = 0; p < k; p++)
            packed[((group * steps + p / 2) * 16 + lane) * 2 + p % 2] = values[j * k + p];
    }
}

// packed[(panel · padded + p) · 32 + 2 · i + h] = W[32 · panel + 16 · h + i][p] (i < 16, h < 2):
// one 32-bit lane per column pair (i, 16 + i), so a shift and a mask widen 16 + 16 columns.
void sek_pack_bf16_panel(const uint16_t *values, size_t n, size_t k, uint16_t *packed) {
    const size_t padded = sek_bf16_padded_inputs(k);
    memset(packed, 0, sek_bf16_packed_count(n, k) * sizeof(uint16_t));
    for (size_t j = 0; j < n; j++) {
        const size_t panel = j / 32, h = (j % 32) / 16, i = j % 16;
        for (size_t p = 0; p < k; p++) packed[(panel * padded + p) * 32 + 2 * i + h] = values[j * k + p];
    }
}

float *sek_widen_bf16_rows(const uint16_t *activations, size_t rows, size_t padded_inputs) {
    float *widened = sek_scratch(SEK_SCRATCH_WIDENED, (rows * padded_inputs > 0 ? rows * padded_inputs : 1) * sizeof(float));
    if (!widened) return NULL;
    for (size_t i = 0; i < rows * padded_inputs; i++) {
        const uint32_t bits = (uint32_t)activations[i] << 16;
        memcpy(widened + i, &bits, 4);
    }
    return widened;
}
