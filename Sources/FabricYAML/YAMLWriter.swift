import FabricValue

/// Writes values as block-style YAML the way `kubectl get -o yaml` prints them:
/// two-space indent, list items level with their key, strings quoted only when
/// a plain scalar would read back as something else, multi-line strings as `|`
/// blocks. Reading the output back gives the same value.
public enum YAMLWriter {
    public static func string(_ value: Value) -> String {
        var out = ""
        switch value {
        case .object(let object) where !object.isEmpty:
            writeMapping(object, indent: 0, continuingLine: false, into: &out)
        case .array(let items) where !items.isEmpty:
            writeSequence(items, indent: 0, continuingLine: false, into: &out)
        default:
            // A literal block at the root must still be indented.
            writeInline(value, indent: 2, into: &out)
        }
        return out
    }

    private static func pad(_ indent: Int, into out: inout String) {
        out.append(String(repeating: " ", count: indent))
    }

    /// `continuingLine`: the first key goes on a line already started (after `- `).
    private static func writeMapping(_ object: Object, indent: Int, continuingLine: Bool, into out: inout String) {
        var first = true
        for (key, member) in object {
            if !(first && continuingLine) { pad(indent, into: &out) }
            first = false
            out.append(scalarText(key, isKey: true))
            out.append(":")
            switch member {
            case .object(let child) where !child.isEmpty:
                out.append("\n")
                writeMapping(child, indent: indent + 2, continuingLine: false, into: &out)
            case .array(let items) where !items.isEmpty:
                out.append("\n")
                writeSequence(items, indent: indent, continuingLine: false, into: &out)
            default:
                out.append(" ")
                writeInline(member, indent: indent + 2, into: &out)
            }
        }
    }

    private static func writeSequence(_ items: [Value], indent: Int, continuingLine: Bool, into out: inout String) {
        var first = true
        for item in items {
            if !(first && continuingLine) { pad(indent, into: &out) }
            first = false
            out.append("- ")
            switch item {
            case .object(let child) where !child.isEmpty:
                writeMapping(child, indent: indent + 2, continuingLine: true, into: &out)
            case .array(let inner) where !inner.isEmpty:
                writeSequence(inner, indent: indent + 2, continuingLine: true, into: &out)
            default:
                writeInline(item, indent: indent + 2, into: &out)
            }
        }
    }

    /// A scalar or empty collection, ending the line; a literal block's lines at `indent`.
    private static func writeInline(_ value: Value, indent: Int, into out: inout String) {
        switch value {
        case .null: out.append("null\n")
        case .bool(let b): out.append(b ? "true\n" : "false\n")
        case .int(let i): out.append(String(i)); out.append("\n")
        case .double(let d): out.append(doubleText(d)); out.append("\n")
        case .array: out.append("[]\n")
        case .object: out.append("{}\n")
        case .string(let s):
            if s.contains("\n"), canBeLiteral(s) {
                writeLiteral(s, indent: indent, into: &out)
            } else {
                out.append(scalarText(s, isKey: false))
                out.append("\n")
            }
        }
    }

    static func doubleText(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        // Swift's shortest form ("1000.0", "1e-07") always reads back as a float.
        return d.description
    }

    // MARK: strings

    private static func writeLiteral(_ s: String, indent: Int, into out: inout String) {
        var body = Substring(s)
        var trailingBreaks = 0
        while body.hasSuffix("\n") {
            body.removeLast()
            trailingBreaks += 1
        }
        out.append(trailingBreaks == 0 ? "|-\n" : trailingBreaks == 1 ? "|\n" : "|+\n")
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.isEmpty { pad(indent, into: &out) }
            out.append(contentsOf: line)
            out.append("\n")
        }
        if trailingBreaks > 1 { out.append(String(repeating: "\n", count: trailingBreaks - 1)) }
    }

    /// Literal blocks keep text exactly only when it has no characters that
    /// need escapes and its first line does not start with a space.
    private static func canBeLiteral(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first != " ", first != "\n", first != "\t" else { return false }
        return s.unicodeScalars.allSatisfy { c in c == "\n" || c == "\t" || isPrintable(c) }
    }

    private static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x20...0x7E: return true
        case 0xA0...0xD7FF, 0xE000...0xFFFD: return c.value != 0xFEFF && c.value != 0x2028 && c.value != 0x2029
        case 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func scalarText(_ s: String, isKey: Bool) -> String {
        needsQuotes(s, isKey: isKey) ? doubleQuoted(s) : s
    }

    private static func needsQuotes(_ s: String, isKey: Bool) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, let last = bytes.last else { return true }
        // Would a plain scalar read back as something other than this string?
        let reread = bytes.withUnsafeBufferPointer { ScalarResolver.resolvePlain($0) }
        guard case .string = reread else { return true }
        if isKey && s == "<<" { return true }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return true }
        if "[]{},#&*!|>'\"%@`".utf8.contains(first) { return true }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "?") || first == UInt8(ascii: ":") {
            if bytes.count == 1 || bytes[1] == UInt8(ascii: " ") { return true }
        }
        // Other YAML 1.1 readers take these as sexagesimal numbers or timestamps.
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
            if bytes.contains(UInt8(ascii: ":")) || bytes.contains(UInt8(ascii: "-")) { return true }
        }
        var previous: UInt8 = 0
        for c in bytes {
            if c == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { return true }
            if c == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { return true }
            if c < 0x20 || c == 0x7F { return true }
            previous = c
        }
        return !s.unicodeScalars.allSatisfy { $0.isASCII || isPrintable($0) }
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                if c.isASCII ? (c.value >= 0x20 && c.value != 0x7F) : isPrintable(c) {
                    out.unicodeScalars.append(c)
                } else if c.value <= 0xFF {
                    out += "\\x" + hex(c.value, width: 2)
                } else if c.value <= 0xFFFF {
                    out += "\\u" + hex(c.value, width: 4)
                } else {
                    out += "\\U" + hex(c.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
