import FabricDiff
import FabricValue
import KubeClient
import Synchronization

/// `MemberCluster` and `FabricStore` over a `KubeClient`, with one informer
/// per kind (all namespaces) started the first time the kind is read.
public final class KubeCluster: MemberCluster, FabricStore {
    public let client: KubeClient
    private let onChange: @Sendable (ObservedChange) -> Void
    private let watches = Mutex<[String: KindWatch]>([:])
    private let tasks = Mutex<[Task<Void, Never>]>([])
    public let fieldManager = "fabricsync"

    /// - Parameter onChange: every change any of the cluster's informers sees (drift detection).
    public init(client: KubeClient, onChange: @escaping @Sendable (ObservedChange) -> Void = { _ in }) {
        self.client = client
        self.onChange = onChange
    }

    /// Stops every informer; readers waiting for a first list, and later reads, fail instead of waiting forever.
    public func close() {
        closed.withLock { $0 = true }
        for task in tasks.withLock({ $0 }) { task.cancel() }
        for watch in watches.withLock({ Array($0.values) }) { watch.noteError(Self.closedError) }
    }

    private let closed = Mutex(false)
    static let closedError = KubeError.transport(TransportError(kind: .cancelled, message: "the client of this cluster was closed (its kubeconfig changed or is no longer used)"))

    deinit { close() }

    // MARK: MemberCluster

    public func isNamespaced(apiVersion: String, kind: String) async throws(KubeError) -> Bool {
        try await client.resource(apiVersion: apiVersion, kind: kind).namespaced
    }

    public func live(_ id: ObjectID) async throws(KubeError) -> Value? {
        let watch = try await synced(apiVersion: id.apiVersion, kind: id.kind)
        return watch.informer.store.get(namespace: id.namespace.isEmpty ? nil : id.namespace, name: id.name)
    }

    public func apply(_ object: Value, dryRun: Bool) async throws(KubeError) -> Value {
        let result = try await client.apply(object, fieldManager: fieldManager, force: true, dryRun: dryRun)
        if !dryRun { remember(result) }
        return result
    }

    public func delete(_ id: ObjectID, dryRun: Bool) async throws(KubeError) -> Bool {
        let gone = try await client.delete(apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace.isEmpty ? nil : id.namespace, name: id.name, dryRun: dryRun)
        return gone
    }

