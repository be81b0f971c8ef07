import Foundation
import FabricValue

extension EmulatorStore {
    /// Every object and the current resourceVersion, as one JSON value.
    public func snapshot() -> Value {
        lock.withLock {
            var items: [Value] = []
            for resource in objects.keys.sorted(by: { ($0.group, $0.resource) < ($1.group, $1.resource) }) {
                let bucket = objects[resource]!
                for key in bucket.keys.sorted() {
                    items.append(["group": .string(resource.group), "resource": .string(resource.resource), "object": bucket[key]!])
                }
            }
            return ["resourceVersion": .int(resourceVersion), "objects": .array(items)]
        }
    }

    /// Replaces the state with a snapshot. Watch history starts empty, so
    /// clients resuming from before the restart get 410 and relist, as after an etcd restore.
    public func restore(from snapshot: Value) throws(APIError) {
        guard let version = snapshot["resourceVersion"]?.intValue, let items = snapshot["objects"]?.arrayValue else {
            throw APIError.badRequest("state snapshot has no resourceVersion or objects")
        }
        lock.lock()
        defer { lock.unlock() }
        var restored: [GroupResource: [String: Value]] = [:]
        for item in items {
            guard let group = item["group"]?.stringValue, let resource = item["resource"]?.stringValue, let object = item["object"],
                  let name = object.value(at: "metadata", "name")?.stringValue else {
                throw APIError.badRequest("state snapshot holds an object without group, resource or name")
            }
            let namespace = object.value(at: "metadata", "namespace")?.stringValue ?? ""
            restored[GroupResource(group: group, resource: resource), default: [:]][namespace + "/" + name] = object
        }
        objects = restored
        sortedKeys = restored.mapValues { $0.keys.sorted() }
        dependents = [:]
        for (resource, bucket) in restored {
            for (key, object) in bucket { indexOwners(of: object, removing: false, ref: StoredRef(resource: resource, key: key)) }
        }
        resourceVersion = version
        compactedRevision = version
        history.removeAll()
        rebuildTypes()
    }
}

/// `--state FILE`: the store is written after changes (coalesced) and on
/// shutdown, atomically: a temporary file in the same folder, then rename.
final class StatePersistence: @unchecked Sendable {
    let path: String
    private let queue = DispatchQueue(label: "kube-emulator.state")
    private let lock = NSLock()
    private var scheduled = false
    private(set) var lastError: String?

    init(path: String) { self.path = path }

    func load(into store: EmulatorStore) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let value = try JSONReader.parse(Array(data))
        try store.restore(from: value)
    }

    /// Saves soon, once for a burst of changes.
    func scheduleSave(_ store: EmulatorStore) {
        let alreadyScheduled = lock.withLock {
            defer { scheduled = true }
            return scheduled
        }
        if alreadyScheduled { return }
        queue.asyncAfter(deadline: .now() + .milliseconds(50)) { [weak self, weak store] in
            guard let self, let store else { return }
            self.lock.withLock { self.scheduled = false }
            do {
                try self.save(store)
            } catch {
                self.lock.withLock { self.lastError = "\(error)" }
            }
        }
    }

    func save(_ store: EmulatorStore) throws {
        let bytes = JSONWriter.data(store.snapshot())
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try Data(bytes).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            // `try?`: the rename's error is the one worth reporting; a leftover temp file is harmless.
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename \(temporary.path) → \(url.path): \(String(cString: strerror(code)))"])
        }
    }

    /// Waits for a scheduled save, then saves once more.
    func flush(_ store: EmulatorStore) throws {
        queue.sync {}
        try save(store)
    }
}
