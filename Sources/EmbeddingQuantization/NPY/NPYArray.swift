/// An N-dimensional NumPy array held as raw element bytes: the in-memory form of a `.npy` file.
///
/// Elements are stored in C (row-major) order: for shape `(d0, d1, …, dn)` the element
/// `[i0, i1, …, in]` is element number `((i0 × d1 + i1) × d2 + …) × dn + in`. Each element takes
/// ``NPYDataType/itemSize`` bytes, little-endian. A scalar has shape `[]` and one element; an
/// array with a zero dimension (e.g. `[0, 384]`) has no elements and keeps its shape.
public struct NPYArray: Sendable, Equatable {
    /// The dimensions (`[]` for a scalar, `[n]` for a vector, `[rows, columns]` for a matrix).
    public private(set) var shape: [Int]
    /// The element type.
    public private(set) var dataType: NPYDataType
    /// The element data: ``elementCount`` × ``NPYDataType/itemSize`` bytes, C order,
    /// little-endian.
    public private(set) var bytes: [UInt8]

    /// Wraps raw element bytes.
    ///
    /// - Parameters:
    ///   - shape: the dimensions, each zero or more; `[]` for a scalar.
    ///   - dataType: the element type.
    ///   - bytes: the elements in C order, little-endian; exactly product(shape) × item size bytes.
    /// - Throws: ``NPYError/invalidShape(shape:reason:)`` for a negative dimension or an
    ///   overflowing size, ``NPYError/dataSizeMismatch(expectedBytes:actualBytes:)`` when
    ///   `bytes` has the wrong length.
    public init(shape: [Int], dataType: NPYDataType, bytes: [UInt8]) throws(NPYError) {
        let sizes = try NPYHeader.sizes(shape: shape, itemSize: dataType.itemSize)
        guard bytes.count == sizes.bytes else {
            throw NPYError.dataSizeMismatch(expectedBytes: sizes.bytes, actualBytes: bytes.count)
        }
        self.shape = shape
        self.dataType = dataType
        self.bytes = bytes
    }

