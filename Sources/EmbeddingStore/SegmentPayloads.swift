/// One opaque payload per row, built for a new segment's payloads section (the collection layer
/// decides what the bytes mean). The section stores `count + 1` UInt64 offsets into the blob,
/// `count` CRC-32C (one per payload, so that a single row can be read and checked alone), then
/// the blob. An empty payload (no bytes) is allowed.
public struct SegmentPayloads: Sendable, Equatable {
    /// `count + 1` offsets into ``blob``: 0 first, non-decreasing, the blob's length last.
    public private(set) var offsets: [Int] = [0]
    /// The CRC-32C of each payload's bytes.
    public private(set) var checksums: [UInt32] = []
    /// The payloads' bytes, concatenated.
    public private(set) var blob: [UInt8] = []

    /// No payloads.
    public init() {}

    /// Number of payloads.
    public var count: Int { checksums.count }

    /// The bytes of payload `row`.
    public subscript(row: Int) -> ArraySlice<UInt8> { blob[offsets[row]..<offsets[row + 1]] }

    /// Appends one payload.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        let start = blob.count
        blob.append(contentsOf: bytes)
        offsets.append(blob.count)
        checksums.append(CRC32C.checksum(of: blob[start...]))
    }

    /// Appends every payload of `other`, in order.
    public mutating func append(contentsOf other: SegmentPayloads) {
        let base = blob.count
        blob += other.blob
        offsets += other.offsets.dropFirst().map { $0 + base }
        checksums += other.checksums
    }

    /// Reserves room for `rows` more payloads of `bytes` bytes in all.
    public mutating func reserveCapacity(rows: Int, bytes: Int) {
        offsets.reserveCapacity(offsets.count + rows)
        checksums.reserveCapacity(checksums.count + rows)
        blob.reserveCapacity(blob.count + bytes)
    }

    /// Wraps decoded parts (checked by the reader).
    init(offsets: [Int], checksums: [UInt32], blob: [UInt8]) {
        self.offsets = offsets
        self.checksums = checksums
        self.blob = blob
    }
}
