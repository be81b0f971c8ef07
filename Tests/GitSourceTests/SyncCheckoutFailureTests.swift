import Foundation
import GitSource
import XCTest

/// A commit that cannot be checked out (disk full, say) fails the sync and
/// leaves the previous checkout exactly as it was; the next good sync takes
/// the new commit.
final class SyncCheckoutFailureTests: XCTestCase {
    /// Real git, except that `worktree add` fails while `failing` is set: the
    /// fault is injected at the process boundary only.
    final class FaultyRunner: GitRunning, @unchecked Sendable {
        private let real = ProcessGitRunner()
        private let lock = NSLock()
        private var isFailing = false
        var failing: Bool {
            get { lock.withLock { isFailing } }
            set { lock.withLock { isFailing = newValue } }
        }

        func run(_ invocation: GitInvocation) async throws(GitSourceError) -> GitOutput {
            if failing, invocation.arguments.contains("worktree"), invocation.arguments.contains("add") {
                return GitOutput(status: 128, standardOutput: "", standardError: "fatal: could not write index: No space left on device\n")
            }
            return try await real.run(invocation)
        }
    }

    func testFailedCheckoutKeepsThePreviousOneAndTheNextSyncRecovers() async throws {
        let remote = try TestRemote()
        let cache = try TemporaryFolder("cache")
        defer { remote.remove(); cache.remove() }
        try remote.commit(["fabric/a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let runner = FaultyRunner()
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path, runner: runner)
        let good = try await source.sync()
        let next = try remote.commit(["fabric/a.yaml": switchYAML("leaf-02"), "fabric/b.yaml": switchYAML("leaf-03")])
        try remote.push("main")

        runner.failing = true
        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .checkoutFailed)
        XCTAssertEqual(error?.message, "cannot check out \(next): fatal: could not write index: No space left on device")
        XCTAssertEqual(fileList(good.directory), ["fabric/a.yaml"])
        XCTAssertEqual(contents(good.directory + "/fabric/a.yaml"), switchYAML("leaf-01"))
        let last = await source.lastCheckout
        XCTAssertEqual(last?.commit, good.commit)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path + "/checkouts").map { "\(cache.path)/checkouts/\($0)" },
                       [good.workTree], "no half-made work tree is left behind")

        runner.failing = false
        let recovered = try await source.sync()

        XCTAssertEqual(recovered.commit, next)
        XCTAssertTrue(recovered.changed)
        XCTAssertEqual(fileList(recovered.directory), ["fabric/a.yaml", "fabric/b.yaml"])
    }
}
