import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient
import KubeEmulator

/// `fabricsync-bench targets [--rounds N] [--members N] [--fabrics N] [--crds DIR]`:
/// reconcile latency of healthy fabrics (half in the controller's cluster,
/// half in a healthy target) on their own, then while a third target hangs
/// and its fabric's reconciles run over and over, waiting out timeouts. The
/// claim: a hung target does not slow the other fabrics (goal: within 10%).
@Sendable func runTargetsBenchmark(_ arguments: [String]) async throws {
    func option(_ name: String, _ fallback: String) -> String {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
        return arguments[index + 1]
    }
    let rounds = Int(option("--rounds", "20")) ?? 20
    let members = Int(option("--members", "50")) ?? 50
    let fabricCount = Int(option("--fabrics", "4")) ?? 4
    let crds = option("--crds", "manifests/crds")
    let namespace = "hedgehog-system"

    var emulators: [KubeEmulator] = []
    var clients: [KubeClient] = []
    for _ in 0..<3 {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        try emulator.applyManifests(in: crds)
        // Rate limits high enough that the benchmark measures reconciles, not the client's limiter.
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString), options: KubeClient.Options(qps: 5_000, burst: 5_000))
        for name in [namespace, "default"] { _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]) }
        emulators.append(emulator)
        clients.append(client)
    }
    let (healthy, hung) = (emulators[1], emulators[2])
    for (index, target) in [(1, healthy), (2, hung)] {
        let kubeconfig = #"{"apiVersion":"v1","kind":"Config","clusters":[{"name":"t","cluster":{"server":"\#(target.url.absoluteString)"}}],"users":[{"name":"u","user":{}}],"contexts":[{"name":"c","context":{"cluster":"t","user":"u"}}],"current-context":"c"}"#
        _ = try await clients[0].apply(["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string("target-\(index)"), "namespace": .string(namespace)],
                                        "data": ["value": .string(Data(kubeconfig.utf8).base64EncodedString())]])
    }

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-targets-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }  // a temp folder; a leftover is harmless
    func writeSource(round: Int) throws {
        var fabrics: [(String, String?)] = (0..<fabricCount).map { ("f\($0)", $0 % 2 == 0 ? nil : "target-1") }
        fabrics.append(("hung", "target-2"))
        for (name, secret) in fabrics {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let cluster = secret.map { "  cluster:\n    kubeConfigSecretRef:\n      name: \($0)\n" } ?? ""
            let fabric = "apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Fabric\nmetadata:\n  name: \(name)\n  namespace: \(namespace)\n"
                + "spec:\n  asn: 65000\n  spineCount: 0\n  leafCount: 1\n  sync:\n    enabled: true\n    interval: 0\n    prune: true\n    targetNamespace: default\n" + cluster
            try Data(fabric.utf8).write(to: folder.appendingPathComponent("fabric.yaml"))
            let documents = (0..<members).map { "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)-\($0)\ndata:\n  round: \"\(round)\"\n" }
            try Data(documents.joined(separator: "---\n").utf8).write(to: folder.appendingPathComponent("members.yaml"))
        }
    }

    let cluster = KubeCluster(client: clients[0])
    cluster.watch(apiVersion: Fabric.apiVersion, kind: Fabric.kind)
    cluster.watch(apiVersion: "v1", kind: "Secret")
    let targetOptions = KubeClient.Options(qps: 5_000, burst: 5_000, retry: RetryPolicy(maximumAttempts: 2, initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200)),
                                           requestTimeout: .seconds(5))
    let targets = TargetClusters(home: cluster, options: .init(client: targetOptions, probeTimeout: .seconds(2)))
    let reconciler = Reconciler(home: cluster, options: Reconciler.Options(), notifier: Notifier(hub: nil), target: { await targets.resolve($0) })

    func requests(round: Int) throws -> (healthy: [ReconcileRequest], hung: ReconcileRequest) {
        try writeSource(round: round)
        let source = try SourceLoader.load(root: root.path)
        let all = source.fabrics.map { ReconcileRequest(source: $0, revision: source.revision, trigger: .interval) }
        return (all.filter { $0.source.fabric.name != "hung" }, all.first { $0.source.fabric.name == "hung" }!)
    }

    /// Reconciles the healthy fabrics together, `rounds` times, each round an update of every member; per-fabric latencies in ms.
    func measure(from firstRound: Int, alsoReconcilingHung: Bool) async throws -> [Double] {
        var latencies: [Double] = []
        for round in firstRound..<(firstRound + rounds) {
            let (healthyRequests, hungRequest) = try requests(round: round)
            let reports = await withTaskGroup(of: ReconcileReport?.self) { group -> [ReconcileReport] in
                for request in healthyRequests { group.addTask { await reconciler.reconcile(request) } }
                if alsoReconcilingHung { group.addTask { _ = await reconciler.reconcile(hungRequest); return nil } }
                var reports: [ReconcileReport] = []
                for await report in group { if let report { reports.append(report) } }
                return reports
            }
            for report in reports {
                guard report.ready else { throw BenchFailure("\(report.fabricID) failed: \(report.message)") }
                latencies.append(Double(report.duration.components.attoseconds) / 1e15 + Double(report.duration.components.seconds) * 1000)
            }
        }
        return latencies
    }

    print("targets: \(fabricCount) healthy fabrics (\((fabricCount + 1) / 2) in the controller's cluster, \(fabricCount / 2) in a target), \(members) members each, \(rounds) rounds")
    _ = try await measure(from: 0, alsoReconcilingHung: true)  // warm-up: creates, caches, connections
    // The baseline leaves the third fabric alone, so the comparison isolates what a hung reconcile in flight costs the others.
    let baseline = try await measure(from: 1_000, alsoReconcilingHung: false)
    hung.faults.delayResponses(by: .seconds(60))
    let hungRequest = try requests(round: 10_000).hung
    let hangingTask = Task {
        var first = true
        while !Task.isCancelled {
            let report = await reconciler.reconcile(hungRequest)
            if first { print("hung fabric: \(report.syncStatus.rawValue), \(report.outcome.reason) after \(report.duration)") }
            first = false
            // The controller backs a failing fabric off (1 s doubling); retrying at the shortest backoff is the worst case.
            do { try await Task.sleep(for: .seconds(1)) } catch { break }
        }
    }
    let withHung = try await measure(from: 2_000, alsoReconcilingHung: false)
    hangingTask.cancel()
    hung.faults.clearDelays()

    func summary(_ values: [Double]) -> (median: Double, p95: Double) {
        let sorted = values.sorted()
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))])
    }
    let (baseMedian, baseP95) = summary(baseline)
    let (hungMedian, hungP95) = summary(withHung)
    print(String(format: "no hung target:        median %.1f ms, p95 %.1f ms per healthy fabric reconcile", baseMedian, baseP95))
    print(String(format: "one target hung:       median %.1f ms, p95 %.1f ms per healthy fabric reconcile", hungMedian, hungP95))
    print(String(format: "median change: %+.1f%% (goal: within 10%%)", (hungMedian / baseMedian - 1) * 100))
    targets.closeAll()
    cluster.close()
    for emulator in emulators { await emulator.shutdown() }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
