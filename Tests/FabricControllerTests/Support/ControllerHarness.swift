import FabricController
import FabricDiff
import FabricSource
import FabricValue
import Foundation
import KubeClient
import KubeEmulator
import Notifications
import Synchronization
import XCTest

/// A real emulator on loopback with the project's CRDs, a source folder in a
/// temp directory, and a controller over a real `KubeClient` — the pieces the
/// product runs with, nothing faked.
final class ControllerHarness: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let emulator: KubeEmulator
    let client: KubeClient
    let cluster: KubeCluster
    let hub: EventHub
    let folder: URL
    let controller: Controller
    let reconciler: Reconciler
    let log = LogSink()

    final class LogSink: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }
    private let relay: ChangeRelay


    /// - Parameter source: where the controller reads from; nil: the harness's temp folder.
    init(files: [String: String], driftPolicy: DriftPolicy = .correct, dryRun: Bool = false, pollInterval: Duration = .milliseconds(100),
         source: (any SourceProvider)? = nil) async throws {
        emulator = try KubeEmulator()
        let url = try await emulator.start()
        try emulator.applyManifests(in: Self.packageRoot.appendingPathComponent("manifests/crds").path)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-controller-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "hedgehog-system"]])
        let relay = ChangeRelay()
        self.relay = relay
        cluster = KubeCluster(client: client) { relay.forward($0) }
        hub = EventHub(replayCapacity: 10_000, now: { Date().timeIntervalSince1970 })
        var options = Reconciler.Options()
        options.driftPolicy = driftPolicy
        options.dryRun = dryRun
        let cluster = self.cluster
        reconciler = Reconciler(home: cluster, options: options, notifier: Notifier(hub: hub), target: { _ in .cluster(cluster) })
        var configuration = Controller.Configuration()
        configuration.reconciler = options
        configuration.sourcePollInterval = pollInterval
        let sink = log
        controller = Controller(configuration: configuration, source: source ?? FolderSource(root: folder.path, options: SourceOptions(git: nil)), home: cluster,
                                reconciler: reconciler, log: ControllerLog(write: { line in sink.lines.withLock { $0.append(line) } }))
        relay.attach(controller)
        cluster.watch(apiVersion: Fabric.apiVersion, kind: Fabric.kind)
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(at: folder.appendingPathComponent(path)) }

    /// One reconcile of every fabric, by fabric id.
    func reconcileOnce() async -> [String: ReconcileReport] {
        let reports = await controller.reconcileEveryFabricOnce()
        return Dictionary(uniqueKeysWithValues: reports.map { ($0.fabricID, $0) })
    }

    func fabric(_ name: String, namespace: String = "hedgehog-system") async throws -> Value {
        try await client.get(apiVersion: Fabric.apiVersion, kind: Fabric.kind, namespace: namespace, name: name)
    }

    func object(_ apiVersion: String, _ kind: String, _ name: String, namespace: String? = "default") async throws -> Value? {
        try await client.getIfPresent(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    func events(namespace: String = "hedgehog-system") async throws -> [Value] {
        try await client.list(apiVersion: "v1", kind: "Event", namespace: namespace).items
    }

    /// Runs the controller's loop while `body` runs.
    func whileRunning(_ body: () async throws -> Void) async rethrows {
        let controller = self.controller
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        try await body()
    }

    /// Polls `condition` until it holds (an error counts as "not yet"); the
    /// timeout only guards against hangs.
    func eventually(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if try await condition() { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("timed out waiting for: \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
    }

    func shutdown() async {
        cluster.close()
        await emulator.shutdown()
        try? FileManager.default.removeItem(at: folder)  // best-effort cleanup of a temp folder
    }
}

/// Small, schema-valid fabrics for the tests.
enum Fixtures {
    static func fabric(_ name: String, interval: Int = 300, prune: Bool = true, allowEmpty: Bool = false, enabled: Bool = true) -> String {
        """
        apiVersion: wiring.githedgehog.com/v1alpha2
        kind: Fabric
        metadata:
          name: \(name)
          namespace: hedgehog-system
        spec:
          asn: 65000
          spineCount: 0
          leafCount: 1
          sync:
            enabled: \(enabled)
            interval: \(interval)
            prune: \(prune)
            allowEmpty: \(allowEmpty)
        """
    }

    static func configMap(_ name: String, _ data: [String: String]) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\ndata:\n" + data.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"\n" }.joined()
    }

    static func switchObject(_ name: String, description: String = "a leaf") -> String {
        """
        apiVersion: wiring.githedgehog.com/v1beta1
        kind: Switch
        metadata:
          name: \(name)
        spec:
          role: server-leaf
          description: \(description)
          asn: 65101
          ip: 172.30.0.11/21
          protocolIP: 172.30.8.1/32
          vtepIP: 172.30.12.1/32
          boot:
            serial: SN-\(name)
        """
    }

    static func join(_ documents: String...) -> String { documents.joined(separator: "\n---\n") }
}
