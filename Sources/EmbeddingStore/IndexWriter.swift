#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

/// Writes an ``IndexImage`` as a complete new file and atomically puts it in place.
enum IndexWriter {
    /// Writes `image` to a temporary file beside `path`, fsyncs it, calls `beforeRename`, renames
    /// it over `path` and fsyncs the directory (``AtomicFile``). A crash at any moment
    /// leaves `path` as it was or as `image` — never in between.
    ///
    /// The sections are streamed in file order with their CRC-32C computed on the way; the header,
    /// which needs those checksums, is written last at offset 0, before the `fsync`.
    static func write(_ image: IndexImage, to path: String, beforeRename: () throws -> Void = {}) throws {
        let ranges = image.rangesBytes
        let ids = image.idsBytes
        let rowCount = image.ids.count
        let fastLength = rowCount * image.fast.precision.bytesPerVector(dimension: image.dimension)
        let rescoringLength = rowCount * (image.rescoring?.precision.bytesPerVector(dimension: image.dimension) ?? 0)
        let payloads = image.payloads
        let payloadsLength = payloads.count == 0 ? 0 : 8 * payloads.offsets.count + 4 * payloads.checksums.count + payloads.blob.count
        var lengths = [Int](repeating: 0, count: IndexSection.allCases.count)
        lengths[IndexSection.ranges.rawValue] = ranges.count
        lengths[IndexSection.ids.rawValue] = ids.count
        lengths[IndexSection.deleted.rawValue] = image.deleted.bitmap.count
        lengths[IndexSection.metadata.rawValue] = image.metadata.count
        lengths[IndexSection.fast.rawValue] = fastLength
        lengths[IndexSection.rescoring.rawValue] = rescoringLength
        lengths[IndexSection.payloads.rawValue] = payloadsLength
        lengths[IndexSection.payloadIndex.rawValue] = image.payloadIndex.count
        lengths[IndexSection.graph.rawValue] = image.graph.count
        guard let placement = IndexLayout.place(lengths: lengths, version: image.version) else {
            throw IndexFileError.invalidArgument("the index would exceed the largest file size")
        }
        let headerSize = IndexHeader.byteCount(version: image.version)

        do {
            try AtomicFile.write(to: path, { file in
                // No nested function captures `file` (a borrowed non-copyable value): Swift
                // 6.3.1's SILGen crashes on that.
                var stream = SectionStream()
                try stream.write([UInt8](repeating: 0, count: headerSize), to: file)
                var sections = [SectionEntry](repeating: SectionEntry(offset: 0, length: 0, checksum: 0), count: IndexSection.allCases.count)
                for section in IndexSection.sections(version: image.version) {
                    let range = placement[section.rawValue]
                    try stream.pad(to: range.lowerBound, file: file)
                    stream.checksum = CRC32C()
                    switch section {
                    case .ranges: try stream.write(ranges, to: file)
                    case .ids: try stream.write(ids, to: file)
                    case .deleted: try stream.write(image.deleted.bitmap, to: file)
                    case .metadata: try stream.write(image.metadata, to: file)
                    case .fast: try stream.write(image.fast.chunks, to: file)
                    case .rescoring: try stream.write(image.rescoring?.chunks ?? [], to: file)
                    case .payloads: try stream.write(payloads, to: file)
                    case .payloadIndex: try stream.write(image.payloadIndex, to: file)
                    case .graph: try stream.write(image.graph, to: file)
                    }
                    precondition(stream.position == range.upperBound, "the \(section) section has an unexpected length")
                    sections[section.rawValue] = SectionEntry(offset: range.lowerBound, length: range.count, checksum: stream.checksum.value)
                }
                try stream.flush(to: file)
                let header = IndexHeader(
                    version: image.version, dimension: image.dimension, rowCount: rowCount, deletedCount: image.deleted.count,
                    generation: image.generation, fileLength: stream.position,
                    fastPrecision: image.fast.precision, fastRounding: image.fast.rounding,
                    rescoringPrecision: image.rescoring?.precision, rescoringRounding: image.rescoring?.rounding ?? .floor,
                    flags: image.flags, sections: sections)
                try writeHeader(header.encoded(), descriptor: file.descriptor)
            }, beforeRename: beforeRename, systemFailure: { $0 })
        } catch {
            throw IndexFileError.from(error)
        }
    }

    /// `pwrite`s the header at offset 0.
    private static func writeHeader(_ bytes: [UInt8], descriptor: Int32) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw IndexFileError.systemError(operation: "pwrite", errno: code, message: String(cString: strerror(code)))
            }
            written += result
        }
    }
}

/// A sequential, buffered writer that tracks the file position and a running CRC-32C.
private struct SectionStream {
    var position = 0
    var checksum = CRC32C()
    private var buffer: [UInt8] = []
    static let bufferSize = 1 << 20

    mutating func write(_ bytes: UnsafeRawBufferPointer, to file: borrowing NPYSystemFile) throws {
        checksum.update(bytes)
        position += bytes.count
        if buffer.count + bytes.count <= SectionStream.bufferSize {
            buffer.append(contentsOf: bytes)
        } else {
            try flush(to: file)
            if bytes.count >= SectionStream.bufferSize { try file.write(bytes) } else { buffer.append(contentsOf: bytes) }
        }
    }

    mutating func write(_ bytes: [UInt8], to file: borrowing NPYSystemFile) throws {
        try bytes.withUnsafeBytes { try write($0, to: file) }
    }

    mutating func write(_ chunks: [IndexImage.Chunk], to file: borrowing NPYSystemFile) throws {
        for chunk in chunks {
            switch chunk {
            case .bytes(let bytes):
                try write(bytes, to: file)
            case .mapped(let codes, let range):
                // Stream from the mapping in 4 MiB pieces, dropping the pages again, so copying a
                // large rescoring section never makes it resident.
                var start = range.lowerBound
                while start < range.upperBound {
                    let piece = UnsafeRawBufferPointer(rebasing: codes.bytes[start..<min(start + (4 << 20), range.upperBound)])
                    try write(piece, to: file)
                    codes.release(piece)
                    start += piece.count
                }
            }
        }
    }

    /// Writes a payloads section: offsets, checksums, blob (nothing when there are no payloads).
    mutating func write(_ payloads: SegmentPayloads, to file: borrowing NPYSystemFile) throws {
        guard payloads.count > 0 else { return }
        var table: [UInt8] = []
        table.reserveCapacity(1 << 16)
        for offset in payloads.offsets {
            table.appendLittleEndian(UInt64(offset))
            if table.count >= 1 << 16 {
                try write(table, to: file)
                table.removeAll(keepingCapacity: true)
            }
        }
        for checksum in payloads.checksums {
            table.appendLittleEndian(checksum)
            if table.count >= 1 << 16 {
                try write(table, to: file)
                table.removeAll(keepingCapacity: true)
            }
        }
        try write(table, to: file)
        try write(payloads.blob, to: file)
    }

    /// Writes zero bytes up to `offset` (not part of any checksum).
    mutating func pad(to offset: Int, file: borrowing NPYSystemFile) throws {
        let count = offset - position
        precondition(count >= 0, "sections out of order")
        buffer += [UInt8](repeating: 0, count: count)
        position = offset
    }

    mutating func flush(to file: borrowing NPYSystemFile) throws {
        try buffer.withUnsafeBytes { try file.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
