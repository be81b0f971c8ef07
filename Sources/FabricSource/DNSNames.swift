/// Kubernetes name rules (apimachinery's `validation` package).
enum DNSNames {
    /// RFC 1123 subdomain: what `metadata.name` is for most kinds.
    static func subdomainProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 253 { return "must be no more than 253 characters, found \(bytes.count)" }
        for part in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) where !isLabel(part) {
            return "\(quoted(name)) is not a valid name: use lowercase letters, digits, '-' and '.', "
                + "starting and ending with a letter or digit (RFC 1123 subdomain)"
        }
        return nil
    }

    /// RFC 1123 label: namespaces, and names that become label values.
    static func labelProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 63 { return "must be no more than 63 characters, found \(bytes.count)" }
        guard isLabel(bytes[...]) else {
            return "\(quoted(name)) is not a valid name: use lowercase letters, digits and '-', "
                + "starting and ending with a letter or digit (RFC 1123 label)"
        }
        return nil
    }

    /// RBAC objects allow any name that is a valid path segment.
    static func pathSegmentProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name == "." || name == ".." { return "must not be \(quoted(name))" }
        if name.contains("/") || name.contains("%") { return "\(quoted(name)) must not contain '/' or '%'" }
        return nil
    }

    /// A label value: empty, or up to 63 of `[A-Za-z0-9-_.]` starting and ending alphanumeric.
    static func labelValueProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return nil }
        if bytes.count > 63 { return "a label value must be no more than 63 characters, found \(bytes.count)" }
        let inner = bytes.allSatisfy { isAlphanumeric($0, upper: true) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        guard inner, isAlphanumeric(bytes.first!, upper: true), isAlphanumeric(bytes.last!, upper: true) else {
            return "\(quoted(value)) is not a valid label value: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
        }
        return nil
    }

    /// A Secret data key: `[-._a-zA-Z0-9]+`.
    static func secretKeyProblem(_ key: String) -> String? {
        if key.isEmpty { return "must not be empty" }
        let valid = key.utf8.allSatisfy { isAlphanumeric($0, upper: true) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        return valid ? nil : "\(quoted(key)) is not a valid Secret key: use letters, digits, '-', '_' and '.'"
    }

    private static func isLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard isAlphanumeric(first, upper: false), isAlphanumeric(last, upper: false) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0, upper: false) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8, upper: Bool) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (upper && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte))
    }

    static func quoted(_ text: String) -> String { "\"" + text + "\"" }
}
