#if canImport(Glibc)
import Glibc
#endif

/// Kernel hints for big output buffers.
enum LargeBufferAdvice {
    /// Buffers at least this large ask for transparent huge pages.
    static let threshold = 8 << 20

    /// Asks the kernel to back the untouched pages of `buffer` with transparent huge pages
    /// (Linux `madvise(MADV_HUGEPAGE)`), before the first write. First-touch page faults
    /// otherwise cost more than the quantization itself on a fresh multi-hundred-MB output.
    /// A no-op elsewhere or when the kernel refuses.
    static func preferHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard buffer.count >= threshold, let base = buffer.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, 14 /* MADV_HUGEPAGE */)
        #endif
    }
}
