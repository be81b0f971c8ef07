/// Header fields in arrival order. Names compare case-insensitively (RFC 9110 §5.1)
/// and repeated fields are kept, so `values(for:)` sees every `Set-Cookie` or `Accept`.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of the field named `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where asciiCaseInsensitiveEqual(field.name, name) { return field.value }
        return nil
    }

    /// Every value of the field named `name`, in arrival order.
    public func values(for name: String) -> [String] {
        fields.filter { asciiCaseInsensitiveEqual($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Whether a comma-separated list field (`Connection`, `Expect`, `Transfer-Encoding`) holds `token`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where asciiCaseInsensitiveEqual(field.name, name) {
            for item in field.value.split(separator: ",") {
                if asciiCaseInsensitiveEqual(trimmedOWS(item), token) { return true }
            }
        }
        return false
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { asciiCaseInsensitiveEqual($0.name, name) }
    }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte | 0x20 : byte
}

func asciiCaseInsensitiveEqual<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    var i = x.startIndex, j = y.startIndex
    while i != x.endIndex {
        if asciiLowercased(x[i]) != asciiLowercased(y[j]) { return false }
        i = x.index(after: i)
        j = y.index(after: j)
    }
    return true
}

func trimmedOWS<S: StringProtocol>(_ text: S) -> Substring {
    var slice = Substring(text)
    while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
    while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
    return slice
}
