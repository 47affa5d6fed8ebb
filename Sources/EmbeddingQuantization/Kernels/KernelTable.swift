import CPUCapabilities
import EmbeddingKernels

/// The EmbeddingKernels dispatch table (`eq_kernel_table`): one C variant per search scan,
/// selection helper, quantizer, asymmetric scan, graph distance and RaBitQ kernel, the best the
/// CPU allows (`CPUCapabilities`, capped by `EMBEDQ_ISA`).
///
/// ``current`` is the process's table; ``init(capabilities:level:)`` gives the table of any lower
/// capability set, so that tests run every variant the CPU has through the same Swift code
/// (``availableLevels``).
package struct KernelTable: @unchecked Sendable, Equatable, CustomStringConvertible {
    // @unchecked: the table holds C function pointers and pointers to static C strings, both
    // immutable for the life of the process.
    /// The C table.
    package let table: eq_kernel_table
    /// The `EMBEDQ_ISA` level name this table was filled for (`"native"` for ``current``).
    package let level: String

    /// The process's table (`eq_kernels()`).
    package static let current = KernelTable(table: eq_kernels().pointee, level: "native")

    /// The portable C variants (every CPU).
    package static let portable = KernelTable(capabilities: 0, level: "portable")

    private init(table: eq_kernel_table, level: String) {
        self.table = table
        self.level = level
    }

    /// The table of the best variants whose instructions are all in `capabilities` (a
    /// `CPUCapabilities` bit mask) and in what the CPU and `EMBEDQ_ISA` allow; 0 gives the
    /// portable variants. `level` names it in test messages.
    package init(capabilities: UInt64, level: String) {
        var table = eq_kernel_table()
        eq_kernels_for(capabilities, &table)
        self.init(table: table, level: level)
    }

    /// The distinct tables this CPU allows (within `EMBEDQ_ISA`), from the portable one up, each
    /// named by the lowest `EMBEDQ_ISA` level that selects it: every variant tests must run.
    package static let availableLevels: [KernelTable] = {
        let names = ["portable", "avx2", "avx512", "avx512vnni", "neon", "neondot", "neoni8mm", "native"]
        var tables: [KernelTable] = []
        for name in names {
            let table = KernelTable(capabilities: eqcpu_level_mask(name, nil), level: name)
            if !tables.contains(table) { tables.append(table) }
        }
        return tables
    }()

    /// The variant of one kernel family (`"portable"`, `"avx2"`, `"avx512vnni"`, `"neondot"`, …).
    private static func name(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "?" }

    /// The variant of the Hamming and ternary scans.
    package var hammingVariant: String { Self.name(table.hamming_isa) }
    /// The variant of the u8 × s8 and 4-bit dot product scans.
    package var integerDotVariant: String { Self.name(table.dot_int_isa) }
    /// The variant of the float dot product scan.
    package var floatDotVariant: String { Self.name(table.dot_float_isa) }
    /// The variant of the selection helpers.
    package var selectVariant: String { Self.name(table.select_isa) }
    /// The variant of the quantizers.
    package var quantizeVariant: String { Self.name(table.quantize_isa) }
    /// The variant of the asymmetric scans' unpacking (ternary, and bits under int8 weights).
    package var asymmetricVariant: String { Self.name(table.asym_isa) }
    /// The variant of the nibble-lookup scan of bit codes.
    package var asymmetricLookupVariant: String { Self.name(table.asym_lookup_isa) }
    /// The variant of the RaBitQ kernels.
    package var rabitqVariant: String { Self.name(table.rabitq_isa) }
    /// The variant of the graph distance of `metric` (an `eq_graph_metric` value).
    package func graphVariant(_ metric: Int32) -> String {
        withUnsafePointer(to: table) { Self.name(eq_kernels_graph_isa($0, metric)) }
    }

    /// The search scans' variants in one word where they form a level: the common name when they
    /// agree (`"portable"`, `"avx2"`, `"neon"`), `"avx512"` for AVX-512 with VPOPCNTDQ and VNNI,
    /// `"neondot"` / `"neoni8mm"` for NEON with SDOT / USDOT; otherwise
    /// `hamming=… dot_int=… dot_float=… select=…`.
    package var searchSummary: String {
        let names = [hammingVariant, integerDotVariant, floatDotVariant, selectVariant]
        if Set(names).count == 1 { return names[0] }
        if names == ["avx512vpopcntdq", "avx512vnni", "avx512", "avx512"] { return "avx512" }
        if names == ["neon", "neondot", "neon", "neon"] { return "neondot" }
        if names == ["neon", "neoni8mm", "neon", "neon"] { return "neoni8mm" }
        return zip(["hamming", "dot_int", "dot_float", "select"], names).map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// Every family's variant, e.g. `hamming=avx512vpopcntdq dot_int=avx512vnni … graph=…`.
    package var summary: String {
        let graph = (0..<Int32(EQ_GRAPH_METRIC_COUNT)).map { graphVariant($0) }.joined(separator: ",")
        return "hamming=\(hammingVariant) dot_int=\(integerDotVariant) dot_float=\(floatDotVariant) "
            + "select=\(selectVariant) quantize=\(quantizeVariant) asymmetric=\(asymmetricVariant) lookup=\(asymmetricLookupVariant) "
            + "rabitq=\(rabitqVariant) graph=\(graph)"
    }

    package var description: String { "\(level) (\(summary))" }

    package static func == (lhs: KernelTable, rhs: KernelTable) -> Bool { lhs.summary == rhs.summary }
}

/// Which implementation of a quantization loop runs: the plain-Swift reference or a C kernel
/// table.
///
/// Production code uses ``automatic`` (the process's table); tests run the reference and every
/// table the CPU has (``allCases``) against each other.
enum KernelPath: Sendable, Equatable, CustomStringConvertible {
    /// The plain-Swift loops (the specification the fast paths are tested against).
    case reference
    /// The C variants of one dispatch table.
    case kernels(KernelTable)

    /// The process's table.
    static var automatic: KernelPath { .kernels(.current) }
    /// The portable C variants.
    static var portable: KernelPath { .kernels(.portable) }
    /// The reference, then every table this CPU allows (portable first).
    static var allCases: [KernelPath] { [.reference] + KernelTable.availableLevels.map { .kernels($0) } }

    /// The C table of this path (the portable one for the reference).
    var table: KernelTable {
        switch self {
        case .reference: return .portable
        case .kernels(let table): return table
        }
    }

    var description: String {
        switch self {
        case .reference: return "reference"
        case .kernels(let table): return table.description
        }
    }
}
