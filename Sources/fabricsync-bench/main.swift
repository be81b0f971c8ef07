import Foundation

// fabricsync-bench: one subcommand per measured claim. Each benchmark lives in
// its own file and prints the figures the README's benchmark table records.
let benchmarks: [String: @Sendable ([String]) async throws -> Void] = [
    "yaml": runYAMLBenchmark,
    "diff": runDiffBenchmark,
    "http": runHTTPBenchmark,
    "websocket": runWebSocketBenchmark,
    "client": runClientBenchmark,
    "emulator": runEmulatorBenchmark,
    "git": runGitBenchmark,
    "converge": runConvergeBenchmark,
    "ws": runNotificationsBenchmark,
    "targets": runTargetsBenchmark,
]

let arguments = Array(Swift.CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks[name] else {
    FileHandle.standardError.write(Data("usage: fabricsync-bench <\(benchmarks.keys.sorted().joined(separator: "|"))> [options]\n".utf8))
    exit(2)
}
do {
    try await benchmark(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("fabricsync-bench \(name): \(error)\n".utf8))
    exit(2)
}
