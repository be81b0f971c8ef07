/// Standard base64 (RFC 4648 with padding), for `!!binary` scalars, which
/// go-yaml decodes before they reach JSON. Line breaks and spaces are skipped,
/// as YAML folds long binary scalars over several lines.
enum Base64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        return table
    }()

    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        var symbols = 0
        for c in text {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "="):
                padding += 1
                symbols += 1
                continue
            default:
                let v = values[Int(c)]
                guard v != 0xFF, padding == 0 else { return nil }
                accumulator = accumulator << 6 | UInt32(v)
                bits += 6
                symbols += 1
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                }
            }
        }
        guard symbols % 4 == 0, padding <= 2 else { return nil }
        return out
    }
}
