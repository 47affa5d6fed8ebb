import Foundation

/// Writes a POSIX `ustar` archive of one flat folder (a collection snapshot) so that it downloads
/// as one file: `tar -xf NAME.tar` gives back `NAME/` with the collection's files. Files are
/// streamed in 1 MiB pieces, never held whole in memory.
enum TarArchive {
    /// Archives the regular files of `folder` (not recursing) under the directory name `root`
    /// into the new file `destination`.
    ///
    /// - Throws: a failure to read the folder or write the archive; a file name over 100 bytes
    ///   with `root`.
    static func write(folder: String, root: String, to destination: String) throws {
        let manager = FileManager.default
        let names = try manager.contentsOfDirectory(atPath: folder).sorted()
        guard manager.createFile(atPath: destination, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination])
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? output.close() }
        try output.write(contentsOf: header(name: root + "/", size: 0, directory: true))
        for name in names {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let size = (try manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "no size for \(path)"])
            }
            try output.write(contentsOf: header(name: root + "/" + name, size: size, directory: false))
            let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? input.close() }
            var written = 0
            while written < size, let piece = try input.read(upToCount: min(1 << 20, size - written)), !piece.isEmpty {
                try output.write(contentsOf: piece)
                written += piece.count
            }
            guard written == size else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path) shrank while archived"])
            }
            let padding = (512 - size % 512) % 512
            if padding > 0 { try output.write(contentsOf: Data(count: padding)) }
        }
        try output.write(contentsOf: Data(count: 1024))  // two zero blocks end the archive
        try output.synchronize()
    }

    /// One 512-byte `ustar` header.
    static func header(name: String, size: Int, directory: Bool) throws -> Data {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 100 else {
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSLocalizedDescriptionKey: "'\(name)' is too long for a tar header"])
        }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(nameBytes, at: 0)
        put(octal(directory ? 0o755 : 0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(Int(Date().timeIntervalSince1970), width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        block[156] = directory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return Data(block)
    }
}
