/// The header of a `.npy` file: dtype, memory order and shape, and its binary layout.
///
/// Layout (all versions): the 6-byte magic `\x93NUMPY`, major and minor version bytes, the
/// header length (little-endian `UInt16` for 1.0, `UInt32` for 2.0 and 3.0), then the header:
/// a Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`,
/// padded with spaces and ended by `\n` so that the element data starts at a multiple of 64
/// bytes. Version 3.0 is 2.0 with a UTF-8 (instead of latin-1) header.
struct NPYHeader: Equatable {
    /// The dtype descriptor as written in the header (`"<f4"`, `">i4"`, …).
    var descr: String
    /// Whether the elements are stored in Fortran (column-major) order.
    var fortranOrder: Bool
    /// The dimensions; empty for a scalar.
    var shape: [Int]

    /// The magic string every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, UInt8(ascii: "N"), UInt8(ascii: "U"), UInt8(ascii: "M"), UInt8(ascii: "P"), UInt8(ascii: "Y")]

    /// The element data starts at a multiple of this many bytes.
    static let alignment = 64

    /// Digits NumPy reserves for the growth axis so that headers can be rewritten in place.
    static let growthAxisMaximumDigits = 21

    /// Where the header text starts and how long it is, from the fixed-size preamble.
    struct Preamble {
        var major: UInt8
        var minor: UInt8
        /// Offset of the header text (10 for version 1.0, 12 otherwise).
        var headerOffset: Int
        /// Length of the header text in bytes.
        var headerLength: Int
        /// Offset of the element data.
        var dataOffset: Int { headerOffset + headerLength }
        var isUTF8: Bool { major == 3 }
    }

