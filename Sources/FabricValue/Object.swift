/// A JSON object that keeps its keys in insertion order (so printed plans and
/// exported YAML read in the order the author wrote them) while looking keys
/// up by hash. Equality ignores order, as Kubernetes does for maps.
public struct Object: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        keys.reserveCapacity(pairs.count)
        storage.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Setting `nil` removes the key.
    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public func contains(_ key: String) -> Bool { storage[key] != nil }

    public var values: [Value] { keys.map { storage[$0]! } }

    public struct Iterator: IteratorProtocol {
        let object: Object
        var index = 0
        public mutating func next() -> (key: String, value: Value)? {
            guard index < object.keys.count else { return nil }
            defer { index += 1 }
            let key = object.keys[index]
            return (key, object.storage[key]!)
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }

    public static func == (lhs: Object, rhs: Object) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}
