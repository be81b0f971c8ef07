import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient
import Synchronization

/// `fabricsync-bench converge [--fabrics 100] [--members 20] [--concurrency 4] [--qps 50] [--burst 100]
/// [--drift-samples 10] [--large-fabrics 1000] [--skip-large]`
///
/// The controller's converge and steady-state cost (issue 7), each emulator a
/// `fabricsync emulator` child process on loopback so this process's CPU time
/// and peak RSS are the controller's alone:
/// converge from empty vs `kubectl apply --server-side` of the same files vs a
/// parallel flood of the same applies (the API's floor); one more full round
/// (requests by kind, CPU per member); drift revert latency under `run()`;
/// peak RSS converging 1,000 fabrics in a fresh child of this benchmark.
/// `--qps/--burst` default to the client's defaults, which `fabricsync run` uses.
@Sendable func runConvergeBenchmark(_ arguments: [String]) async throws {
    signal(SIGPIPE, SIG_IGN)
    let defaults = KubeClient.Options()
    var options = ["--fabrics": "100", "--members": "20", "--concurrency": "4", "--qps": String(defaults.qps), "--burst": String(defaults.burst),
                   "--drift-samples": "10", "--large-fabrics": "1000", "--large-qps": "1000000"]
    var flags: Set<String> = []
    var index = 0
    while index < arguments.count {
        let name = arguments[index]
        if ["--skip-large", "--rss-child", "--rss-cache-child", "--rss-source-child"].contains(name) {
            flags.insert(name)
            index += 1
            continue
        }
        guard options[name] != nil, index + 1 < arguments.count else { throw BenchmarkError("unknown option or missing value: \(name)") }
        options[name] = arguments[index + 1]
        index += 2
    }
    func int(_ name: String) throws -> Int {
        guard let value = Int(options[name]!), value > 0 else { throw BenchmarkError("\(name) wants a positive integer") }
        return value
    }
    let fabrics = try int("--fabrics"), members = try int("--members"), concurrency = try int("--concurrency")
    guard let qps = Double(options["--qps"]!), let largeQPS = Double(options["--large-qps"]!) else { throw BenchmarkError("--qps wants a number") }
    let clientOptions = KubeClient.Options(qps: qps, burst: try int("--burst"))
    if flags.contains("--rss-source-child") {
        try await sourceChild(fabrics: fabrics, members: members)
        return
    }
    if flags.contains("--rss-cache-child") {
        try await watchCacheChild(fabrics: fabrics, members: members)
        return
    }
    if flags.contains("--rss-child") {
        try await largeConvergeChild(fabrics: fabrics, members: members, concurrency: concurrency, clientOptions: clientOptions)
        return
    }

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-converge-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }  // best-effort cleanup of a temp folder
    try ConvergeFixtures.generate(at: root, fabrics: fabrics, members: members)
    let objects = fabrics * (members + 1)
    print("converge: \(fabrics) fabrics x \(members) members (\(objects) objects with the Fabrics), concurrency \(concurrency), "
        + "controller client qps \(qps) burst \(options["--burst"]!); emulators are child processes")
    var table = ResultTable()
    let clock = ContinuousClock()

    // 2. Converge from empty.
    let home = try ChildEmulator()
    defer { home.stop() }
    try await home.prepare()
    let bench = BenchController(server: home.url, folder: root.path, concurrency: concurrency, clientOptions: clientOptions)
    var start = clock.now
    let reports = await bench.controller.reconcileEveryFabricOnce()
    let ours = seconds(clock.now - start)
    let notReady = reports.filter { !$0.ready }
    print(String(format: "  controller converge: %.2f s, %d/%d fabrics Ready, requests %@", ours, reports.count - notReady.count, reports.count,
                 describe(bench.transport.snapshot)))
    for report in notReady.prefix(3) { print("    not ready: \(report.fabricID): \(report.message)") }

    // 3. kubectl on the same files.
    let kubectl = try await timeKubectl(root: root)
    print(String(format: "  kubectl apply --server-side: %.2f s", kubectl))

    // 4. The API's floor: the same applies, 16 at a time, as fast as the emulator takes them.
    let floor = try await timeFlood(root: root, tasks: 16)
    print(String(format: "  API floor (16 concurrent applies, keep-alive): %.2f s", floor))
    let floorAtConcurrency = try await timeFlood(root: root, tasks: concurrency)
    print(String(format: "  API floor at the controller's concurrency (%d concurrent applies): %.2f s", concurrency, floorAtConcurrency))
    table.add("converge wall time", String(format: "%.2f s", ours), "", true)
    table.add("  ours / kubectl", String(format: "%.2f (kubectl %.2f s)", ours / kubectl, kubectl), "<= 0.5", ours <= 0.5 * kubectl)
    table.add("  ours / API floor", String(format: "%.2f (floor %.2f s)", ours / floor, floor), "<= 1.5", ours <= 1.5 * floor)
    table.add("  fabrics Ready after converge", "\(reports.count - notReady.count)/\(fabrics)", "all", notReady.isEmpty)

    // 5. Steady state: one more full round on the converged cluster.
    bench.transport.reset()
    let cpuBefore = ProcessFigures.cpuSeconds()
    start = clock.now
    let round = await bench.controller.reconcileEveryFabricOnce()
    let roundWall = seconds(clock.now - start)
    let cpu = ProcessFigures.cpuSeconds() - cpuBefore
    let counts = bench.transport.snapshot
    let memberWrites = counts.filter { $0.key.hasPrefix("member") }.values.reduce(0, +)
    let statusPatches = counts["status patch"] ?? 0
    let reads = counts["get/list"] ?? 0
    let perMember = cpu / Double(fabrics * members) * 1000
    print(String(format: "  steady round: %.2f s wall, %.3f s CPU, requests %@, %d/%d Ready", roundWall, cpu, describe(counts),
                 round.filter(\.ready).count, round.count))
    table.add("steady: member writes", "\(memberWrites)", "0", memberWrites == 0)
    table.add("steady: status patches", "\(statusPatches)", "\(fabrics)", statusPatches == fabrics)
    table.add("steady: other writes (Fabric applies, Events)", "\((counts["fabric apply"] ?? 0) + (counts["event"] ?? 0))", "0",
              (counts["fabric apply"] ?? 0) + (counts["event"] ?? 0) == 0)
    table.add("steady: GETs/LISTs", "\(reads)", "0", reads == 0)
    table.add("steady: CPU per member", String(format: "%.3f ms", perMember), "< 1 ms", perMember < 1)

    // 6. Drift revert latency under the running controller.
    let drift = try await measureDrift(bench: bench, server: home.url, fabrics: fabrics, samples: try int("--drift-samples"))
    if drift.isEmpty {
        table.add("drift revert", "no sample reverted", "< 1 s", false)
    } else {
        let sorted = drift.sorted()
        let median = sorted[sorted.count / 2], worst = sorted.last!
        table.add("drift revert, median of \(sorted.count)", String(format: "%.0f ms", median * 1000), "< 1 s", median < 1)
        table.add("drift revert, max", String(format: "%.0f ms", worst * 1000), "< 1 s", worst < 1)
    }
    bench.cluster.close()

    // 7. Peak RSS converging the large set, in a fresh process (VmHWM never goes down).
    if !flags.contains("--skip-large") {
        let large = try int("--large-fabrics")
        let figures = try runLargeChild(["--rss-child", "--fabrics", "\(large)", "--members", "\(members)", "--concurrency", "\(concurrency)",
                                         "--qps", "\(largeQPS)", "--burst", "1000000"])
        print("  large: \(figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        let cache = try runLargeChild(["--rss-cache-child", "--fabrics", "\(large)", "--members", "\(members)"])
        print("  watch cache alone (informers over the same objects, no controller): "
            + cache.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        let source = try runLargeChild(["--rss-source-child", "--fabrics", "\(large)", "--members", "\(members)"])
        print("  source alone (the folder loaded, no cluster): " + source.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        let hwm = Double(figures["hwm_kib"].flatMap(Int.init) ?? -1) / 1024
        table.add("peak RSS, \(large) fabrics / \(large * members) objects", String(format: "%.1f MiB (%@ s, %@ Ready)", hwm, figures["seconds"] ?? "?",
                                                                                  figures["ready"] ?? "?"), "< 64 MiB", hwm > 0 && hwm < 64)
    }
    print(table.text)
}

/// Wall time of `kubectl apply --server-side --validate=false -R -f root` against a fresh emulator, discovery cache cleared first.
private func timeKubectl(root: URL) async throws -> Double {
    let emulator = try ChildEmulator()
    defer { emulator.stop() }
    try await emulator.prepare()
    let kubeconfig = root.deletingLastPathComponent().appendingPathComponent("fabricsync-bench-kubeconfig-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: kubeconfig) }  // best-effort cleanup of a temp file
    try emulator.writeKubeconfig(to: kubeconfig)
    let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".kube/cache")
    try? FileManager.default.removeItem(at: cache)  // absent is fine: the point is that kubectl starts with no discovery cache
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
    process.arguments = ["--kubeconfig", kubeconfig, "apply", "--server-side", "--validate=false", "-R", "-f", root.path]
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    let start = ContinuousClock.now
    try process.run()
    let errorText = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let wall = seconds(ContinuousClock.now - start)
    guard process.terminationStatus == 0 else {
        throw BenchmarkError("kubectl failed (\(process.terminationStatus)): \(String(decoding: errorText.prefix(2000), as: UTF8.self))")
    }
    return wall
}

/// Wall time of applying every document once, `tasks` at a time, through one unthrottled client.
private func timeFlood(root: URL, tasks: Int) async throws -> Double {
    let emulator = try ChildEmulator()
    defer { emulator.stop() }
    try await emulator.prepare()
    return try await flood(try ConvergeFixtures.documents(under: root), into: emulator.url, tasks: tasks)
}

private func flood(_ documents: [Value], into server: String, tasks: Int) async throws -> Double {
    let client = KubeClient(config: ClusterConfig(server: server), options: .init(qps: 1e9, burst: 1_000_000, maximumInFlight: 64))
    _ = try await client.resource(apiVersion: "v1", kind: "ConfigMap")  // discovery before the clock starts, as a warm client
    let next = FloodCursor()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                while true {
                    let index = next.take()
                    guard index < documents.count else { return }
                    _ = try await client.apply(documents[index], fieldManager: "bench-floor")
                }
            }
        }
        try await group.waitForAll()
    }
    return seconds(ContinuousClock.now - start)
}

