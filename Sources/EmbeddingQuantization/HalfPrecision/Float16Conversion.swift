/// Portable conversions between `Float` (IEEE 754 binary32) and the 16-bit formats
/// binary16 ("float16", NumPy `float16`) and bfloat16, working on raw bit patterns.
///
/// The conversions use only integer arithmetic, so they behave identically on every platform,
/// including macOS on x86_64 where Swift's `Float16` type is unavailable.
///
/// - binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. Largest finite value
///   65504, smallest subnormal 2⁻²⁴.
/// - bfloat16: the upper 16 bits of a binary32 (1 sign, 8 exponent, 7 fraction bits).
///
/// Narrowing rounds to nearest, ties to even. The float16 functions reproduce NumPy's
/// `astype(np.float16)` / `astype(np.float32)` bit for bit, NaN payloads included.
public enum HalfPrecision {
    /// The binary16 bit pattern nearest to `value` (round to nearest, ties to even).
    ///
    /// Magnitudes of 65520 and above become infinity; magnitudes below 2⁻²⁵ become a zero of
    /// the same sign; values between become subnormals where needed. A NaN stays a NaN with the
    /// same sign and the top 10 bits of its payload (as NumPy does; a payload whose top bits are
    /// all zero becomes 1 so that the result is not infinity).
    public static func float16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits & 0x8000_0000) >> 16)
        let exponentBits = bits & 0x7F80_0000
        let fraction = bits & 0x007F_FFFF

        // Exponent 16 or more: overflow to infinity, or infinity / NaN.
        if exponentBits >= 0x4780_0000 {
            guard exponentBits == 0x7F80_0000, fraction != 0 else { return sign | 0x7C00 }
            var result = UInt16(truncatingIfNeeded: 0x7C00 + (fraction >> 13))
            if result == 0x7C00 { result += 1 }  // keep it a NaN
            return sign | result
        }
        // Exponent -15 or less: a float16 subnormal or zero.
        if exponentBits <= 0x3800_0000 {
            if exponentBits < 0x3300_0000 { return sign }  // below half the smallest subnormal
            let exponent = exponentBits >> 23  // 102...112
            // Implicit leading one, then shift so that the result's fraction sits in bits 13...22.
            var significand = (0x0080_0000 + fraction) >> (113 - exponent)
            // Round to nearest even: add half an ulp unless this is an exact tie with an even
            // last bit (bits shifted out by the line above count as "not exact").
            if (significand & 0x3FFF) != 0x1000 || (bits & 0x7FF) != 0 {
                significand += 0x1000
            }
            return sign | UInt16(truncatingIfNeeded: significand >> 13)
        }
        // Normal range: rebias the exponent (127 -> 15) and round the fraction to 10 bits.
        // A carry out of the fraction correctly increments the exponent (up to infinity).
        let exponent = (exponentBits - 0x3800_0000) >> 13
        var roundedFraction = fraction
        if (roundedFraction & 0x3FFF) != 0x1000 { roundedFraction += 0x1000 }
        return sign | UInt16(truncatingIfNeeded: exponent + (roundedFraction >> 13))
    }

    /// The `Float` equal to the binary16 value with bit pattern `bits` (exact: every binary16
    /// value is representable in binary32). NaN payloads are kept (shifted into the top bits).
    public static func float(fromFloat16Bits bits: UInt16) -> Float {
        let wide = UInt32(bits)
        let sign = (wide & 0x8000) << 16
        let exponent = wide & 0x7C00
        let fraction = wide & 0x03FF
        switch exponent {
        case 0:
            // Zero or subnormal: fraction × 2⁻²⁴, exact in binary32.
            let magnitude = Float(fraction) * Float(bitPattern: 0x3380_0000)  // 2⁻²⁴
            return Float(bitPattern: sign | magnitude.bitPattern)
        case 0x7C00:
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        default:
            // Rebias the exponent: (e - 15 + 127) << 23 == ((e << 10) + 0x1C000) << 13.
            return Float(bitPattern: sign | (((wide & 0x7FFF) + 0x1_C000) << 13))
        }
    }

    /// The bfloat16 bit pattern nearest to `value` (round to nearest, ties to even).
    ///
    /// Finite values too large for bfloat16 become infinity. A NaN stays a NaN with the same
    /// sign and the top 7 payload bits, and is made quiet (fraction bit 6 set).
    public static func bfloat16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// The `Float` equal to the bfloat16 value with bit pattern `bits` (exact).
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
