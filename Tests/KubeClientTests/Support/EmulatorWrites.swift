import FabricValue
import KubeEmulator

/// Writes straight into the emulator's store (no HTTP), for churn while a
/// client watches. This file imports KubeEmulator alone: its WatchEvent and
/// WatchOptions share names with the client's.
extension KubeEmulator {
    private var configMaps: ResourceType { store.resourceType(apiVersion: "v1", kind: "ConfigMap")! }

    /// Creates or changes ConfigMap `name` in `default`; returns the new resourceVersion.
    @discardableResult
    func writeConfigMap(_ name: String, value: String) throws -> String {
        let result: WriteResult
        if (try? store.get(configMaps, namespace: "default", name: name)) != nil {  // absent: create below
            result = try store.patch(configMaps, namespace: "default", name: name,
                                     patch: .object(Object([("data", .object(Object([("v", .string(value))])))])),
                                     patchType: .merge, options: WriteOptions())
        } else {
            result = try store.create(configMaps, namespace: "default", body: .object(Object([
                ("apiVersion", "v1"), ("kind", "ConfigMap"),
                ("metadata", .object(Object([("name", .string(name)), ("namespace", "default")]))),
                ("data", .object(Object([("v", .string(value))]))),
            ])), options: WriteOptions())
        }
        return result.object.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
    }

    @discardableResult
    func deleteConfigMap(_ name: String) throws -> String {
        let result = try store.delete(configMaps, namespace: "default", name: name)
        return result.object.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
    }

    func dropWatches() { store.dropAllWatches() }

    /// The next watch fails with 410 and history is compacted, as after an etcd compaction.
    func forceGone() {
        store.expireNextWatches(1)
        store.compactHistory()
        store.dropAllWatches()
    }
}