private final class FloodCursor: Sendable {
    private let value = Mutex(0)
    func take() -> Int {
        value.withLock { current in
            defer { current += 1 }
            return current
        }
    }
}

/// Edits member 0 (a ConfigMap) of a fabric, one fabric after another, while `run()` runs, and times each until
/// a watch of our own sees the original value back.
private func measureDrift(bench: BenchController, server: String, fabrics: Int, samples: Int) async throws -> [Double] {
    let controller = bench.controller
    let loop = Task { await controller.run() }
    defer { loop.cancel() }
    // run() starts with a startup round of every fabric; drift is measured once it is done.
    let settle = ContinuousClock.now + .seconds(300)
    while await controller.totalReconciles < fabrics, ContinuousClock.now < settle { try await Task.sleep(for: .milliseconds(50)) }
    let client = KubeClient(config: ClusterConfig(server: server), options: .init(qps: 1e9, burst: 1_000_000))
    let watch = RevertWatch()
    let informer = Informer(client: client, apiVersion: "v1", kind: "ConfigMap", namespace: "default")
    let watching = Task { await informer.run { event in if case .modified(_, let new) = event { watch.saw(new) } } }
    defer { watching.cancel() }
    while !informer.hasSynced { try await Task.sleep(for: .milliseconds(10)) }
    var latencies: [Double] = []
    for sample in 0..<samples {
        let fabricIndex = sample % fabrics
        let name = ConvergeFixtures.memberName(fabric: ConvergeFixtures.fabricName(fabricIndex), index: 0)
        let start = ContinuousClock.now
        watch.expect(name: name, original: "ams-\(fabricIndex)")
        _ = try await client.mergePatch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: name,
                                        patch: ["data": ["site": .string("drifted-\(sample)")]])
        let deadline = start + .seconds(10)
        while watch.revertedAt == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        if let reverted = watch.revertedAt {
            latencies.append(seconds(reverted - start))
        } else {
            print("  drift sample \(sample) on \(name): not reverted within 10 s")
        }
        try await Task.sleep(for: .milliseconds(200))
    }
    return latencies
}