    /// Parses the magic, version and header length from the first bytes of a file.
    ///
    /// - Parameter prefix: at least the first 12 bytes of the file, or the whole file if shorter.
    static func parsePreamble(_ prefix: ArraySlice<UInt8>) throws(NPYError) -> Preamble {
        let start = prefix.startIndex
        guard prefix.count >= magic.count else {
            if prefix.elementsEqual(magic.prefix(prefix.count)) {
                throw NPYError.truncated(what: "the magic string", needed: magic.count, available: prefix.count)
            }
            throw NPYError.badMagic
        }
        guard prefix[start..<(start + magic.count)].elementsEqual(magic) else { throw NPYError.badMagic }
        guard prefix.count >= 8 else {
            throw NPYError.truncated(what: "the format version", needed: 8, available: prefix.count)
        }
        let major = prefix[start + 6]
        let minor = prefix[start + 7]
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default: throw NPYError.unsupportedVersion(major: major, minor: minor)
        }
        guard prefix.count >= 8 + lengthSize else {
            throw NPYError.truncated(what: "the header length field", needed: 8 + lengthSize, available: prefix.count)
        }
        var length = 0
        for index in 0..<lengthSize {
            length |= Int(prefix[start + 8 + index]) << (8 * index)
        }
        return Preamble(major: major, minor: minor, headerOffset: 8 + lengthSize, headerLength: length)
    }

    /// Parses the header text (the bytes after the length field, `preamble.headerLength` long).
    static func parse(text: ArraySlice<UInt8>, isUTF8: Bool) throws(NPYError) -> NPYHeader {
        guard case .dict(let entries) = try NPYHeaderLiteral.parse(text, isUTF8: isUTF8) else {
            throw NPYError.malformedHeader(reason: "the header is not a dict literal '{...}'", offset: 0)
        }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        for (key, value) in entries {
            switch key {
            case "descr":
                switch value {
                case .string(let text): descr = text
                case .list, .dict: throw NPYError.unsupportedDataType(descr: value.pythonDescription)
                default: throw NPYError.malformedHeader(reason: "'descr' is not a string: \(value.pythonDescription)", offset: 0)
                }
            case "fortran_order":
                guard case .boolean(let flag) = value else {
                    throw NPYError.malformedHeader(
                        reason: "'fortran_order' is not True or False: \(value.pythonDescription)", offset: 0)
                }
                fortranOrder = flag
            case "shape":
                shape = try parseShape(value)
            default:
                throw NPYError.unexpectedHeaderKey(key)
            }
        }
        guard let descr else { throw NPYError.missingHeaderKey("descr") }
        guard let fortranOrder else { throw NPYError.missingHeaderKey("fortran_order") }
        guard let shape else { throw NPYError.missingHeaderKey("shape") }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    private static func parseShape(_ value: NPYHeaderLiteral) throws(NPYError) -> [Int] {
        guard case .tuple(let items) = value else {
            throw NPYError.invalidShape(shape: value.pythonDescription, reason: "the shape must be a tuple of integers")
        }
        return try items.map { (item) throws(NPYError) in
            guard case .integer(let digits) = item else {
                throw NPYError.invalidShape(shape: value.pythonDescription, reason: "\(item.pythonDescription) is not an integer")
            }
            guard let dimension = Int(digits) else {
                throw NPYError.invalidShape(shape: value.pythonDescription, reason: "dimension \(digits) does not fit in Int")
            }
            guard dimension >= 0 else {
                throw NPYError.invalidShape(shape: value.pythonDescription, reason: "dimension \(dimension) is negative")
            }
            return dimension
        }
    }

    /// The Python `repr` of a shape tuple: `()`, `(5,)`, `(3, 4)`.
    static func shapeDescription(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "()"
        case 1: return "(\(shape[0]),)"
        default: return "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
    }

    /// The number of elements and bytes the shape needs, checked for overflow.
    ///
    /// - Throws: ``NPYError/invalidShape(shape:reason:)`` for a negative dimension or when
    ///   either count overflows `Int`.
    static func sizes(shape: [Int], itemSize: Int) throws(NPYError) -> (elements: Int, bytes: Int) {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw NPYError.invalidShape(shape: shapeDescription(shape), reason: "dimension \(negative) is negative")
        }
        if shape.contains(0) { return (0, 0) }
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw NPYError.invalidShape(shape: shapeDescription(shape), reason: "the element count overflows Int")
            }
            elements = product
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: itemSize)
        guard !overflow else {
            throw NPYError.invalidShape(shape: shapeDescription(shape), reason: "the byte count overflows Int")
        }
        return (elements, bytes)
    }

    /// The complete header as `numpy.save` writes it: magic, version, length, dict, padding.
    ///
    /// Keys are sorted, the growth axis (first dimension, last for Fortran order) gets spare
    /// spaces up to 21 digits, and the total is padded with spaces and a final `\n` to a
    /// multiple of 64 bytes. Version 1.0 is used unless the header exceeds 65535 bytes, then 2.0.
    func encoded() -> [UInt8] {
        var text = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), "
            + "'shape': \(NPYHeader.shapeDescription(shape)), }"
        if !shape.isEmpty {
            let growthAxis = fortranOrder ? shape[shape.count - 1] : shape[0]
            let spare = NPYHeader.growthAxisMaximumDigits - String(growthAxis).utf8.count
            if spare > 0 { text += String(repeating: " ", count: spare) }
        }
        let body = Array(text.utf8)
        for (major, lengthSize) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let unpadded = NPYHeader.magic.count + 2 + lengthSize + body.count + 1  // +1 for "\n"
            let padding = NPYHeader.alignment - unpadded % NPYHeader.alignment  // 1...64, as NumPy
            let headerLength = body.count + padding + 1
            if lengthSize == 2 && headerLength > Int(UInt16.max) { continue }
            var result = NPYHeader.magic + [major, 0]
            result.reserveCapacity(unpadded + padding)
            for index in 0..<lengthSize {
                result.append(UInt8(truncatingIfNeeded: headerLength >> (8 * index)))
            }
            result += body
            result += [UInt8](repeating: 0x20, count: padding)
            result.append(0x0A)
            return result
        }
        preconditionFailure("unreachable: a version 2.0 header always fits")
    }
}
