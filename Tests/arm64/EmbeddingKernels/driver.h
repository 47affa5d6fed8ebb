// The EmbeddingKernels arm64 driver's tests (driver.c runs them all).
#ifndef EMBEDQ_EMBEDDING_KERNELS_DRIVER_H
#define EMBEDQ_EMBEDDING_KERNELS_DRIVER_H

/// The NEON RaBitQ kernels against the portable ones (0 when they agree; arm64 only).
int rabitq_kernels_test(void);
/// Every asymmetric kernel variant the CPU has against the plain reference (0 when all agree).
int asymmetric_kernels_test(void);

#endif