/// What the drift test waits for: the edited object seen drifted, then seen with its original value.
private final class RevertWatch: Sendable {
    private let state = Mutex<(name: String, original: String, drifted: Bool, reverted: ContinuousClock.Instant?)>(("", "", false, nil))

    func expect(name: String, original: String) { state.withLock { $0 = (name, original, false, nil) } }
    var revertedAt: ContinuousClock.Instant? { state.withLock { $0.reverted } }

    func saw(_ object: Value) {
        let now = ContinuousClock.now
        let name = object.value(at: "metadata", "name")?.stringValue
        let site = object.value(at: "data", "site")?.stringValue
        state.withLock { state in
            guard name == state.name, state.reverted == nil else { return }
            if site != state.original {
                state.drifted = true
            } else if state.drifted {
                state.reverted = now
            }
        }
    }
}

/// Runs this benchmark again as `--rss-child` and reads the `key=value` line it prints.
private func runLargeChild(_ arguments: [String]) throws -> [String: String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    process.arguments = ["converge"] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("rss-child ") }) else {
        throw BenchmarkError("the large phase printed no figures (exit \(process.terminationStatus)): \(text.suffix(2000))")
    }
    var figures: [String: String] = [:]
    for pair in line.split(separator: " ").dropFirst() {
        let parts = pair.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { figures[String(parts[0])] = String(parts[1]) }
    }
    return figures
}

