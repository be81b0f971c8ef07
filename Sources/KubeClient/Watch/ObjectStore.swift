import FabricValue

/// The informer's local cache: the latest copy of each watched object, read
/// by the controller without a request. Keyed by `namespace/name` (`name` for
/// cluster-scoped objects).
public final class ObjectStore: Sendable {
    let objects = Mutex<[String: Value]>([:])

    public init() {}

    public static func key(namespace: String?, name: String) -> String {
        guard let namespace, !namespace.isEmpty else { return name }
        return "\(namespace)/\(name)"
    }

    static func key(of object: Value) -> String {
        key(namespace: object.value(at: "metadata", "namespace")?.stringValue, name: object.value(at: "metadata", "name")?.stringValue ?? "")
    }

    public func get(namespace: String?, name: String) -> Value? { objects.withLock { $0[Self.key(namespace: namespace, name: name)] } }

    /// Every object, ordered by key.
    public func list() -> [Value] { objects.withLock { storage in storage.keys.sorted().map { storage[$0]! } } }

    public var count: Int { objects.withLock { $0.count } }

    /// Stores `object`; returns what it replaced.
    @discardableResult
    func upsert(_ object: Value) -> Value? {
        objects.withLock { $0.updateValue(object, forKey: Self.key(of: object)) }
    }

    @discardableResult
    func remove(_ object: Value) -> Value? {
        objects.withLock { $0.removeValue(forKey: Self.key(of: object)) }
    }

    /// Replaces everything with a fresh list; returns the events that bring a
    /// reader of the old contents up to the new ones (none for an object whose
    /// resourceVersion did not change).
    func replace(with items: [Value]) -> [InformerEvent] {
        objects.withLock { storage in
            var events: [InformerEvent] = []
            var fresh: [String: Value] = [:]
            for item in items { fresh[Self.key(of: item)] = item }
            for key in storage.keys.sorted() where fresh[key] == nil {
                events.append(.deleted(storage[key]!))
            }
            for key in fresh.keys.sorted() {
                let item = fresh[key]!
                if let old = storage[key] {
                    if old.value(at: "metadata", "resourceVersion") != item.value(at: "metadata", "resourceVersion") {
                        events.append(.modified(old: old, new: item))
                    }
                } else {
                    events.append(.added(item))
                }
            }
            storage = fresh
            return events
        }
    }
}
