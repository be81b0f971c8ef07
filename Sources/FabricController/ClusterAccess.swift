import FabricDiff
import FabricValue
import KubeClient

/// The cluster a fabric's members go to: what the reconciler reads and
/// writes there. Reads come from watch caches, so a steady-state reconcile
/// makes no request beyond them.
public protocol MemberCluster: Sendable {
    /// Whether the kind is namespaced, from API discovery (refreshed when the kind is unknown).
    func isNamespaced(apiVersion: String, kind: String) async throws(KubeError) -> Bool
    /// The live object, from the kind's watch cache (started on first use).
    func live(_ id: ObjectID) async throws(KubeError) -> Value?
    /// Server-side apply (`fieldManager=fabricsync`, `force=true`).
    func apply(_ object: Value, dryRun: Bool) async throws(KubeError) -> Value
    /// Returns false when the object was already gone.
    func delete(_ id: ObjectID, dryRun: Bool) async throws(KubeError) -> Bool
    /// Waits for a CustomResourceDefinition to be `Established`, then forgets discovery so its kinds are found.
    func waitUntilEstablished(crdName: String, timeout: Duration) async throws(KubeError)
}

/// The controller's own cluster: where Fabric objects, their status and
/// their Events live, and where target-cluster Secrets are read.
public protocol FabricStore: Sendable {
    /// The Fabric from the watch cache.
    func fabric(namespace: String, name: String) async throws(KubeError) -> Value?
    /// Every Fabric the cache holds.
    func fabrics() async throws(KubeError) -> [Value]
    func applyFabric(_ object: Value, dryRun: Bool) async throws(KubeError) -> Value
    /// A JSON merge patch of the Fabric's `/status`.
    func patchFabricStatus(namespace: String, name: String, status: Value) async throws(KubeError) -> Value
    func deleteFabric(namespace: String, name: String) async throws(KubeError)
    /// Replaces `metadata.finalizers` (a merge patch guarded by `resourceVersion`, so a concurrent change is not lost).
    func setFinalizers(namespace: String, name: String, finalizers: [Value], resourceVersion: String?) async throws(KubeError)
    func recordEvent(about object: Value, warning: Bool, reason: String, message: String) async throws(KubeError)
    func secret(namespace: String, name: String) async throws(KubeError) -> Value?
}

/// What a watch saw happen to an object.
public enum ObservedChange: Sendable {
    case added(Value)
    case modified(old: Value, new: Value)
    case deleted(Value)

    public var object: Value {
        switch self {
        case .added(let object), .deleted(let object): return object
        case .modified(_, let object): return object
        }
    }
}
