import Foundation
import FabricValue
import HTTPServer

/// An in-process Kubernetes API server for tests and demos: the store behind
/// the real REST paths over real HTTP, faithful where controllers go wrong
/// (resourceVersion, generation, status subresource, server-side apply
/// ownership, watch resumption and 410, dry run, schema validation).
///
/// What it serves: discovery (legacy and aggregated), `/version` (v1.32.4),
/// `/openapi/v3`, Table responses, core kinds, leases, RBAC, Deployments,
/// PDBs, events.k8s.io Events and every CRD created. Request bodies are
/// JSON, YAML (apply) or protobuf for the few kinds `kubectl create` sends.
///
///     let emulator = try KubeEmulator()
///     let url = try await emulator.start()
///     try emulator.writeKubeconfig(to: "/tmp/kubeconfig")   // kubectl --kubeconfig /tmp/kubeconfig get ns
///     emulator.faults.failNext(2, status: 503)
///     await emulator.shutdown()
public final class KubeEmulator: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// When set, requests must carry `Authorization: Bearer <token>` (health endpoints excepted).
        public var bearerToken: String?
        /// `--state FILE`: loaded at start, written atomically after changes.
        public var stateFile: String?
        public var store: EmulatorStore.Configuration
        /// How often an idle watch with `allowWatchBookmarks` gets a BOOKMARK.
        public var bookmarkInterval: Duration
        /// A watch without `timeoutSeconds` ends after this long (the real API picks 30–60 minutes).
        public var defaultWatchTimeout: Duration

        public init(host: String = "127.0.0.1", port: Int = 0, bearerToken: String? = nil, stateFile: String? = nil,
                    store: EmulatorStore.Configuration = .init(), bookmarkInterval: Duration = .seconds(60),
                    defaultWatchTimeout: Duration = .seconds(1800)) {
            self.host = host
            self.port = port
            self.bearerToken = bearerToken
            self.stateFile = stateFile
            self.store = store
            self.bookmarkInterval = bookmarkInterval
            self.defaultWatchTimeout = defaultWatchTimeout
        }
    }

    public let configuration: Configuration
    public let store: EmulatorStore
    public let faults = FaultInjector()
    public let requests = RequestLog()
    private let server: HTTPServer
    private let persistence: StatePersistence?

    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        let store = EmulatorStore(configuration: configuration.store)
        self.store = store
        if let path = configuration.stateFile {
            let persistence = StatePersistence(path: path)
            try persistence.load(into: store)
            store.onChange = { [weak store, weak persistence] in
                if let store { persistence?.scheduleSave(store) }
            }
            self.persistence = persistence
        } else {
            persistence = nil
        }
        let host = configuration.host
        let portBox = PortBox()
        let api = EmulatorAPI(store: store, faults: faults, log: requests, bearerToken: configuration.bearerToken,
                              bookmarkInterval: configuration.bookmarkInterval, defaultWatchTimeout: configuration.defaultWatchTimeout,
                              serverAddress: { "\(host):\(portBox.port)" })
        var router = Router()
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
            for pattern in ["/{path...}"] {
                router.add(method, pattern, bodyLimit: EmulatorAPI.maximumBodyBytes + 1) { request in await api.handle(request) }
            }
        }
        server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: configuration.port), router: router)
        self.portBox = portBox
    }

    private let portBox: PortBox

    /// Starts listening; returns the base URL (`http://127.0.0.1:PORT`).
    @discardableResult
    public func start() async throws -> URL {
        let port = try await server.start()
        portBox.port = port
        return url
    }

    public var port: Int { server.port }

    public var url: URL { URL(string: "http://\(urlHost):\(server.port)")! }

    private var urlHost: String { configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host }

    /// Stops the server and writes the state file one last time.
    public func shutdown() async {
        store.dropAllWatches()
        await server.shutdown(grace: .seconds(2))
        if let persistence {
            do {
                try persistence.flush(store)
            } catch {
                FileHandle.standardError.write(Data("kube emulator: could not save state to \(persistence.path): \(error)\n".utf8))
            }
        }
    }

    /// Closes every open watch stream (clients see the stream end and must re-watch).
    public func dropWatchStreams() { store.dropAllWatches() }

    /// The next `count` watch requests get 410 Expired, whatever their resourceVersion.
    public func expireNextWatches(_ count: Int = 1) { store.expireNextWatches(count) }

    /// Writes a kubeconfig whose current context points at this emulator.
    public func writeKubeconfig(to path: String, namespace: String = "default") throws {
        let user = configuration.bearerToken.map { "    token: \(quoted($0))\n" } ?? "    {}\n"
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fabricsync-emulator
          cluster:
            server: \(url.absoluteString)
        contexts:
        - name: fabricsync-emulator
          context:
            cluster: fabricsync-emulator
            user: fabricsync-emulator
            namespace: \(namespace)
        current-context: fabricsync-emulator
        users:
        - name: fabricsync-emulator
          user:
        \(user)
        """
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }
}

/// The bound port, known only after start, read by discovery's serverAddress.
private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var port: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
