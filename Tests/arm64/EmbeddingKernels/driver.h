// The EmbeddingKernels arm64 driver's tests (driver.c runs them all).
#ifndef EMBEDQ_EMBEDDING_KERNELS_DRIVER_H
#define EMBEDQ_EMBEDDING_KERNELS_DRIVER_H

#include "EmbeddingKernels.h"

/// The distinct dispatch tables this CPU allows (capped by EMBEDQ_ISA), portable first: one per
/// level name in "portable avx2 avx512 avx512vnni neon neondot neoni8mm native" whose table differs from
/// every earlier one. Writes at most `max` tables and their level names; returns the count.
int driver_tables(eq_kernel_table *tables, const char **names, int max);

/// The NEON RaBitQ kernels against the portable ones (0 when they agree; arm64 only).
int rabitq_kernels_test(void);
/// The 1-bit scan by lookups, every variant the CPU has, against the portable popcount scan.
int rabitq_lookup_test(void);
/// Every asymmetric kernel variant the CPU has against the plain reference (0 when all agree).
int asymmetric_kernels_test(void);
/// Every search scan and selection variant the CPU has against the portable one (0 when all agree).
int search_kernels_test(void);
/// Every quantizer variant the CPU has against the portable one (0 when all agree).
int quantize_kernels_test(void);

#endif
