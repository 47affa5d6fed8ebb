#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension NPYFile {
    /// Reads the `.npy` file at `path`.
    ///
    /// The header is read and checked first; the element data is allocated only after its size
    /// (product(shape) × item size) has been checked against the file size, and is then read
    /// straight into the array's storage (one copy; byte-swapped only for big-endian files).
    ///
    /// - Returns: the array in C order with little-endian element bytes.
    /// - Throws: ``NPYError/inFile(path:_:)`` wrapping the problem (see ``decode(_:)``) or the
    ///   failed system call.
    public static func read(contentsOf path: String) throws(NPYError) -> NPYArray {
        do throws(NPYError) {
            let file = try NPYSystemFile(path: path, flags: O_RDONLY)
            let fileSize = try file.size()
            let prefix = try readBytes(file, count: min(fileSize, 12), at: 0)
            let preamble = try NPYHeader.parsePreamble(prefix[...])
            guard preamble.dataOffset <= fileSize else {
                throw NPYError.truncated(what: "the header", needed: preamble.dataOffset, available: fileSize)
            }
            let headerText = try readBytes(file, count: preamble.headerLength, at: preamble.headerOffset)
            guard headerText.count == preamble.headerLength else {  // the file shrank while being read
                throw NPYError.truncated(
                    what: "the header", needed: preamble.dataOffset, available: preamble.headerOffset + headerText.count)
            }
            let layout = try NPYFile.Layout(header: NPYHeader.parse(text: headerText[...], isUTF8: preamble.isUTF8))
            let available = fileSize - preamble.dataOffset
            guard available == layout.byteCount else {
                throw NPYError.dataSizeMismatch(expectedBytes: layout.byteCount, actualBytes: available)
            }
            let data = try readBytes(file, count: layout.byteCount, at: preamble.dataOffset)
            guard data.count == layout.byteCount else {  // the file shrank while being read
                throw NPYError.truncated(what: "the element data", needed: layout.byteCount, available: data.count)
            }
            return layout.makeArray(data: consume data)
        } catch {
            throw NPYError.inFile(path: path, error)
        }
    }

    /// Reads up to `count` bytes from byte `offset` of the file (fewer only at end of file).
    private static func readBytes(_ file: borrowing NPYSystemFile, count: Int, at offset: Int) throws(NPYError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: NPYError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(NPYError) {
                adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                initialized = try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
