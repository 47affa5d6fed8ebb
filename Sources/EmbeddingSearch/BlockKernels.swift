import EmbeddingKernels
import EmbeddingQuantization

/// Swift entry points of the blocked kernels through one dispatch table (``KernelTable``; the
/// process's table in production, any level's in tests). Pointers follow `SearchKernels.h`.
enum BlockKernels {
    static func hamming(
        _ kernels: KernelTable, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        kernels.table.hamming_blocks(
            blocks.assumingMemoryBound(to: UInt64.self), Int64(blockCount), Int64(words),
            queries.assumingMemoryBound(to: UInt64.self), Int64(queryCount), out, Int64(stride))
    }

    static func ternary(
        _ kernels: KernelTable, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        kernels.table.ternary_blocks(
            blocks.assumingMemoryBound(to: UInt64.self), Int64(blockCount), Int64(words),
            queries.assumingMemoryBound(to: UInt64.self), Int64(queryCount), out, Int64(stride))
    }

    static func bytes(
        _ kernels: KernelTable, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ bias: UnsafePointer<Int32>?,
        _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        kernels.table.dot_u8s8_blocks(
            blocks.assumingMemoryBound(to: UInt8.self), Int64(blockCount), Int64(words),
            queries.assumingMemoryBound(to: Int8.self), Int64(queryCount), bias, out, Int64(stride))
    }

    static func nibbles(
        _ kernels: KernelTable, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ words: Int,
        _ queries: UnsafeRawPointer, _ queryCount: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
    ) {
        kernels.table.dot_u4_blocks(
            blocks.assumingMemoryBound(to: UInt8.self), Int64(blockCount), Int64(words),
            queries.assumingMemoryBound(to: Int8.self), Int64(queryCount), out, Int64(stride))
    }

    /// `format`: 0 float32, 1 float16, 2 bfloat16.
    static func floats(
        _ kernels: KernelTable, _ blocks: UnsafeRawPointer, _ blockCount: Int, _ dimension: Int, _ format: Int32,
        _ queries: UnsafePointer<Float>, _ queryCount: Int, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        kernels.table.dot_float_blocks(
            blocks, Int64(blockCount), Int64(dimension), format, queries, Int64(queryCount), out, Int64(stride))
    }

    static func selectAbove(
        _ kernels: KernelTable, _ keys: UnsafePointer<Int32>, _ count: Int, _ threshold: Int32,
        _ indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        Int(kernels.table.select_above_i32(keys, Int64(count), threshold, indices))
    }

    static func selectAbove(
        _ kernels: KernelTable, _ keys: UnsafePointer<Float>, _ count: Int, _ threshold: Float,
        _ indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        Int(kernels.table.select_above_f32(keys, Int64(count), threshold, indices))
    }
}