/// The child side of `runLargeChild`: converge the large set from empty and report peak RSS.
private func largeConvergeChild(fabrics: Int, members: Int, concurrency: Int, clientOptions: KubeClient.Options) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-converge-large-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }  // best-effort cleanup of a temp folder
    try ConvergeFixtures.generate(at: root, fabrics: fabrics, members: members)
    let emulator = try ChildEmulator()
    defer { emulator.stop() }
    try await emulator.prepare()
    let before = ProcessFigures.statusKiB("VmHWM")
    let bench = BenchController(server: emulator.url, folder: root.path, concurrency: concurrency, clientOptions: clientOptions)
    let start = ContinuousClock.now
    let reports = await bench.controller.reconcileEveryFabricOnce()
    let wall = seconds(ContinuousClock.now - start)
    let hwm = ProcessFigures.statusKiB("VmHWM")
    let rss = ProcessFigures.statusKiB("VmRSS")
    bench.cluster.close()
    print(String(format: "rss-child hwm_kib=%d rss_kib=%d hwm_before_kib=%d seconds=%.1f ready=%d/%d", hwm, rss, before, wall,
                 reports.filter(\.ready).count, reports.count))
}

/// How much of the peak is the watch cache: the same objects written by a flood, then only informers over their kinds.
private func watchCacheChild(fabrics: Int, members: Int) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-converge-cache-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }  // best-effort cleanup of a temp folder
    try ConvergeFixtures.generate(at: root, fabrics: fabrics, members: members)
    let emulator = try ChildEmulator()
    defer { emulator.stop() }
    try await emulator.prepare()
    _ = try await flood(try ConvergeFixtures.documents(under: root), into: emulator.url, tasks: 16)
    let before = ProcessFigures.statusKiB("VmRSS")
    let client = KubeClient(config: ClusterConfig(server: emulator.url), options: .init(qps: 1e9, burst: 1_000_000))
    let kinds = [("v1", "ConfigMap"), ("wiring.githedgehog.com/v1beta1", "Switch"), ("wiring.githedgehog.com/v1beta1", "Server"),
                 ("wiring.githedgehog.com/v1beta1", "Connection"), ("wiring.githedgehog.com/v1alpha2", "Fabric")]
    let informers = kinds.map { Informer(client: client, apiVersion: $0.0, kind: $0.1) }
    let tasks = informers.map { informer in Task { await informer.run { _ in } } }
    while !informers.allSatisfy(\.hasSynced) { try await Task.sleep(for: .milliseconds(20)) }
    let cached = informers.map { $0.store.list().count }.reduce(0, +)
    let after = ProcessFigures.statusKiB("VmRSS")
    for task in tasks { task.cancel() }
    print("rss-child objects=\(cached) rss_before_kib=\(before) rss_after_kib=\(after) cache_kib=\(after - before) hwm_kib=\(ProcessFigures.statusKiB("VmHWM"))")
}

/// How much of the peak is the loaded source: the folder read and validated as the controller reads it.
private func sourceChild(fabrics: Int, members: Int) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-converge-source-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }  // best-effort cleanup of a temp folder
    try ConvergeFixtures.generate(at: root, fabrics: fabrics, members: members)
    let before = ProcessFigures.statusKiB("VmRSS")
    let loaded = try await FolderSource(root: root.path, options: SourceOptions(git: nil)).load()
    let after = ProcessFigures.statusKiB("VmRSS")
    print("rss-child fabrics=\(loaded.fabrics.count) issues=\(loaded.issues.count) rss_before_kib=\(before) rss_after_kib=\(after) "
        + "source_kib=\(after - before) hwm_kib=\(ProcessFigures.statusKiB("VmHWM"))")
}

private func describe(_ counts: [String: Int]) -> String {
    counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
}

private struct ResultTable {
    var rows: [(String, String, String, Bool?)] = []

    mutating func add(_ figure: String, _ value: String, _ goal: String, _ met: Bool) {
        rows.append((figure, value, goal, goal.isEmpty ? nil : met))
    }

    var text: String {
        let widths = [rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0, max(4, rows.map(\.2.count).max() ?? 0)]
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [pad("figure", widths[0]) + "  " + pad("value", widths[1]) + "  " + pad("goal", widths[2]) + "  result"]
        for (figure, value, goal, met) in rows {
            lines.append(pad(figure, widths[0]) + "  " + pad(value, widths[1]) + "  " + pad(goal, widths[2]) + "  " + (met.map { $0 ? "met" : "NOT MET" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