    public func waitUntilEstablished(crdName: String, timeout: Duration) async throws(KubeError) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let crd = try await client.getIfPresent(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: crdName)
            let established = crd?["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Established" && $0["status"] == "True" } ?? false
            if established {
                client.discovery.invalidate()
                return
            }
            if clock.now >= deadline {
                throw .invalidResponse("CustomResourceDefinition \(crdName) is not Established after \(timeout)")
            }
            do { try await Task.sleep(for: .milliseconds(100)) } catch { throw .transport(TransportError(kind: .cancelled, message: "cancelled")) }
        }
    }

    // MARK: FabricStore

    static let fabricAPIVersion = "wiring.githedgehog.com/v1alpha2"

    public func fabric(namespace: String, name: String) async throws(KubeError) -> Value? {
        try await synced(apiVersion: Self.fabricAPIVersion, kind: "Fabric").informer.store.get(namespace: namespace, name: name)
    }

    public func fabrics() async throws(KubeError) -> [Value] {
        try await synced(apiVersion: Self.fabricAPIVersion, kind: "Fabric").informer.store.list()
    }

    public func applyFabric(_ object: Value, dryRun: Bool) async throws(KubeError) -> Value {
        try await apply(object, dryRun: dryRun)
    }

    public func patchFabricStatus(namespace: String, name: String, status: Value) async throws(KubeError) -> Value {
        let result = try await client.patchStatus(apiVersion: Self.fabricAPIVersion, kind: "Fabric", namespace: namespace, name: name, status: status)
        remember(result)
        return result
    }

    public func deleteFabric(namespace: String, name: String) async throws(KubeError) {
        _ = try await client.delete(apiVersion: Self.fabricAPIVersion, kind: "Fabric", namespace: namespace, name: name)
    }

    public func setFinalizers(namespace: String, name: String, finalizers: [Value], resourceVersion: String?) async throws(KubeError) {
        var metadata: Value = ["finalizers": .array(finalizers)]
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        let result = try await client.mergePatch(apiVersion: Self.fabricAPIVersion, kind: "Fabric", namespace: namespace, name: name, patch: ["metadata": metadata])
        remember(result)
    }

    public func recordEvent(about object: Value, warning: Bool, reason: String, message: String) async throws(KubeError) {
        _ = try await client.recordEvent(about: object, type: warning ? .warning : .normal, reason: reason, message: message)
    }

    public func secret(namespace: String, name: String) async throws(KubeError) -> Value? {
        // Watched (target-cluster kubeconfigs): from the cache, so a steady-state reconcile makes no request for it.
        if let watch = watches.withLock({ $0["v1/Secret"] }) {
            try await watch.waitUntilSynced()
            return watch.informer.store.get(namespace: namespace, name: name)
        }
        return try await client.getIfPresent(apiVersion: "v1", kind: "Secret", namespace: namespace, name: name)
    }

    // MARK: Watches

    /// Watches started again after a kind's first one (stream ends, drops,
    /// 410 relists): the watch-restarts metric.
    public var watchRestarts: Int {
        watches.withLock { $0.values.reduce(0) { $0 + max(0, $1.informer.watchCount - 1) } }
    }

    /// Starts watching a kind now (the Fabric kind at start-up), without waiting for its first list.
    public func watch(apiVersion: String, kind: String) {
        _ = kindWatch(apiVersion: apiVersion, kind: kind)
    }

    /// What the cache keeps of an object: everything but managedFields, which
    /// no reader needs and which make up about 40% of a typical member.
    @Sendable static func forCache(_ object: Value) -> Value {
        guard object.value(at: "metadata", "managedFields") != nil else { return object }
        var copy = object
        copy["metadata"]?["managedFields"] = nil
        return copy
    }

    private func remember(_ object: Value) {
        let object = Self.forCache(object)
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else { return }
        watches.withLock { $0[apiVersion + "/" + kind] }?.informer.store.recordWrite(object)
    }

    private func synced(apiVersion: String, kind: String) async throws(KubeError) -> KindWatch {
        if closed.withLock({ $0 }) { throw Self.closedError }
        let watch = kindWatch(apiVersion: apiVersion, kind: kind)
        try await watch.waitUntilSynced()
        return watch
    }

    private func kindWatch(apiVersion: String, kind: String) -> KindWatch {
        let key = apiVersion + "/" + kind
        let (watch, isNew) = watches.withLock { watches -> (KindWatch, Bool) in
            if let existing = watches[key] { return (existing, false) }
            let created = KindWatch(informer: Informer(client: client, apiVersion: apiVersion, kind: kind, transform: KubeCluster.forCache))
            watches[key] = created
            return (created, true)
        }
        if isNew {
            let onChange = self.onChange
            let task = Task {
                await watch.informer.run { event in
                    switch event {
                    case .synced: watch.markSynced()
                    case .error(let error): watch.noteError(error)
                    case .added(let object): if watch.isSynced { onChange(.added(object)) }
                    case .modified(let old, let new): onChange(.modified(old: old, new: new))
                    case .deleted(let object): onChange(.deleted(object))
                    }
                }
            }
            tasks.withLock { $0.append(task) }
        }
        return watch
    }
}

/// One kind's informer, and whether its first list has arrived.
final class KindWatch: Sendable {
    let informer: Informer
    private let state = Mutex<(synced: Bool, lastError: KubeError?, waiters: [CheckedContinuation<Void, Never>])>((false, nil, []))

    init(informer: Informer) { self.informer = informer }

    var isSynced: Bool { state.withLock { $0.synced } }

    func markSynced() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.synced = true
            state.lastError = nil
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// An error before the first list fails the readers waiting for it
    /// (a Forbidden list, an unknown kind) instead of letting them hang.
    func noteError(_ error: KubeError) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.lastError = error
            guard !state.synced else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitUntilSynced() async throws(KubeError) {
        if isSynced { return }
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.synced || state.lastError != nil { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        let failure = state.withLock { $0.synced ? nil : $0.lastError }
        if let failure {
            state.withLock { $0.lastError = nil }
            throw failure
        }
    }
}
