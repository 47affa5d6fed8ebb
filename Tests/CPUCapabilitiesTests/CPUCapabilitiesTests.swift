import CPUCapabilities
import Foundation
import XCTest

/// Detection checked against an independent oracle (the kernel's own `/proc/cpuinfo` flags on
/// Linux), and the `EMBEDQ_ISA` level names.
final class CPUCapabilitiesTests: XCTestCase {
    private func names(_ mask: UInt64) -> Set<String> {
        var buffer = [CChar](repeating: 0, count: 512)
        let length = eqcpu_describe(mask, &buffer, Int32(buffer.count))
        XCTAssertLessThan(Int(length), buffer.count)
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Set(text.split(separator: " ").map(String.init))
    }

    func testDetectionAgreesWithProcCPUInfo() throws {
        #if os(Linux) && arch(x86_64)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: ":")[1].split(separator: " ").map(String.init))
        let detected = names(eqcpu_detected_capabilities())
        // cpuinfo name → our name, for every capability we detect.
        let pairs = [
            ("avx2", "avx2"), ("fma", "fma"), ("f16c", "f16c"), ("popcnt", "popcnt"), ("avx_vnni", "avxvnni"),
            ("avx512f", "avx512f"), ("avx512bw", "avx512bw"), ("avx512dq", "avx512dq"), ("avx512vl", "avx512vl"),
            ("avx512_vnni", "avx512vnni"), ("avx512_vpopcntdq", "avx512vpopcntdq"), ("avx512_bf16", "avx512bf16"),
            ("avx512vbmi", "avx512vbmi"),
        ]
        for (cpuinfoName, ourName) in pairs {
            XCTAssertEqual(flags.contains(cpuinfoName), detected.contains(ourName), "\(cpuinfoName) vs \(ourName)")
        }
        XCTAssertFalse(detected.contains("neon"))
        #else
        throw XCTSkip("the /proc/cpuinfo oracle exists on x86-64 Linux only")
        #endif
    }

    func testCapabilitiesAreTheDetectedOnesCappedByTheEnvironment() {
        let detected = eqcpu_detected_capabilities()
        let used = eqcpu_capabilities()
        XCTAssertEqual(used & ~detected, 0, "a level never adds a capability")
        let requested = ProcessInfo.processInfo.environment["EMBEDQ_ISA"]
        var known: Int32 = 0
        let mask = requested.map { eqcpu_level_mask($0, &known) } ?? UInt64.max
        XCTAssertEqual(used, detected & mask)
        XCTAssertEqual(eqcpu_has(used), 1)
        XCTAssertEqual(eqcpu_has(0), 1)
    }

    func testLevelNames() {
        var known: Int32 = -1
        XCTAssertEqual(eqcpu_level_mask("portable", &known), 0)
        XCTAssertEqual(known, 1)
        XCTAssertEqual(names(eqcpu_level_mask("avx2", &known)), ["avx2", "fma", "f16c", "popcnt"])
        XCTAssertEqual(
            names(eqcpu_level_mask("avx512vnni", &known)),
            ["avx2", "fma", "f16c", "popcnt", "avxvnni", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512vnni",
             "avx512vpopcntdq", "avx512vbmi"])
        XCTAssertEqual(names(eqcpu_level_mask("neondot", &known)), ["neon", "dotprod"])
        XCTAssertEqual(eqcpu_level_mask("native", &known), UInt64.max)
        XCTAssertEqual(eqcpu_level_mask(nil, &known), UInt64.max)
        XCTAssertEqual(known, 1)
        XCTAssertEqual(eqcpu_level_mask("avx1024", &known), UInt64.max)
        XCTAssertEqual(known, 0)
    }

    func testDescribeTruncatesSafely() {
        var small = [CChar](repeating: 1, count: 6)
        let length = eqcpu_describe(eqcpu_level_mask("avx2", nil), &small, Int32(small.count))
        XCTAssertEqual(length, 5)
        XCTAssertEqual(small[5], 0)
        XCTAssertEqual(eqcpu_describe(UInt64.max, &small, 0), 0)
    }
}
