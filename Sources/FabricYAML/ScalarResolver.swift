import FabricValue

/// Types scalars as `kubectl apply -f` does: sigs.k8s.io/yaml on go-yaml v2's
/// YAML 1.1 resolver (`yes`/`on`/`y` are booleans, `017` is octal, `0x1F` hex,
/// timestamps stay strings, quoted scalars are always strings).
///
/// Works on the scalar's bytes so the common case (a plain word such as a name)
/// is decided from its first byte without building anything but the string.
enum ScalarResolver {
    /// go-yaml's resolve table: what the first byte of a plain scalar hints at.
    private enum Hint: UInt8 { case none, sign, digit, word, dot }

    private static let hints: [Hint] = {
        var table = [Hint](repeating: .none, count: 256)
        table[Int(UInt8(ascii: "+"))] = .sign
        table[Int(UInt8(ascii: "-"))] = .sign
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] = .digit }
        for c in "yYnNtTfFoO~".utf8 { table[Int(c)] = .word }
        table[Int(UInt8(ascii: "."))] = .dot
        return table
    }()

    /// The words of go-yaml v2's resolve map (besides the empty string).
    private static let words: [String: Value] = {
        var map: [String: Value] = [:]
        for w in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] { map[w] = .bool(true) }
        for w in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] { map[w] = .bool(false) }
        for w in ["~", "null", "Null", "NULL"] { map[w] = .null }
        for w in [".nan", ".NaN", ".NAN"] { map[w] = .double(.nan) }
        for w in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { map[w] = .double(.infinity) }
        for w in ["-.inf", "-.Inf", "-.INF"] { map[w] = .double(-.infinity) }
        return map
    }()

    /// The value of an untagged plain scalar.
    static func resolvePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Value {
        guard let first = bytes.first else { return .null }
        switch hints[Int(first)] {
        case .none:
            return .string(makeString(bytes))
        case .word, .sign, .dot:
            if bytes.count <= 6, let word = words[makeString(bytes)] { return word }
            if hints[Int(first)] == .word { return .string(makeString(bytes)) }
            if let number = number(bytes) { return number }
            return .string(makeString(bytes))
        case .digit:
            if let number = number(bytes) { return number }
            return .string(makeString(bytes))
        }
    }

    /// The value of a scalar as go-yaml decodes it into an `interface{}`:
    /// `tag` is libyaml's resolved tag (nil when none was written).
    static func resolve(_ bytes: UnsafeBufferPointer<UInt8>, plain: Bool, tag: String?) -> Result<Value, TypingError> {
        guard let tag else {
            return .success(plain ? resolvePlain(bytes) : .string(makeString(bytes)))
        }
        let short = tag.hasPrefix(longTagPrefix) ? "!!" + tag.dropFirst(longTagPrefix.count) : tag
        switch short {
        case "!!str", "!!timestamp":
            // go-yaml keeps timestamp-looking values as strings in an interface{}.
            return .success(.string(makeString(bytes)))
        case "!!binary":
            guard let decoded = Base64.decode(bytes) else {
                return .failure(TypingError(message: "!!binary value contains invalid base64 data"))
            }
            return .success(.string(String(decoding: decoded, as: UTF8.self)))
        case "!!null", "!!bool", "!!int", "!!float":
            let resolved = resolvePlain(bytes)
            switch (short, resolved) {
            case ("!!null", .null), ("!!bool", .bool), ("!!int", .int), ("!!float", .double):
                return .success(resolved)
            case ("!!float", .int(let i)):
                return .success(.double(Double(i)))
            default:
                let text = makeString(bytes)
                return .failure(TypingError(message: "cannot decode \(goTag(of: resolved)) `\(text)` as a \(short)"))
            }
        default:
            // Tags go-yaml cannot resolve (`!`, `!custom`, `!!map` on a scalar) leave the text as it is.
            return .success(.string(makeString(bytes)))
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
