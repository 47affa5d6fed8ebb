import EmbeddingKernels

/// Which implementation of a hot loop runs: the plain-Swift reference or a C kernel variant.
///
/// Production code uses ``automatic`` (the best variant for the running CPU); tests run every
/// variant the CPU supports against ``reference``.
enum KernelPath: Sendable, Equatable, CaseIterable {
    /// The plain-Swift loops (the specification the fast paths are tested against).
    case reference
    /// The portable C variant.
    case portable
    /// The AVX2 variant (x86-64).
    case avx2
    /// The AVX-512 variant (x86-64).
    case avx512
    /// The best C variant the running CPU supports.
    case automatic

    /// Whether the running CPU can run this path.
    var isSupported: Bool {
        switch self {
        case .reference, .portable, .automatic: return true
        case .avx2: return eq_cpu_supports(EQ_ISA_AVX2) != 0
        case .avx512: return eq_cpu_supports(EQ_ISA_AVX512) != 0
        }
    }

    /// The C instruction-set level this path runs.
    var isa: eq_isa {
        switch self {
        case .reference, .portable: return EQ_ISA_SCALAR
        case .avx2: return EQ_ISA_AVX2
        case .avx512: return EQ_ISA_AVX512
        case .automatic: return eq_best_isa()
        }
    }
}
