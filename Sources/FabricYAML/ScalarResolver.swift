import FabricValue

/// Types scalars as `kubectl apply -f` does: sigs.k8s.io/yaml on go-yaml v2's
/// YAML 1.1 resolver (`yes`/`on`/`y` are booleans, `017` is octal, `0x1F` hex,
/// timestamps stay strings, quoted scalars are always strings).
///
/// Works on the scalar's bytes so the common case (a plain word such as a name)
/// is decided from its first byte without building anything but the string.
enum ScalarResolver {
    /// The value of an untagged plain scalar. go-yaml's resolve table decides
    /// from the first byte whether the text can be anything but a string.
    static func resolvePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Value {
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let number = number(bytes) { return number }
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
            UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "~"):
            if let word = word(bytes) { return word }
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            if let word = word(bytes) { return word }
            if let number = number(bytes) { return number }
        default:
            break
        }
        return .string(makeString(bytes))
    }

    /// The words of go-yaml v2's resolve map (at most five bytes), compared as bytes
    /// packed little-endian into an integer (plain scalars hold no NUL, so
    /// lengths cannot be confused).
    @inline(__always)
    private static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard bytes.count <= 5 else { return nil }
        var packed: UInt64 = 0
        for (i, c) in bytes.enumerated() { packed |= UInt64(c) << (8 * UInt64(i)) }
        switch packed {
        case 0x79, 0x59, 0x736579, 0x736559, 0x534559, 0x65757274, 0x65757254, 0x45555254, 0x6E6F, 0x6E4F, 0x4E4F:
            return .bool(true)  // y Y yes Yes YES true True TRUE on On ON
        case 0x6E, 0x4E, 0x6F6E, 0x6F4E, 0x4F4E, 0x65736C6166, 0x65736C6146, 0x45534C4146, 0x66666F, 0x66664F, 0x46464F:
            return .bool(false)  // n N no No NO false False FALSE off Off OFF
        case 0x7E, 0x6C6C756E, 0x6C6C754E, 0x4C4C554E:
            return .null  // ~ null Null NULL
        case 0x6E616E2E, 0x4E614E2E, 0x4E414E2E:
            return .double(.nan)  // .nan .NaN .NAN
        case 0x666E692E, 0x666E492E, 0x464E492E, 0x666E692E2B, 0x666E492E2B, 0x464E492E2B:
            return .double(.infinity)  // .inf .Inf .INF +.inf +.Inf +.INF
        case 0x666E692E2D, 0x666E492E2D, 0x464E492E2D:
            return .double(-.infinity)  // -.inf -.Inf -.INF
        default:
            return nil
        }
    }

    /// The value of a tagged scalar as go-yaml decodes it into an `interface{}`;
    /// `tag` is as libyaml resolved it (`tag:yaml.org,2002:int` for `!!int`).
    static func resolve(_ bytes: UnsafeBufferPointer<UInt8>, tag: String) throws(TypingError) -> Value {
        let short = tag.hasPrefix(longTagPrefix) ? "!!" + tag.dropFirst(longTagPrefix.count) : tag
        switch short {
        case "!!str", "!!timestamp":
            // go-yaml keeps timestamp-looking values as strings in an interface{}.
            return .string(makeString(bytes))
        case "!!binary":
            guard let decoded = Base64.decode(bytes) else {
                throw TypingError(message: "!!binary value contains invalid base64 data")
            }
            return .string(String(decoding: decoded, as: UTF8.self))
        case "!!null", "!!bool", "!!int", "!!float":
            let resolved = resolvePlain(bytes)
            switch (short, resolved) {
            case ("!!null", .null), ("!!bool", .bool), ("!!int", .int), ("!!float", .double):
                return resolved
            case ("!!float", .int(let i)):
                return .double(Double(i))
            default:
                throw TypingError(message: "cannot decode \(goTag(of: resolved)) `\(makeString(bytes))` as a \(short)")
            }
        default:
            // Tags go-yaml cannot resolve (`!`, `!custom`, `!!map` on a scalar) leave the text as it is.
            return .string(makeString(bytes))
        }
    }

    struct TypingError: Error { var message: String }

    static let longTagPrefix = "tag:yaml.org,2002:"

    private static func goTag(of value: Value) -> String {
        switch value {
        case .null: return "!!null"
        case .bool: return "!!bool"
        case .int: return "!!int"
        case .double: return "!!float"
        default: return "!!str"
        }
    }

    @inline(__always)
    static func makeString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    // MARK: numbers, after go-yaml v2's 'D'/'S'/'.' branches

    /// An int (strconv.ParseInt base 0, then ParseUint) or a float (yamlStyleFloat),
    /// with `_` separators removed; nil when the text stays a string.
    private static func number(_ raw: UnsafeBufferPointer<UInt8>) -> Value? {
        let first = raw[0]
        if first == UInt8(ascii: ".") {
            // go-yaml calls ParseFloat on the text as written (underscores refused).
            guard isYAMLStyleFloat(raw) else { return nil }
            return parseDouble(raw)
        }
        // All timestamp forms start `YYYY-`; go-yaml keeps those as strings.
        if raw.count >= 5, raw[4] == UInt8(ascii: "-"), raw[0..<4].allSatisfy(isDigit) { return nil }
        if raw.contains(UInt8(ascii: "_")) {
            let plain = raw.filter { $0 != UInt8(ascii: "_") }
            return plain.withUnsafeBufferPointer { numberWithoutSeparators($0) }
        }
        return numberWithoutSeparators(raw)
    }

    private static func numberWithoutSeparators(_ text: UnsafeBufferPointer<UInt8>) -> Value? {
        if text.isEmpty { return nil }
        switch parseGoInteger(text) {
        case .int(let i): return .int(i)
        case .unsigned(let u): return .double(Double(u))
        case .invalid: break
        }
        guard isYAMLStyleFloat(text) else { return nil }
        return parseDouble(text)
    }

    private enum GoInteger { case int(Int64), unsigned(UInt64), invalid }

    /// strconv.ParseInt(s, 0, 64), falling back to ParseUint(s, 0, 64) for
    /// values above Int64.max (no sign allowed there).
    private static func parseGoInteger(_ s: UnsafeBufferPointer<UInt8>) -> GoInteger {
        var i = 0
        var negative = false
        var signed = false
        if s[0] == UInt8(ascii: "+") || s[0] == UInt8(ascii: "-") {
            negative = s[0] == UInt8(ascii: "-")
            signed = true
            i = 1
        }
        guard i < s.count else { return .invalid }
        var base: UInt64 = 10
        if s[i] == UInt8(ascii: "0"), i + 1 < s.count {
            switch s[i + 1] | 0x20 {
            case UInt8(ascii: "x"): base = 16; i += 2
            case UInt8(ascii: "o"): base = 8; i += 2
            case UInt8(ascii: "b"): base = 2; i += 2
            default: base = 8; i += 1
            }
            guard i < s.count else { return .invalid }
        }
        var magnitude: UInt64 = 0
        while i < s.count {
            guard let digit = digitValue(s[i]), UInt64(digit) < base else { return .invalid }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: base)
            let (plus, o2) = times.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return .invalid }
            magnitude = plus
            i += 1
        }
        if negative {
            if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
            return .invalid
        }
        if magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
        return signed ? .invalid : .unsigned(magnitude)
    }

    @inline(__always)
    private static func digitValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    private static func isYAMLStyleFloat(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = s.count
        if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
        if i < n, s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n, isDigit(s[i]) { i += 1 }
            if i == start { return false }
        } else {
            let start = i
            while i < n, isDigit(s[i]) { i += 1 }
            if i == start { return false }
            if i < n, s[i] == UInt8(ascii: ".") {
                i += 1
                while i < n, isDigit(s[i]) { i += 1 }
            }
        }
        if i < n, s[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            let start = i
            while i < n, isDigit(s[i]) { i += 1 }
            if i == start { return false }
        }
        return i == n
    }

    /// strconv.ParseFloat: out-of-range values are an error in Go, so the text stays a string.
    private static func parseDouble(_ s: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let d = Double(makeString(s)), d.isFinite else { return nil }
        return .double(d)
    }
}
