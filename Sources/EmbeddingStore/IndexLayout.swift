import EmbeddingQuantization

/// The canonical placement of sections: each starts at the first offset after the previous one
/// (the header for the first) that is a multiple of its ``IndexSection/alignment``; the gaps are
/// zero bytes and the file ends where the last section of its version ends (the rescoring
/// section in version 1, the graph section in version 2). Writers produce exactly this layout
/// and readers accept nothing else, so every byte of a file is either covered by a checksum or
/// required to be zero.
enum IndexLayout {
    /// Largest dimension accepted (keeps every per-row size computation far from overflow).
    static let maximumDimension = 1 << 24

    /// The section ranges of a file of format `version` for `lengths` (both indexed by
    /// ``IndexSection/rawValue``; sections the version lacks get empty ranges at 0), or `nil` on
    /// `Int` overflow.
    static func place(lengths: [Int], version: UInt32) -> [Range<Int>]? {
        var end = IndexHeader.byteCount(version: version)
        var ranges = [Range<Int>](repeating: 0..<0, count: IndexSection.allCases.count)
        for section in IndexSection.sections(version: version) {
            let alignment = section.alignment
            let (padded, overflow) = end.addingReportingOverflow(alignment - 1)
            guard !overflow else { return nil }
            let start = padded & ~(alignment - 1)
            let (stop, overflow2) = start.addingReportingOverflow(lengths[section.rawValue])
            guard !overflow2 else { return nil }
            ranges[section.rawValue] = start..<stop
            end = stop
        }
        return ranges
    }

    /// Bytes of the ranges section: float32 minimums and maximums (and thresholds) per dimension,
    /// for the fast codes and then the rescoring codes, as the flags say.
    static func rangesLength(flags: UInt32, dimension: Int) -> Int {
        var arrays = 0
        if flags & IndexHeader.Flag.fastRanges != 0 { arrays += 2 }
        if flags & IndexHeader.Flag.fastThresholds != 0 { arrays += 1 }
        if flags & IndexHeader.Flag.rescoringRanges != 0 { arrays += 2 }
        if flags & IndexHeader.Flag.rescoringThresholds != 0 { arrays += 1 }
        // A RaBitQ rotation: the centroid (one array) and the d × d matrix (d arrays).
        if flags & IndexHeader.Flag.fastRotation != 0 { arrays += 1 + dimension }
        if flags & IndexHeader.Flag.rescoringRotation != 0 { arrays += 1 + dimension }
        return arrays * dimension * 4
    }

    /// Bytes of the deleted bitmap for `rowCount` rows.
    static func deletedLength(rowCount: Int) -> Int { rowCount / 8 + (rowCount % 8 == 0 ? 0 : 1) }

    /// The smallest payloads section for `rowCount` rows (`rowCount + 1` offsets and `rowCount`
    /// checksums, an empty blob), or `nil` on overflow.
    static func minimumPayloadsLength(rowCount: Int) -> Int? {
        let (length, overflow) = rowCount.multipliedReportingOverflow(by: 12)
        return overflow || length > Int.max - 8 ? nil : length + 8
    }

    /// `rowCount × bytesPerVector`, or `nil` on overflow.
    static func codesLength(rowCount: Int, precision: Precision?, dimension: Int) -> Int? {
        guard let precision else { return 0 }
        let (length, overflow) = rowCount.multipliedReportingOverflow(by: precision.bytesPerVector(dimension: dimension))
        return overflow ? nil : length
    }
}

extension IndexHeader {
    /// Checks the header against itself and against `fileSize`: dimension, counts, flags, every
    /// section's length (from the counts, overflow-checked) and offset (the canonical layout),
    /// and the file length. After this, every section lies inside the file.
    func validateLayout(fileSize: Int) throws(IndexFileError) {
        guard fileLength == fileSize else {
            throw fileSize < fileLength
                ? .truncated(needed: fileLength, actual: fileSize)
                : .invalidHeader("the header says the file has \(fileLength) bytes, it has \(fileSize)")
        }
        guard dimension >= 1, dimension <= IndexLayout.maximumDimension else {
            throw .invalidHeader("dimension \(dimension) is outside 1...\(IndexLayout.maximumDimension)")
        }
        guard deletedCount <= rowCount else {
            throw .invalidHeader("deleted count \(deletedCount) exceeds row count \(rowCount)")
        }
        if flags & Flag.fastThresholds != 0, flags & Flag.fastRanges == 0 {
            throw .invalidHeader("fast ternary thresholds without fast ranges (flags 0x\(String(flags, radix: 16)))")
        }
        if flags & Flag.rescoringThresholds != 0, flags & Flag.rescoringRanges == 0 {
            throw .invalidHeader("rescoring ternary thresholds without rescoring ranges (flags 0x\(String(flags, radix: 16)))")
        }
        if rescoringPrecision == nil {
            guard flags & (Flag.rescoringRanges | Flag.rescoringThresholds) == 0, rescoringRounding == .floor else {
                throw .invalidHeader("rescoring ranges or rounding without rescoring codes")
            }
        }
        // Every length is checked against the file size before anything is computed from it.
        func checked(_ length: Int?, _ what: String) throws(IndexFileError) -> Int {
            guard let length, length <= fileSize else {
                throw .invalidHeader("\(what) for \(rowCount) rows × \(dimension) dimensions exceeds the file size \(fileSize)")
            }
            return length
        }
        let fastLength = try checked(IndexLayout.codesLength(rowCount: rowCount, precision: fastPrecision, dimension: dimension), "the fast codes")
        let rescoringLength = try checked(IndexLayout.codesLength(rowCount: rowCount, precision: rescoringPrecision, dimension: dimension), "the rescoring codes")
        let minimumIDs = try checked(rowCount < fileSize / 8 ? 8 * (rowCount + 1) : nil, "the id offsets")
        if version >= 2, self[.payloads].length > 0 {
            let minimumPayloads = try checked(IndexLayout.minimumPayloadsLength(rowCount: rowCount), "the payload offsets")
            guard self[.payloads].length >= minimumPayloads else {
                throw .invalidHeader("the payloads section has \(self[.payloads].length) bytes, less than the \(minimumPayloads) of its offsets and checksums")
            }
        }
        let expected: [IndexSection: Int] = [
            .ranges: IndexLayout.rangesLength(flags: flags, dimension: dimension),
            .deleted: IndexLayout.deletedLength(rowCount: rowCount),
            .fast: fastLength,
            .rescoring: rescoringLength,
        ]
        for (section, length) in expected where self[section].length != length {
            throw .invalidHeader("the \(section) section has \(self[section].length) bytes, the counts say \(length)")
        }
        guard self[.ids].length >= minimumIDs else {
            throw .invalidHeader("the ids section has \(self[.ids].length) bytes, less than the \(minimumIDs) of its offsets")
        }
        guard let placement = IndexLayout.place(lengths: sections.map(\.length), version: version) else {
            throw .invalidHeader("section lengths overflow")
        }
        let present = presentSections
        for section in present where placement[section.rawValue].lowerBound != self[section].offset {
            throw .invalidHeader("the \(section) section starts at \(self[section].offset), expected \(placement[section.rawValue].lowerBound)")
        }
        let last = present[present.count - 1]
        guard placement[last.rawValue].upperBound == fileLength else {
            throw .invalidHeader("the sections end at \(placement[last.rawValue].upperBound), the file at \(fileLength)")
        }
    }
}
