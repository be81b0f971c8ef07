import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient
import KubeEmulator
import Notifications
import XCTest

/// A home emulator (Fabrics, status, Events, kubeconfig Secrets) and target
/// emulators on loopback, a source folder, and a controller wired as
/// `fabricsync run` wires it, with its log lines and notifications captured.
final class TargetTestBed: @unchecked Sendable {
    static let namespace = "hedgehog-system"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let quickRetries = RetryPolicy(maximumAttempts: 2, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200))

    let home: KubeEmulator
    let homeClient: KubeClient
    let targets: [KubeEmulator]
    let targetClients: [KubeClient]
    let source: URL
    let homeCluster: KubeCluster
    let targetClusters: TargetClusters
    let controller: Controller
    let hub: EventHub
    let notifications = Collector()
    let logLines = Collector()
    private var loop: Task<Void, Never>?

    /// - Parameter tokens: one target emulator per entry, requiring that bearer token (nil: none).
    init(tokens: [String?], requestTimeout: Duration = .seconds(3), dryRun: Bool = false) async throws {
        home = try KubeEmulator()
        let homeURL = try await home.start()
        try home.applyManifests(in: Self.repository.appendingPathComponent("manifests/crds").path)
        let clientOptions = KubeClient.Options(retry: Self.quickRetries, requestTimeout: requestTimeout)
        homeClient = KubeClient(config: ClusterConfig(server: homeURL.absoluteString), options: clientOptions)
        var targets: [KubeEmulator] = []
        var targetClients: [KubeClient] = []
        for token in tokens {
            let target = try KubeEmulator(configuration: .init(bearerToken: token))
            let url = try await target.start()
            try target.applyManifests(in: Self.repository.appendingPathComponent("manifests/crds").path)
            targets.append(target)
            targetClients.append(KubeClient(config: ClusterConfig(server: url.absoluteString, credentials: token.map(Credentials.token) ?? .none),
                                            options: clientOptions))
        }
        self.targets = targets
        self.targetClients = targetClients
        for client in [homeClient] + targetClients {
            for namespace in [Self.namespace, "default"] {
                _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            }
        }
        for emulator in [home] + targets { emulator.requests.reset() }  // tests count only what the controller does
        source = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-targets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)

        let relay = ChangeRelay()
        homeCluster = KubeCluster(client: homeClient) { relay.forward($0) }
        targetClusters = TargetClusters(home: homeCluster, options: .init(client: clientOptions, probeTimeout: .seconds(1))) { relay.forward($0) }
        hub = EventHub(replayCapacity: 10_000, now: { Date().timeIntervalSince1970 })
        var subscriptions = Subscriptions()
        subscriptions.apply(.subscribe(.all))
        _ = hub.connect(notifications, subscriptions: subscriptions)
        let targetClusters = self.targetClusters
        var reconcilerOptions = Reconciler.Options()
        reconcilerOptions.dryRun = dryRun
        let reconciler = Reconciler(home: homeCluster, options: reconcilerOptions, notifier: Notifier(hub: hub),
                                    target: { await targetClusters.resolve($0) })
        var configuration = Controller.Configuration()
        configuration.sourcePollInterval = .milliseconds(200)
        configuration.reconciler = reconcilerOptions
        let logLines = self.logLines
        controller = Controller(configuration: configuration, source: FolderSource(root: source.path), home: homeCluster, reconciler: reconciler,
                                log: ControllerLog(format: .json, write: { logLines.append($0) }))
        relay.attach(controller)
        relay.attach(targetClusters)
        homeCluster.watch(apiVersion: Fabric.apiVersion, kind: Fabric.kind)
        homeCluster.watch(apiVersion: "v1", kind: "Secret")
    }

    /// Runs the controller's loop (watches, triggers, retries) until `stop`.
    func startLoop() {
        let controller = self.controller
        loop = Task { await controller.run() }
    }

    func stop() async {
        loop?.cancel()
        await controller.drain(grace: .seconds(5))
        targetClusters.closeAll()
        homeCluster.close()
        for target in targets { await target.shutdown() }
        await home.shutdown()
        try? FileManager.default.removeItem(at: source)  // a temp folder; a leftover is harmless
    }

    // MARK: - Source

    /// Writes `<source>/<name>/fabric.yaml` and its ConfigMap members (name → data).
    func writeFabric(_ name: String, secret: String? = nil, key: String? = nil, members: [String: [String: String]]) throws {
        let folder = source.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cluster = ""
        if let secret {
            cluster = "  cluster:\n    kubeConfigSecretRef:\n      name: \(secret)\n" + (key.map { "      key: \($0)\n" } ?? "")
        }
        let fabric = """
        apiVersion: wiring.githedgehog.com/v1alpha2
        kind: Fabric
        metadata:
          name: \(name)
          namespace: \(Self.namespace)
        spec:
          asn: 65000
          spineCount: 0
          leafCount: 1
          sync:
            enabled: true
            interval: 0
            prune: true
            targetNamespace: default

        """ + cluster
        try Data(fabric.utf8).write(to: folder.appendingPathComponent("fabric.yaml"))
        let documents = members.keys.sorted().map { member -> String in
            let data = members[member]!.keys.sorted().map { "  \($0): \(JSONWriter.string(.string(members[member]![$0]!)))" }.joined(separator: "\n")
            return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(member)\ndata:\n\(data)\n"
        }
        try Data(documents.joined(separator: "---\n").utf8).write(to: folder.appendingPathComponent("members.yaml"))
    }

    // MARK: - Secrets

    /// A kubeconfig for target `index` (0-based) with `token`, as JSON (which is YAML).
    func kubeconfig(target index: Int, token: String?, comment: String = "") -> String {
        var user = Object()
        if let token { user["token"] = .string(token) }
        let config: Value = .object(Object([
            ("apiVersion", "v1"), ("kind", "Config"),
            ("clusters", [["name": "target", "cluster": ["server": .string(targets[index].url.absoluteString)]]]),
            ("users", [["name": "fabricsync", "user": .object(user)]]),
            ("contexts", [["name": "target", "context": ["cluster": "target", "user": "fabricsync"]]]),
            ("current-context", "target"),
        ]))
        return JSONWriter.string(config, pretty: true) + comment
    }

    func putSecret(_ name: String, key: String = "value", kubeconfig: String) async throws {
        let secret: Value = .object(Object([
            ("apiVersion", "v1"), ("kind", "Secret"),
            ("metadata", ["name": .string(name), "namespace": .string(Self.namespace)]),
            ("type", "Opaque"),
            ("data", .object(Object([(key, .string(Data(kubeconfig.utf8).base64EncodedString()))]))),
        ]))
        _ = try await homeClient.apply(secret)
        // The controller reads Secrets from its watch cache; wait until the cache holds this one, as a watch-triggered run would.
        let written = secret["data"]
        try await eventually("the home cache holds Secret \(name)") {
            try await homeCluster.secret(namespace: Self.namespace, name: name)?["data"] == written
        }
    }

    // MARK: - Reading the clusters

    func configMap(_ name: String, in client: KubeClient) async throws -> Value? {
        try await client.getIfPresent(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: name)
    }

    func fabricStatus(_ name: String) async throws -> Value? {
        try await homeClient.getIfPresent(apiVersion: Fabric.apiVersion, kind: Fabric.kind, namespace: Self.namespace, name: name)?["status"]
    }

    func readyReason(_ name: String) async throws -> String? {
        let conditions = try await fabricStatus(name)?["conditions"]?.arrayValue ?? []
        return conditions.first { $0["type"] == "Ready" }?["reason"]?.stringValue
    }

    func readyMessage(_ name: String) async throws -> String? {
        let conditions = try await fabricStatus(name)?["conditions"]?.arrayValue ?? []
        return conditions.first { $0["type"] == "Ready" }?["message"]?.stringValue
    }

    func syncStatus(_ name: String) async throws -> String? {
        try await fabricStatus(name)?["syncStatus"]?.stringValue
    }

    /// Every Event the home cluster holds, as JSON text.
    func eventsText() async throws -> String {
        let events = try await homeClient.list(apiVersion: "v1", kind: "Event", allNamespaces: true)
        return JSONWriter.string(.array(events.items))
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` (a generous bound against hangs) passes.
    func eventually(_ what: String, timeout: Duration = .seconds(30), file: StaticString = #filePath, line: UInt = #line,
                    _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("timed out waiting for: \(what)", file: file, line: line)
        throw CancellationError()
    }
}

/// Lines (log lines, encoded notifications) kept for inspection.
final class Collector: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
    var text: String { all.joined(separator: "\n") }

    func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool {
        append(String(decoding: encoded, as: UTF8.self))
        return true
    }

    func overflowed() {}
}
