import FabricValue

/// What an informer tells its handler.
public enum InformerEvent: Sendable {
    case added(Value)
    case modified(old: Value, new: Value)
    case deleted(Value)
    /// A list finished and the store holds exactly what it returned (after start, and after each relist).
    case synced(resourceVersion: String)
    /// A list or watch failed; the informer backs off and goes on. Never dropped silently.
    case error(KubeError)
}

/// List, then watch, and keep a local store, as client-go's reflector does:
/// watches resume from the last resourceVersion seen (bookmarks included);
/// 410 Gone relists; a stream that ends or breaks reconnects with exponential
/// backoff and jitter. An event is never delivered twice for one resourceVersion.
public final class Informer: Sendable {
    public let store = ObjectStore()
    public let apiVersion: String
    public let kind: String
    public let namespace: String?
    public let labelSelector: String?
    private let client: KubeClient
    private let backoff: RetryPolicy
    private let pageSize: Int
    /// Applied to every object before it is stored and delivered (client-go's
    /// `SetTransform`): dropping what a reader never needs, such as managedFields, keeps the cache small.
    private let transform: @Sendable (Value) -> Value
    private let state = Mutex(State())

    struct State {
        var resourceVersion: String?
        var lists = 0
        var watches = 0
        var synced = false
    }

    /// - Parameter namespace: nil watches all namespaces.
    public init(client: KubeClient, apiVersion: String, kind: String, namespace: String? = nil, labelSelector: String? = nil, pageSize: Int = 500,
                backoff: RetryPolicy = RetryPolicy(maximumAttempts: .max, initialDelay: .milliseconds(200), maximumDelay: .seconds(30), jitter: 0.5),
                transform: @escaping @Sendable (Value) -> Value = { $0 }) {
        self.client = client
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.pageSize = pageSize
        self.backoff = backoff
        self.transform = transform
    }

    /// The last resourceVersion seen (from a list, an event or a bookmark).
    public var lastResourceVersion: String? { state.withLock { $0.resourceVersion } }
    /// How many lists (the first and every relist) and watches were made.
    public var listCount: Int { state.withLock { $0.lists } }
    public var watchCount: Int { state.withLock { $0.watches } }
    /// True once the first list has filled the store (the controller waits for this before trusting the cache).
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// Runs until the calling task is cancelled, awaiting `handler` for each event in order.
    public func run(_ handler: @Sendable (InformerEvent) async -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                if lastResourceVersion == nil {
                    try await relist(handler)
                }
                if try await watchOnce(handler) {
                    // A watch the server ended (its timeout, a dropped stream) resumes at once from where it stopped.
                    failures = 0
                    continue
                }
                // A watch that ended with nothing in it backs off, so a server that closes at once is not hammered.
                failures += 1
            } catch let error where error.isGone {
                // Our resourceVersion is older than the server's history: only a fresh list can tell what changed.
                state.withLock { $0.resourceVersion = nil }
                await handler(.error(error))
                continue
            } catch {
                if Task.isCancelled { return }
                await handler(.error(error))
                failures += 1
            }
            let delay = backoff.backoff(attempt: failures, random: Double.random(in: 0..<1))
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
        }
    }

    private func relist(_ handler: @Sendable (InformerEvent) async -> Void) async throws(KubeError) {
        state.withLock { $0.lists += 1 }
        let list = try await client.list(apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: namespace == nil,
                                         labelSelector: labelSelector, pageSize: pageSize)
        for event in store.replace(with: list.items.map(transform)) { await handler(event) }
        state.withLock {
            $0.resourceVersion = list.resourceVersion
            $0.synced = true
        }
        await handler(.synced(resourceVersion: list.resourceVersion))
    }

    /// One watch from the last resourceVersion; true when it delivered anything.
    private func watchOnce(_ handler: @Sendable (InformerEvent) async -> Void) async throws(KubeError) -> Bool {
        state.withLock { $0.watches += 1 }
        // Like client-go: the server ends each watch after 5–10 minutes, spreading reconnects.
        let options = WatchOptions(resourceVersion: lastResourceVersion, allowBookmarks: true, timeoutSeconds: Int.random(in: 300...600),
                                   labelSelector: labelSelector)
        var delivered = false
        var events = client.watch(apiVersion: apiVersion, kind: kind, namespace: namespace, allNamespaces: namespace == nil, options: options)
            .makeAsyncIterator()
        while let event = try await events.next() {
            delivered = true
            if let version = event.resourceVersion { state.withLock { $0.resourceVersion = version } }
            let object = transform(event.object)
            switch event.type {
            case .added, .modified:
                let old = store.upsert(object)
                if let old {
                    if old.value(at: "metadata", "resourceVersion") == object.value(at: "metadata", "resourceVersion") { continue }
                    await handler(.modified(old: old, new: object))
                } else {
                    await handler(.added(object))
                }
            case .deleted:
                store.remove(object)
                await handler(.deleted(object))
            case .bookmark, .error:
                continue
            }
        }
        return delivered
    }
}
