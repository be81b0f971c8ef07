/// A location inside a `Value`: `spec.ports[0].name`.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    /// `FieldPath("spec", "asn")`
    public init(_ keys: String...) { self.components = keys.map(Component.key) }

    public static let root = FieldPath()

    public var isRoot: Bool { components.isEmpty }

    public func appending(_ key: String) -> FieldPath { FieldPath(components + [.key(key)]) }
    public func appending(index: Int) -> FieldPath { FieldPath(components + [.index(index)]) }
    public var parent: FieldPath? { isRoot ? nil : FieldPath(Array(components.dropLast())) }

    /// Keys that are plain identifiers print after a dot; others (label keys
    /// such as `fabric.githedgehog.com/name`) print bracketed and quoted.
    public var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                if FieldPath.isPlain(key) {
                    if !out.isEmpty { out += "." }
                    out += key
                } else {
                    out += "[\"" + key.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"") + "\"]"
                }
            case .index(let i):
                out += "[\(i)]"
            }
        }
        return out
    }

    static func isPlain(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !key.isEmpty else { return false }
        guard first == "_" || first == "$" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return key.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "-" || s == "$")
        }
    }

    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool { lhs.description < rhs.description }
}
