import EmbeddingKernels

/// Which variant of the C search kernels runs. Production code uses ``automatic``; tests run
/// every supported variant against the plain-Swift references in ``ReferenceKernels``.
enum SearchKernelPath: Sendable, CaseIterable {
    /// The portable C variant.
    case portable
    /// The AVX2 variant (with FMA, F16C and POPCNT).
    case avx2
    /// The AVX-512 variant (VNNI and VPOPCNTDQ).
    case avx512
    /// The best variant the running CPU supports.
    case automatic

    /// Whether the running CPU can run this path.
    var isSupported: Bool { level.rawValue <= eq_search_best_isa().rawValue }

    /// The C level this path runs.
    var level: eq_search_isa {
        switch self {
        case .portable: return EQ_SEARCH_SCALAR
        case .avx2: return EQ_SEARCH_AVX2
        case .avx512: return EQ_SEARCH_AVX512
        case .automatic: return eq_search_best_isa()
        }
    }
}

/// Swift entry points of the blocked kernels, for one path. Pointers follow `SearchKernels.h`.
enum BlockKernels {
    static func hamming(
        _ path: SearchKernelPath, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        let b = blocks.assumingMemoryBound(to: UInt64.self)
        let q = queries.assumingMemoryBound(to: UInt64.self)
        switch path.level {
        case EQ_SEARCH_AVX512: eq_hamming_blocks_avx512(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        case EQ_SEARCH_AVX2: eq_hamming_blocks_avx2(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        default: eq_hamming_blocks_scalar(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        }
    }

    static func ternary(
        _ path: SearchKernelPath, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        let b = blocks.assumingMemoryBound(to: UInt64.self)
        let q = queries.assumingMemoryBound(to: UInt64.self)
        switch path.level {
        case EQ_SEARCH_AVX512: eq_ternary_blocks_avx512(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        case EQ_SEARCH_AVX2: eq_ternary_blocks_avx2(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        default: eq_ternary_blocks_scalar(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        }
    }

    static func bytes(
        _ path: SearchKernelPath, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ bias: UnsafePointer<Int32>?,
        _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        let b = blocks.assumingMemoryBound(to: UInt8.self)
        let q = queries.assumingMemoryBound(to: Int8.self)
        switch path.level {
        case EQ_SEARCH_AVX512: eq_dot_u8s8_blocks_avx512(b, Int64(blockCount), Int64(words), q, Int64(queryCount), bias, out, Int64(stride))
        case EQ_SEARCH_AVX2: eq_dot_u8s8_blocks_avx2(b, Int64(blockCount), Int64(words), q, Int64(queryCount), bias, out, Int64(stride))
        default: eq_dot_u8s8_blocks_scalar(b, Int64(blockCount), Int64(words), q, Int64(queryCount), bias, out, Int64(stride))
        }
    }

    static func nibbles(
        _ path: SearchKernelPath, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        let b = blocks.assumingMemoryBound(to: UInt8.self)
        let q = queries.assumingMemoryBound(to: Int8.self)
        switch path.level {
        case EQ_SEARCH_AVX512: eq_dot_u4_blocks_avx512(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        case EQ_SEARCH_AVX2: eq_dot_u4_blocks_avx2(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        default: eq_dot_u4_blocks_scalar(b, Int64(blockCount), Int64(words), q, Int64(queryCount), out, Int64(stride))
        }
    }

    /// `format`: 0 float32, 1 float16, 2 bfloat16.
    static func floats(
        _ path: SearchKernelPath, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ dimension: Int, _ format: Int32,
        _ queries: UnsafePointer<Float>, _ queryCount: Int, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        switch path.level {
        case EQ_SEARCH_AVX512: eq_dot_float_blocks_avx512(blocks, Int64(blockCount), Int64(dimension), format, queries, Int64(queryCount), out, Int64(stride))
        case EQ_SEARCH_AVX2: eq_dot_float_blocks_avx2(blocks, Int64(blockCount), Int64(dimension), format, queries, Int64(queryCount), out, Int64(stride))
        default: eq_dot_float_blocks_scalar(blocks, Int64(blockCount), Int64(dimension), format, queries, Int64(queryCount), out, Int64(stride))
        }
    }

    static func selectAbove(
        _ path: SearchKernelPath, _ keys: UnsafePointer<Int32>, _ count: Int, _ threshold: Int32,
        _ indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        switch path.level {
        case EQ_SEARCH_AVX512: return Int(eq_select_above_i32_avx512(keys, Int64(count), threshold, indices))
        case EQ_SEARCH_AVX2: return Int(eq_select_above_i32_avx2(keys, Int64(count), threshold, indices))
        default: return Int(eq_select_above_i32_scalar(keys, Int64(count), threshold, indices))
        }
    }

    static func selectAbove(
        _ path: SearchKernelPath, _ keys: UnsafePointer<Float>, _ count: Int, _ threshold: Float,
        _ indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        switch path.level {
        case EQ_SEARCH_AVX512: return Int(eq_select_above_f32_avx512(keys, Int64(count), threshold, indices))
        case EQ_SEARCH_AVX2: return Int(eq_select_above_f32_avx2(keys, Int64(count), threshold, indices))
        default: return Int(eq_select_above_f32_scalar(keys, Int64(count), threshold, indices))
        }
    }
}
