/// A cheap summary of a mapping key (length, first six bytes, last byte), so
/// the duplicate-key scan compares strings only when the summaries match.
enum KeyFingerprint {
    @inline(__always)
    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var print = UInt64(truncatingIfNeeded: bytes.count) << 56
        for i in 0..<min(bytes.count, 6) { print |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        if let last = bytes.last { print ^= UInt64(last) << 48 }
        return print
    }

    static func of(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { of($0) }
    }
}
