import EmbeddingStore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `MANIFEST`: a 40-byte header, then the manifest as UTF-8 JSON (keys sorted). Little-endian:
///
/// | offset | size | field |
/// |---:|---:|---|
/// | 0 | 8 | magic `EMBQMNFT` |
/// | 8 | 4 | version (1) |
/// | 12 | 4 | reserved, zero |
/// | 16 | 8 | generation (equal to the body's) |
/// | 24 | 8 | body length |
/// | 32 | 4 | CRC-32C of the body |
/// | 36 | 4 | CRC-32C of bytes 0 ..< 36 |
///
/// The file is replaced atomically (temporary file, `fsync`, rename, `fsync` of the directory),
/// so a reader sees the old or the new manifest, never a mix; a damaged one fails with
/// ``CollectionError/corruptFile(path:reason:)``.
enum ManifestFile {
    static let magic: [UInt8] = Array("EMBQMNFT".utf8)
    static let version: UInt32 = 1
    static let headerSize = 40

    /// The file's bytes for `manifest`.
    static func encode(_ manifest: Manifest) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The manifest holds strings, integers and arrays of them: encoding cannot fail.
        let body = [UInt8]((try? encoder.encode(manifest)) ?? Data())
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(manifest.generation)
        bytes.appendLittleEndian(UInt64(body.count))
        bytes.appendLittleEndian(CRC32C.checksum(of: body))
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes + body
    }

    /// Decodes and checks a manifest file's bytes (`path` names it in errors).
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)`` saying what is wrong.
    static func decode(_ bytes: [UInt8], path: String) throws(CollectionError) -> Manifest {
        let generation = try header(bytes, path: path)
        let body = bytes[headerSize...]
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(body))
        } catch {
            throw .corruptFile(path: path, reason: "the manifest body is not the expected JSON (\(error))")
        }
        guard manifest.generation == generation else {
            throw .corruptFile(path: path, reason: "the header says generation \(generation), the body \(manifest.generation)")
        }
        do {
            try manifest.validate()
        } catch {
            throw .corruptFile(path: path, reason: "invalid manifest: \(error.description)")
        }
        return manifest
    }

    /// Checks the header and the body's checksum and returns the generation.
    ///
    /// - Throws: ``CollectionError/corruptFile(path:reason:)``.
    static func header(_ bytes: [UInt8], path: String) throws(CollectionError) -> UInt64 {
        guard bytes.count >= headerSize else {
            throw .corruptFile(path: path, reason: "truncated manifest: \(bytes.count) bytes, the header alone has \(headerSize)")
        }
        guard Array(bytes[0..<8]) == magic else { throw .corruptFile(path: path, reason: "not a manifest: missing the magic bytes EMBQMNFT") }
        let storedHeader = load(UInt32.self, bytes, 36)
        let computedHeader = CRC32C.checksum(of: bytes[0..<36])
        guard storedHeader == computedHeader else {
            throw .corruptFile(path: path, reason: "corrupt manifest header: CRC-32C is \(computedHeader), the header says \(storedHeader)")
        }
        let fileVersion = load(UInt32.self, bytes, 8)
        guard fileVersion == version else { throw .corruptFile(path: path, reason: "unsupported manifest version \(fileVersion)") }
        guard load(UInt32.self, bytes, 12) == 0 else { throw .corruptFile(path: path, reason: "reserved header bytes 12..<16 are not zero") }
        let length = load(UInt64.self, bytes, 24)
        guard length == UInt64(bytes.count - headerSize) else {
            throw .corruptFile(path: path, reason: "the header says the body has \(length) bytes, the file holds \(bytes.count - headerSize)")
        }
        let storedBody = load(UInt32.self, bytes, 32)
        let computedBody = CRC32C.checksum(of: bytes[headerSize...])
        guard storedBody == computedBody else {
            throw .corruptFile(path: path, reason: "corrupt manifest body: CRC-32C is \(computedBody), the header says \(storedBody)")
        }
        return load(UInt64.self, bytes, 16)
    }

    /// Reads the manifest of `directory`.
    ///
    /// - Throws: ``CollectionError/notACollection(path:reason:)`` when there is none;
    ///   ``CollectionError/corruptFile(path:reason:)``; a failed read.
    static func read(directory: String) throws(CollectionError) -> Manifest {
        let path = CollectionFiles.path(directory, CollectionFiles.manifestName)
        guard let bytes = try CollectionFiles.contents(of: path) else {
            throw .notACollection(path: directory, reason: "no \(CollectionFiles.manifestName)")
        }
        return try decode(bytes, path: path)
    }

    /// Replaces the manifest of `directory` with `manifest`, atomically.
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func write(_ manifest: Manifest, directory: String) throws(CollectionError) {
        try CollectionFiles.writeAtomically(encode(manifest), to: CollectionFiles.path(directory, CollectionFiles.manifestName))
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