    /// An array of ``NPYDataType/float32`` values.
    ///
    /// - Parameters:
    ///   - values: the elements in C order.
    ///   - shape: the dimensions; their product must equal `values.count`.
    /// - Throws: ``NPYError/valueCountMismatch(expected:actual:)`` or
    ///   ``NPYError/invalidShape(shape:reason:)``.
    public init(float32 values: [Float], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .float32)
    }

    /// An array of ``NPYDataType/float64`` values (shape as in ``init(float32:shape:)``).
    public init(float64 values: [Double], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .float64)
    }

    /// An array of ``NPYDataType/float16`` values given as IEEE 754 binary16 bit patterns
    /// (see ``HalfPrecision/float16Bits(from:)``; shape as in ``init(float32:shape:)``).
    public init(float16Bits values: [UInt16], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .float16)
    }

    /// An array of ``NPYDataType/int8`` values (shape as in ``init(float32:shape:)``).
    public init(int8 values: [Int8], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .int8)
    }

    /// An array of ``NPYDataType/uint8`` values (shape as in ``init(float32:shape:)``).
    public init(uint8 values: [UInt8], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .uint8)
    }

    /// An array of ``NPYDataType/int32`` values (shape as in ``init(float32:shape:)``).
    public init(int32 values: [Int32], shape: [Int]) throws(NPYError) {
        try self.init(values: values, shape: shape, dataType: .int32)
    }

    /// Copies fixed-width values into little-endian element bytes.
    private init<Element: BitwiseCopyable>(values: [Element], shape: [Int], dataType: NPYDataType) throws(NPYError) {
        precondition(MemoryLayout<Element>.size == dataType.itemSize, "element type does not match \(dataType)")
        let sizes = try NPYHeader.sizes(shape: shape, itemSize: dataType.itemSize)
        guard values.count == sizes.elements else {
            throw NPYError.valueCountMismatch(expected: sizes.elements, actual: values.count)
        }
        var bytes = values.withUnsafeBytes { Array($0) }
        if NPYDataType.hostIsBigEndian { NPYArray.swapBytes(&bytes, itemSize: dataType.itemSize) }
        self.shape = shape
        self.dataType = dataType
        self.bytes = bytes
    }

    /// Trusted initializer for the decoder, which has already checked the sizes.
    init(uncheckedShape shape: [Int], dataType: NPYDataType, bytes: [UInt8]) {
        self.shape = shape
        self.dataType = dataType
        self.bytes = bytes
    }

    /// The number of elements: the product of ``shape`` (1 for a scalar, 0 if any dimension is 0).
    public var elementCount: Int {
        bytes.count / dataType.itemSize
    }

    /// The elements as `Float`s, in C order.
    ///
    /// `float32` is copied as is; `float16` converts exactly; `float64` rounds to the nearest
    /// `Float` (ties to even; magnitudes beyond `Float`'s range become infinity).
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for integer and bool arrays
    ///   (they hold codes or labels, not embeddings; convert them deliberately).
    public func float32Values() throws(NPYError) -> [Float] {
        switch dataType {
        case .float32:
            return elements(as: Float.self)
        case .float16:
            return elements(as: UInt16.self).map(HalfPrecision.float(fromFloat16Bits:))
        case .float64:
            return elements(as: Double.self).map { Float($0) }
        default:
            throw NPYError.unexpectedDataType(expected: "float16, float32 or float64", actual: dataType)
        }
    }

    /// The elements of a ``NPYDataType/float64`` array, in C order.
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for any other dtype.
    public func float64Values() throws(NPYError) -> [Double] {
        try requireDataType(.float64)
        return elements(as: Double.self)
    }

    /// The binary16 bit patterns of a ``NPYDataType/float16`` array, in C order.
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for any other dtype.
    public func float16Bits() throws(NPYError) -> [UInt16] {
        try requireDataType(.float16)
        return elements(as: UInt16.self)
    }

    /// The elements of an ``NPYDataType/int8`` array, in C order.
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for any other dtype.
    public func int8Values() throws(NPYError) -> [Int8] {
        try requireDataType(.int8)
        return elements(as: Int8.self)
    }

    /// The elements of a ``NPYDataType/uint8`` array, in C order.
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for any other dtype.
    public func uint8Values() throws(NPYError) -> [UInt8] {
        try requireDataType(.uint8)
        return bytes
    }

    /// The elements of an ``NPYDataType/int32`` array, in C order.
    ///
    /// - Throws: ``NPYError/unexpectedDataType(expected:actual:)`` for any other dtype.
    public func int32Values() throws(NPYError) -> [Int32] {
        try requireDataType(.int32)
        return elements(as: Int32.self)
    }

    private func requireDataType(_ expected: NPYDataType) throws(NPYError) {
        guard dataType == expected else {
            throw NPYError.unexpectedDataType(expected: expected.name, actual: dataType)
        }
    }

    /// Reinterprets the little-endian element bytes as `count` values of `Element` (one memcpy
    /// on little-endian hosts).
    private func elements<Element: BitwiseCopyable>(as _: Element.Type) -> [Element] {
        let count = bytes.count / MemoryLayout<Element>.size
        let result = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
        guard NPYDataType.hostIsBigEndian, MemoryLayout<Element>.size > 1 else { return result }
        var swapped = result.withUnsafeBytes { Array($0) }
        NPYArray.swapBytes(&swapped, itemSize: MemoryLayout<Element>.size)
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            swapped.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            initialized = count
        }
    }

    /// Reverses the byte order of every `itemSize`-byte element of `bytes` in place.
    static func swapBytes(_ bytes: inout [UInt8], itemSize: Int) {
        bytes.withUnsafeMutableBytes { raw in
            switch itemSize {
            case 2:
                for offset in stride(from: 0, to: raw.count - 1, by: 2) {
                    let value = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
                    raw.storeBytes(of: value.byteSwapped, toByteOffset: offset, as: UInt16.self)
                }
            case 4:
                for offset in stride(from: 0, to: raw.count - 3, by: 4) {
                    let value = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                    raw.storeBytes(of: value.byteSwapped, toByteOffset: offset, as: UInt32.self)
                }
            case 8:
                for offset in stride(from: 0, to: raw.count - 7, by: 8) {
                    let value = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    raw.storeBytes(of: value.byteSwapped, toByteOffset: offset, as: UInt64.self)
                }
            default:
                break  // one-byte elements have no byte order
            }
        }
    }
}
