#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One section left in its file (read on demand with `pread`, checked against its CRC-32C).
///
/// `@unchecked Sendable`: immutable after `init`; `pread` on a private duplicate descriptor is
/// safe from several threads.
final class SectionFile: @unchecked Sendable {
    private let descriptor: Int32
    let entry: SectionEntry
    let section: IndexSection

    init(descriptor: Int32, entry: SectionEntry, section: IndexSection) throws(IndexFileError) {
        self.descriptor = try SectionReading.duplicate(descriptor)
        self.entry = entry
        self.section = section
    }

    deinit { close(descriptor) }

    /// The section's bytes, checked against its CRC-32C.
    func read() throws(IndexFileError) -> [UInt8] {
        let bytes = try SectionReading.bytes(descriptor, count: entry.length, at: entry.offset)
        let computed = CRC32C.checksum(of: bytes)
        guard computed == entry.checksum else { throw .checksumMismatch(section: section, stored: entry.checksum, computed: computed) }
        return bytes
    }

    /// Checks the section's CRC-32C without keeping it in memory.
    func verify() throws(IndexFileError) {
        try SectionReading.verifyChecksum(descriptor, entry: entry, section: section)
    }
}
