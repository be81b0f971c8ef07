import FabricValue

extension ObjectStore {
    /// Records an object a write of ours returned, so the next read of the
    /// cache does not see the copy from before the write while the watch event
    /// is still on its way. An older copy never replaces a newer one (the
    /// watch may have delivered a later change already); resourceVersions are
    /// compared as numbers, which etcd-backed servers give.
    public func recordWrite(_ object: Value) {
        // A write that removed the last finalizer of an object being deleted
        // returns its final copy: the object is gone, and must not come back.
        if object.value(at: "metadata", "deletionTimestamp") != nil,
           (object.value(at: "metadata", "finalizers")?.arrayValue ?? []).isEmpty {
            recordDeletion(namespace: object.value(at: "metadata", "namespace")?.stringValue, name: object.value(at: "metadata", "name")?.stringValue ?? "")
            return
        }
        let key = Self.key(of: object)
        let written = object.value(at: "metadata", "resourceVersion")?.stringValue.flatMap { UInt64($0) }
        objects.withLock { storage in
            if let held = storage[key]?.value(at: "metadata", "resourceVersion")?.stringValue.flatMap({ UInt64($0) }),
               let written, held >= written {
                return
            }
            storage[key] = object
        }
    }

    /// Forgets an object a delete of ours removed.
    public func recordDeletion(namespace: String?, name: String) {
        _ = objects.withLock { $0.removeValue(forKey: Self.key(namespace: namespace, name: name)) }
    }
}
