/// A mutable buffer that concurrent workers write to at disjoint indices.
///
/// `@unchecked Sendable` because the compiler cannot see that the indices are disjoint; each use
/// site partitions the indices among workers and joins them before reading.
struct DisjointWrites<Element>: @unchecked Sendable {
    /// The buffer written to.
    let buffer: UnsafeMutableBufferPointer<Element>

    /// Wraps `buffer`.
    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }

    /// Sets element `index`; no two workers may write the same index.
    func write(_ value: Element, at index: Int) {
        buffer[index] = value
    }
}
