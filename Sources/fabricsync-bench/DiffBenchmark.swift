/// Filled in by the issue that owns this benchmark.
@Sendable func runDiffBenchmark(_ arguments: [String]) async throws {
    print("not implemented yet")
}
