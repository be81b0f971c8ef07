/// A JSON object that keeps its keys in insertion order (so printed plans and
/// exported YAML read in the order the author wrote them) while looking keys
/// up by hash. Equality ignores order, as Kubernetes does for maps.
///
/// Members live in two parallel arrays; a hash index by key is built only once
/// an object outgrows `indexThreshold` (32) keys. Most Kubernetes objects are many
/// small maps (`metadata`, `labels`, a port), for which a short linear scan is
/// faster than hashing and building a dictionary is most of the cost of
/// reading them (measured by `fabricsync-bench yaml`).
public struct Object: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    private var members: [Value] = []
    /// Position of each key, present only above `indexThreshold` keys.
    private var index: [String: Int]?

    static let indexThreshold = 32

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        keys.reserveCapacity(pairs.count)
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds an object from keys known to be distinct (a decoder that has
    /// already rejected duplicates) and their values, in order.
    public init(uniqueKeys keys: [String], values: [Value]) {
        precondition(keys.count == values.count, "Object(uniqueKeys:values:) needs one value per key")
        self.keys = keys
        self.members = values
        if keys.count > Self.indexThreshold { rebuildIndex() }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Setting `nil` removes the key.
    public subscript(key: String) -> Value? {
        get { position(of: key).map { members[$0] } }
        set {
            if let newValue {
                if let i = position(of: key) {
                    members[i] = newValue
                } else {
                    keys.append(key)
                    members.append(newValue)
                    if index != nil {
                        index![key] = keys.count - 1
                    } else if keys.count > Self.indexThreshold {
                        rebuildIndex()
                    }
                }
            } else if let i = position(of: key) {
                keys.remove(at: i)
                members.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public var values: [Value] { members }

    @inline(__always)
    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    private mutating func rebuildIndex() {
        guard keys.count > Self.indexThreshold else {
            index = nil
            return
        }
        var positions = [String: Int](minimumCapacity: keys.count)
        for (i, key) in keys.enumerated() { positions[key] = i }
        index = positions
    }

    public struct Iterator: IteratorProtocol {
        let object: Object
        var index = 0
        public mutating func next() -> (key: String, value: Value)? {
            guard index < object.keys.count else { return nil }
            defer { index += 1 }
            return (object.keys[index], object.members[index])
        }
    }

    public func makeIterator() -> Iterator { Iterator(object: self) }

    public static func == (lhs: Object, rhs: Object) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in lhs.keys.indices {
            guard let other = rhs[lhs.keys[i]], other == lhs.members[i] else { return false }
        }
        return true
    }

    /// Order-independent, as `Dictionary` hashes: each member hashed on a copy
    /// of the hasher, the results combined with XOR.
    public func hash(into hasher: inout Hasher) {
        var commutative = 0
        for i in keys.indices {
            var member = hasher
            member.combine(keys[i])
            member.combine(members[i])
            commutative ^= member.finalize()
        }
        hasher.combine(count)
        hasher.combine(commutative)
    }
}
