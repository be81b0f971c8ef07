import FabricValue

/// What the notification server needs from the controller, kept small so the
/// controller never depends on the server (the implementation lives beside
/// the controller, in `ControllerDirectory`).
public protocol FabricDirectory: Sendable {
    /// Every fabric the controller knows, sorted by id.
    func fabrics() async -> [FabricSummary]
    /// Queues a manual reconcile; false when the fabric is unknown.
    func requestSync(_ fabricID: String) async -> Bool
    /// Fetches the source now (the push-webhook target).
    func refreshSource() async
    /// The first round of reconciles has been attempted.
    func isReady() async -> Bool
    /// Figures for `/metrics` that only the controller knows.
    func controllerMetrics() async -> ControllerMetrics
}

/// One fabric as the REST API and the `fabric_status` snapshot show it.
public struct FabricSummary: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var syncStatus: String
    public var ready: Bool
    public var lastSyncTime: String?
    public var revision: String?
    /// The Fabric's status object, camelCase as in Kubernetes.
    public var status: Value

    public init(namespace: String, name: String, syncStatus: String, ready: Bool, lastSyncTime: String?, revision: String?, status: Value) {
        self.namespace = namespace
        self.name = name
        self.syncStatus = syncStatus
        self.ready = ready
        self.lastSyncTime = lastSyncTime
        self.revision = revision
        self.status = status
    }

    public var fabricID: String { "\(namespace)/\(name)" }

    /// The REST item: `{fabric_id, namespace, name, sync_status, ready, last_sync_time, revision, status}`.
    public var restItem: Value {
        [
            "fabric_id": .string(fabricID), "namespace": .string(namespace), "name": .string(name),
            "sync_status": .string(syncStatus), "ready": .bool(ready),
            "last_sync_time": lastSyncTime.map(Value.string) ?? .null, "revision": revision.map(Value.string) ?? .null,
            "status": status,
        ]
    }

    /// The `data` of a `fabric_status` snapshot.
    public var snapshotData: Value {
        ["sync_status": .string(syncStatus), "ready": .bool(ready), "status": status]
    }
}

/// Controller figures for Prometheus; nil where the controller cannot tell.
public struct ControllerMetrics: Sendable, Equatable {
    public var queueDepth: Int
    public var reconcilesTotal: Int
    public var watchRestarts: Int?
    /// Kubernetes API requests by verb and HTTP code, when the client counts them.
    public var apiRequests: [APIRequestCount]

    public init(queueDepth: Int = 0, reconcilesTotal: Int = 0, watchRestarts: Int? = nil, apiRequests: [APIRequestCount] = []) {
        self.queueDepth = queueDepth
        self.reconcilesTotal = reconcilesTotal
        self.watchRestarts = watchRestarts
        self.apiRequests = apiRequests
    }
}

public struct APIRequestCount: Sendable, Equatable {
    public var verb: String
    public var code: Int
    public var count: Int
    public init(verb: String, code: Int, count: Int) {
        self.verb = verb
        self.code = code
        self.count = count
    }
}
