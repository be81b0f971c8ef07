import FabricValue
import Foundation
import KubeClient
import KubeEmulator

/// `fabricsync-bench client [--requests 2000] [--concurrency 16] [--changes 20000]`
///
/// The Kubernetes client against the in-process emulator over loopback HTTP:
/// sequential GET latency on one kept-alive connection (next to the curl
/// program fetching the same URL as many times in one process), concurrent
/// GET throughput, and how fast an informer takes in a burst of changes.
@Sendable func runClientBenchmark(_ arguments: [String]) async throws {
    var options = ["--requests": "2000", "--concurrency": "16", "--changes": "20000"]
    var index = 0
    while index + 1 < arguments.count {
        guard options[arguments[index]] != nil else { throw BenchmarkError("unknown option \(arguments[index])") }
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    guard index == arguments.count else { throw BenchmarkError("option \(arguments[index]) needs a value") }
    let requests = Int(options["--requests"]!) ?? 2000
    let concurrency = max(1, Int(options["--concurrency"]!) ?? 16)
    let changes = Int(options["--changes"]!) ?? 20000

    let emulator = try KubeEmulator(configuration: .init(store: .init(historyLimit: changes + 1000, watcherCapacity: changes + 1000)))
    let url = try await emulator.start()
    defer { Task { await emulator.shutdown() } }
    let client = KubeClient(config: ClusterConfig(server: url.absoluteString, namespace: "default"),
                            options: KubeClient.Options(qps: 1e9, burst: 1_000_000, maximumInFlight: 1024))
    _ = try await client.apply(configMap("bench", value: "x"))

    // 1. Sequential GETs.
    var latencies: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<requests {
        let start = clock.now
        _ = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "bench")
        latencies.append(milliseconds(clock.now - start))
    }
    latencies.sort()
    let total = latencies.reduce(0, +)
    print(String(format: "sequential GET x%d: p50 %.3f ms  p99 %.3f ms  %.0f req/s", requests, percentile(latencies, 0.5), percentile(latencies, 0.99),
                 Double(requests) / (total / 1000)))
    let getURL = url.absoluteString + "/api/v1/namespaces/default/configmaps/bench"
    let curlStart = clock.now
    let curl = Process()
    curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    curl.arguments = ["-s"] + Array(repeating: ["-o", "/dev/null", getURL], count: requests).flatMap { $0 }
    try curl.run()
    curl.waitUntilExit()
    let curlSeconds = milliseconds(clock.now - curlStart) / 1000
    print(String(format: "curl program, same %d GETs in one process: %.0f req/s (ours/curl %.2f)", requests, Double(requests) / curlSeconds,
                 (Double(requests) / (total / 1000)) / (Double(requests) / curlSeconds)))

    // 2. Concurrent GETs.
    let concurrentStart = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                for _ in 0..<(requests / concurrency) { _ = try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "bench") }
            }
        }
        try await group.waitForAll()
    }
    let concurrentSeconds = milliseconds(clock.now - concurrentStart) / 1000
    print(String(format: "concurrent GET, %d tasks: %.0f req/s", concurrency, Double(requests / concurrency * concurrency) / concurrentSeconds))

    // 3. An informer taking in a burst of changes written into the store.
    let informer = Informer(client: client, apiVersion: "v1", kind: "ConfigMap", namespace: "default")
    let seen = Counter()
    let task = Task { await informer.run { event in if case .modified = event { seen.add() } } }
    while !informer.hasSynced { try await Task.sleep(for: .milliseconds(5)) }
    let type = emulator.store.resourceType(apiVersion: "v1", kind: "ConfigMap")!
    let burstStart = clock.now
    for change in 0..<changes {
        _ = try emulator.store.patch(type, namespace: "default", name: "bench",
                                     patch: .object(Object([("data", .object(Object([("v", .string(String(change)))])))])),
                                     patchType: .merge, options: WriteOptions())
    }
    let written = milliseconds(clock.now - burstStart) / 1000
    while seen.value < changes { try await Task.sleep(for: .milliseconds(2)) }
    let observed = milliseconds(clock.now - burstStart) / 1000
    task.cancel()
    print(String(format: "informer: %d changes written in %.2f s, all observed after %.2f s: %.0f events/s", changes, written, observed,
                 Double(changes) / observed))
}

private func configMap(_ name: String, value: String) -> Value {
    .object(Object([("apiVersion", "v1"), ("kind", "ConfigMap"),
                    ("metadata", .object(Object([("name", .string(name)), ("namespace", "default")]))),
                    ("data", .object(Object([("v", .string(value))])))]))
}

private func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
