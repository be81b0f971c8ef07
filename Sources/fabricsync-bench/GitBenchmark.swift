import Foundation
import GitSource

/// `fabricsync-bench git [--files N] [--rounds N]`: a repository of N fabric
/// YAML files in folders (5,000 by default) behind a `file://` remote; one
/// first sync (the shallow clone and checkout), then `sync()` again and again
/// while nothing changed (ls-remote, work tree restored and cleaned), then one
/// sync after a one-file commit. The claim: a no-change sync under 2 s.
@Sendable func runGitBenchmark(_ arguments: [String]) async throws {
    let files = Int(value(of: "--files", in: arguments) ?? "") ?? 5_000
    let rounds = Int(value(of: "--rounds", in: arguments) ?? "") ?? 20
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fabricsync-bench-git-\(UUID().uuidString.prefix(8))").path
    defer { try? FileManager.default.removeItem(atPath: root) } // deliberate: a leftover temp folder is not worth failing the run
    let work = root + "/work"
    let bare = root + "/remote.git"

    var clock = ContinuousClock.now
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    for index in 0..<files {
        let folder = "\(work)/fabrics/dc\(index % 10)/\(["switches", "servers", "connections", "vpcs"][index % 4])"
        if index < 40 { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try Data(benchmarkYAML(index).utf8).write(to: URL(fileURLWithPath: "\(folder)/object-\(index).yaml"))
    }
    let git = ProcessGitRunner()
    func run(_ arguments: [String]) async throws {
        let output = try await git.run(GitInvocation(arguments, directory: work, timeout: .seconds(300)))
        guard output.succeeded else { throw GitSourceError(.fetchFailed, "git \(arguments.joined(separator: " ")): \(output.standardError)") }
    }
    let identity = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    try await run(["init", "--quiet", "--initial-branch=main", "."])
    try await run(["add", "--all"])
    try await run(identity + ["commit", "--quiet", "-m", "\(files) fabric objects"])
    try await run(["init", "--quiet", "--bare", bare])
    try await run(["push", "--quiet", bare, "main"])
    print("repository: \(files) YAML files, built and pushed in \(Int(milliseconds(since: clock))) ms")

    let source = try GitRepositorySource(url: "file://\(bare)", ref: "main", path: "fabrics", cacheDirectory: root + "/cache")
    clock = .now
    let first = try await source.sync()
    print("first sync (shallow fetch + checkout): \(Int(milliseconds(since: clock))) ms  \(first.revision)")

    var samples: [Double] = []
    for _ in 0..<rounds {
        clock = .now
        let again = try await source.sync()
        samples.append(milliseconds(since: clock))
        guard !again.changed, again.commit == first.commit else { throw GitSourceError(.checkoutFailed, "the no-change sync moved") }
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let figures = String(format: "median %.1f ms, min %.1f ms, max %.1f ms", median, samples.first ?? 0, samples.last ?? 0)
    print("no-change sync: \(figures) over \(rounds) rounds (goal < 2000 ms) \(median < 2000 ? "PASS" : "FAIL")")

    try Data(benchmarkYAML(1, asn: 65999).utf8).write(to: URL(fileURLWithPath: "\(work)/fabrics/dc1/servers/object-1.yaml"))
    try await run(["add", "--all"])
    try await run(identity + ["commit", "--quiet", "-m", "one change"])
    try await run(["push", "--quiet", bare, "main"])
    clock = .now
    let moved = try await source.sync()
    print("sync after a one-file commit (fetch + new work tree): \(Int(milliseconds(since: clock))) ms  changed=\(moved.changed)")
}

private func value(of option: String, in arguments: [String]) -> String? {
    arguments.firstIndex(of: option).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

private func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

private func benchmarkYAML(_ index: Int, asn: Int = 65100) -> String {
    """
    apiVersion: wiring.githedgehog.com/v1beta1
    kind: Switch
    metadata:
      name: leaf-\(index)
      namespace: default
      labels:
        fabric.githedgehog.com/rack: rack-\(index % 48)
    spec:
      role: server-leaf
      description: leaf \(index) of the benchmark fabric
      asn: \(asn + index % 1000)
      ip: 172.30.\(index / 250 % 250).\(index % 250 + 1)/32
      protocolIP: 172.31.\(index / 250 % 250).\(index % 250 + 1)/32
      vtepIP: 172.32.\(index / 250 % 250).\(index % 250 + 1)/32
      boot:
        mac: 0c:20:12:fe:\(String(format: "%02x:%02x", index / 256 % 256, index % 256))
      groups:
        - mclag-\(index / 2)

    """
}
