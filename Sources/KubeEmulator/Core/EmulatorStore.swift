import Foundation
import FabricValue

/// The emulator's state: every object, the resource registry, the
/// cluster-wide resourceVersion and the bounded event history. Synchronous
/// and lock-guarded, so the semantics are tested without sockets.
public final class EmulatorStore: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Events kept for watch resumption (at least this many, up to a quarter more between trims); older versions get 410 Gone.
        public var historyLimit: Int
        /// Events a slow watcher may have queued before it is closed.
        public var watcherCapacity: Int
        /// Namespaces that exist from the start, as in a fresh cluster.
        public var initialNamespaces: [String]

        public init(historyLimit: Int = 1_000, watcherCapacity: Int = 10_000,
                    initialNamespaces: [String] = ["default", "kube-system", "kube-public", "kube-node-lease"]) {
            self.historyLimit = historyLimit
            self.watcherCapacity = watcherCapacity
            self.initialNamespaces = initialNamespaces
        }
    }

    let configuration: Configuration
    let clock: @Sendable () -> Date
    let lock = NSRecursiveLock()
    var types: [ResourceType] = ResourceType.builtIns
    /// Objects by resource, then by `namespace/name` (cluster-scoped: `/name`).
    var objects: [GroupResource: [String: Value]] = [:]
    /// Each resource's keys in order, so LIST pages without sorting.
    var sortedKeys: [GroupResource: [String]] = [:]
    /// Objects by the uids their ownerReferences name, for garbage collection.
    var dependents: [String: Set<StoredRef>] = [:]
    var resourceVersion: Int64 = 0
    var history: [StoredEvent] = []
    /// Versions at or below this are compacted away.
    var compactedRevision: Int64 = 0
    var watchers: [ObjectIdentifier: Watcher] = [:]
    var forceExpiredWatches = 0
    /// Called after every committed change (persistence hooks in here).
    var onChange: (@Sendable () -> Void)?

    public init(configuration: Configuration = Configuration(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.clock = clock
        for name in configuration.initialNamespaces {
            let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            // Seeding a fresh store cannot fail: the names are valid and new.
            _ = try? create(resourceType(group: "", version: "v1", plural: "namespaces")!, namespace: nil, body: namespace,
                            options: WriteOptions(fieldManager: "kube-apiserver"))
        }
    }

    /// The current cluster-wide resourceVersion.
    public var currentResourceVersion: Int64 { lock.withLock { resourceVersion } }

    // MARK: Registry

    /// Every served resource type, built-ins first, then custom resources by CRD.
    public var resourceTypes: [ResourceType] { lock.withLock { types } }

    public func resourceType(group: String, version: String, plural: String) -> ResourceType? {
        lock.withLock { types.first { $0.group == group && $0.version == version && $0.plural == plural } }
    }

    public func resourceType(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = splitAPIVersion(apiVersion)
        return lock.withLock { types.first { $0.group == group && $0.version == version && $0.kind == kind } }
    }

    // MARK: Reads

    public func get(_ type: ResourceType, namespace: String?, name: String) throws(APIError) -> Value {
        lock.lock()
        defer { lock.unlock() }
        guard let object = objects[type.groupResource]?[storageKey(type, namespace, name)] else {
            throw APIError.notFound(type.groupResource, name: name)
        }
        return converted(object, to: type)
    }

    /// A `…List` object; `namespace` nil lists across namespaces.
    public func list(_ type: ResourceType, namespace: String?, options: ListOptions = ListOptions()) throws(APIError) -> Value {
        lock.lock()
        defer { lock.unlock() }
        var start = ""
        if let token = options.continueToken, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let decoded = try? JSONReader.parse(Array(data)),
                  let key = decoded["start"]?.stringValue else {
                throw APIError.badRequest("continue key is not valid: illegal base64 data at input byte 0")
            }
            // `try?` above: any undecodable token is the same client error.
            start = key
        }
        let prefix = type.namespaced ? (namespace.map { $0 + "/" } ?? "") : "/"
        let bucket = objects[type.groupResource] ?? [:]
        let keys = sortedKeys[type.groupResource] ?? []
        let selecting = !options.labelSelector.requirements.isEmpty || !options.fieldSelector.requirements.isEmpty
        var items: [Value] = []
        var nextKey: String?
        var remaining = 0
        var index = firstIndex(in: keys, after: max(start, prefix))
        while index < keys.count, keys[index].hasPrefix(prefix) {
            let key = keys[index]
            index += 1
            let object = bucket[key]!
            guard !selecting || (options.labelSelector.matches(labels(of: object)) && options.fieldSelector.matches(object)) else { continue }
            if let limit = options.limit, limit > 0, items.count >= limit {
                remaining += 1
                // Without selectors the rest of the range is counted, not visited.
                if !selecting { remaining += rangeEnd(in: keys, prefix: prefix) - index; break }
                continue
            }
            items.append(converted(object, to: type))
            nextKey = key
        }
        var metadata = Object()
        metadata["resourceVersion"] = .string(String(resourceVersion))
        if remaining > 0, let nextKey {
            let token: Value = ["v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(nextKey)]
            metadata["continue"] = .string(Data(JSONWriter.data(token)).base64EncodedString())
            // As the real API, the count is given only when no selector makes it an estimate.
            if !selecting { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        }
        return .object(Object([
            ("kind", .string(type.listKind)), ("apiVersion", .string(type.apiVersion)),
            ("metadata", .object(metadata)), ("items", .array(items)),
        ]))
    }

    // MARK: Helpers shared by the write paths

    /// Stores an object, keeping the resource's sorted key index and the owner index.
    func put(_ object: Value, resource: GroupResource, key: String) {
        let old = objects[resource]?[key]
        if old == nil {
            // In place: copying the array out of the dictionary would copy every key on each create.
            let index = firstIndex(in: sortedKeys[resource] ?? [], atOrAfter: key)
            sortedKeys[resource, default: []].insert(key, at: index)
        }
        objects[resource, default: [:]][key] = object
        indexOwners(of: old, removing: true, ref: StoredRef(resource: resource, key: key))
        indexOwners(of: object, removing: false, ref: StoredRef(resource: resource, key: key))
    }

    func unput(resource: GroupResource, key: String) {
        guard let old = objects[resource]?.removeValue(forKey: key) else { return }
        let index = firstIndex(in: sortedKeys[resource] ?? [], atOrAfter: key)
        if sortedKeys[resource]?.indices.contains(index) == true, sortedKeys[resource]?[index] == key { sortedKeys[resource]?.remove(at: index) }
        indexOwners(of: old, removing: true, ref: StoredRef(resource: resource, key: key))
    }

    func indexOwners(of object: Value?, removing: Bool, ref: StoredRef) {
        for case .string(let uid)? in (object?.value(at: "metadata", "ownerReferences")?.arrayValue ?? []).map({ $0["uid"] }) {
            if removing {
                dependents[uid]?.remove(ref)
                if dependents[uid]?.isEmpty == true { dependents[uid] = nil }
            } else {
                dependents[uid, default: []].insert(ref)
            }
        }
    }

    /// The first position whose key is not below `key` (binary search).
    func firstIndex(in keys: [String], atOrAfter key: String) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first position whose key is above `key`, or at `key` when it is a bare prefix.
    func firstIndex(in keys: [String], after key: String) -> Int {
        let index = firstIndex(in: keys, atOrAfter: key)
        return index < keys.count && keys[index] == key ? index + 1 : index
    }

    /// The end of the contiguous range of keys starting with `prefix`.
    func rangeEnd(in keys: [String], prefix: String) -> Int {
        guard let last = prefix.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { return keys.count }
        return firstIndex(in: keys, atOrAfter: String(prefix.unicodeScalars.dropLast()) + String(next))
    }

    func storageKey(_ type: ResourceType, _ namespace: String?, _ name: String) -> String {
        (type.namespaced ? (namespace ?? "") : "") + "/" + name
    }

    func converted(_ object: Value, to type: ResourceType) -> Value {
        var copy = object
        copy["apiVersion"] = .string(type.apiVersion)
        return copy
    }

    func nextResourceVersion() -> Int64 {
        resourceVersion += 1
        return resourceVersion
    }

    func timestamp() -> String { formatTimestamp(clock()) }

    /// Records a committed change and hands it to the watchers.
    func record(_ type: String, resource: GroupResource, namespace: String, object: Value, previous: Value?, version: Int64) {
        let event = StoredEvent(type: type, resource: resource, namespace: namespace, object: object, previous: previous, resourceVersion: version)
        history.append(event)
        // Trimmed in batches of a quarter of the limit, so a write does not shift the whole history each time.
        if history.count > configuration.historyLimit + configuration.historyLimit / 4 {
            let overflow = history.count - configuration.historyLimit
            compactedRevision = history[overflow - 1].resourceVersion
            history.removeFirst(overflow)
        }
        for watcher in watchers.values {
            if let translated = watcher.translate(event) { watcher.deliver(translated) }
        }
        onChange?()
    }
}

/// Where an object is stored.
struct StoredRef: Hashable, Sendable {
    var resource: GroupResource
    var key: String
}

func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
    guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
    return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
}

/// RFC 3339 in UTC with seconds, as `metav1.Time` serializes.
func formatTimestamp(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
}
