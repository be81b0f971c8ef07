import Foundation
import GitSource
import XCTest

/// When the remote misbehaves the source says precisely why, and the last
/// good checkout stays on disk exactly as it was, so the controller can keep
/// it applied and prune nothing.
final class SyncFailureTests: XCTestCase {
    var remote: TestRemote!
    var cache: TemporaryFolder!

    override func setUpWithError() throws {
        remote = try TestRemote()
        cache = try TemporaryFolder("cache")
    }

    override func tearDown() {
        remote?.remove()
        cache?.remove()
    }

    /// Syncs a two-file commit of `branch` and returns the source and its checkout.
    private func syncedSource(branch: String = "main") async throws -> (GitRepositorySource, GitCheckout) {
        try remote.commit(["fabric/a.yaml": switchYAML("leaf-01"), "fabric/b.yaml": switchYAML("leaf-02")])
        try remote.push("HEAD:refs/heads/\(branch)")
        let source = try GitRepositorySource(url: remote.url, ref: branch, cacheDirectory: cache.path)
        return (source, try await source.sync())
    }

    private func assertIntact(_ checkout: GitCheckout, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(fileList(checkout.directory), ["fabric/a.yaml", "fabric/b.yaml"], file: file, line: line)
        XCTAssertEqual(contents(checkout.directory + "/fabric/a.yaml"), switchYAML("leaf-01"), file: file, line: line)
        XCTAssertEqual(try git(["rev-parse", "HEAD"], in: checkout.workTree), checkout.commit, file: file, line: line)
    }

    func testForcePushedBranchTakesTheNewCommit() async throws {
        let (source, good) = try await syncedSource()
        // A new root commit: the old one is no ancestor, so only a forced fetch can take it.
        try git(["checkout", "--quiet", "--orphan", "rewritten"], in: remote.work)
        try git(["rm", "--quiet", "-r", "--cached", "."], in: remote.work)
        try FileManager.default.removeItem(atPath: remote.work + "/fabric/b.yaml")
        let replacement = try remote.commit(["fabric/a.yaml": switchYAML("leaf-09"), "fabric/c.yaml": switchYAML("leaf-03")],
                                            message: "history rewritten")
        try remote.push("rewritten:main", force: true)

        let checkout = try await source.sync()

        XCTAssertNotEqual(replacement, good.commit)
        XCTAssertEqual(checkout.commit, replacement)
        XCTAssertEqual(checkout.revision, "main@sha1:\(replacement)")
        XCTAssertTrue(checkout.changed)
        XCTAssertEqual(fileList(checkout.directory), ["fabric/a.yaml", "fabric/c.yaml"])
        XCTAssertEqual(contents(checkout.directory + "/fabric/a.yaml"), switchYAML("leaf-09"))
        try assertIntact(good) // the previous work tree is kept for one more sync
    }

    func testDeletedBranchFailsAndKeepsThePreviousCheckout() async throws {
        let (source, good) = try await syncedSource(branch: "feature")
        try git(["push", "--quiet", remote.bare, ":refs/heads/feature"], in: remote.work)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .refNotFound)
        XCTAssertEqual(error?.message, "ref 'feature' not found in \(remote.url)")
        try assertIntact(good)
        let last = await source.lastCheckout
        XCTAssertEqual(last?.commit, good.commit)
    }

    func testRefThatNeverExistedNamesTheRef() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        for ref in ["feature", "refs/tags/v9"] {
            let source = try GitRepositorySource(url: remote.url, ref: ref, cacheDirectory: cache.path)

            let error = await syncFailure(source)

            XCTAssertEqual(error?.code, .refNotFound)
            XCTAssertEqual(error?.message, "ref '\(ref)' not found in \(remote.url)")
        }
    }

    func testCommitThatDoesNotExistNamesTheCommit() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let missing = String(repeating: "ab", count: 20)
        let source = try GitRepositorySource(url: remote.url, ref: missing, cacheDirectory: cache.path)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .refNotFound)
        XCTAssertEqual(error?.message, "ref '\(missing)' not found in \(remote.url)")
    }

    func testUnreachableRemoteSaysWhichAndWhy() async throws {
        let gone = "file://\(cache.path)/no-such-remote.git"
        let source = try GitRepositorySource(url: gone, cacheDirectory: cache.path)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .remoteUnavailable)
        XCTAssertEqual(error?.message.hasPrefix("cannot reach \(gone): "), true, error?.message ?? "")
        XCTAssertEqual(error?.message.contains("does not appear to be a git repository"), true, "git's own words are kept")
        let last = await source.lastCheckout
        XCTAssertNil(last)
    }

    func testRemoteThatDisappearsLaterKeepsThePreviousCheckout() async throws {
        let (source, good) = try await syncedSource()
        try FileManager.default.moveItem(atPath: remote.bare, toPath: remote.bare + ".away")

        let error = await syncFailure(source)
        try FileManager.default.moveItem(atPath: remote.bare + ".away", toPath: remote.bare)
        let back = try await source.sync()

        XCTAssertEqual(error?.code, .remoteUnavailable)
        try assertIntact(good)
        XCTAssertEqual(back.workTree, good.workTree)
        XCTAssertFalse(back.changed)
    }

    func testDeletedHeadInTheCacheIsRepairedByCloningAgain() async throws {
        let (source, good) = try await syncedSource()
        try FileManager.default.removeItem(atPath: cache.path + "/repo.git/HEAD")

        let checkout = try await source.sync()

        XCTAssertEqual(checkout.commit, good.commit)
        XCTAssertFalse(checkout.changed)
        XCTAssertEqual(fileList(checkout.directory), ["fabric/a.yaml", "fabric/b.yaml"])
        XCTAssertEqual(try git(["rev-parse", "HEAD"], in: checkout.workTree), good.commit)
    }

    func testJunkInTheCacheRepositoryIsRepairedByCloningAgain() async throws {
        for damage in ["config", "HEAD", "objects/info/alternates"] {
            let (source, good) = try await syncedSource()
            try Data("\u{0}\u{1}not git at all[[[\n".utf8).write(to: URL(fileURLWithPath: cache.path + "/repo.git/" + damage))

            let checkout = try await source.sync()

            XCTAssertEqual(checkout.commit, good.commit, damage)
            XCTAssertEqual(fileList(checkout.directory), ["fabric/a.yaml", "fabric/b.yaml"], damage)
        }
    }

    func testCacheOfAnotherRemoteIsReplaced() async throws {
        let (_, _) = try await syncedSource()
        let other = try TestRemote()
        defer { other.remove() }
        let sha = try other.commit(["z.yaml": switchYAML("spine-01")])
        try other.push("main")
        let source = try GitRepositorySource(url: other.url, cacheDirectory: cache.path)

        let checkout = try await source.sync()

        XCTAssertEqual(checkout.commit, sha)
        XCTAssertEqual(fileList(checkout.directory), ["z.yaml"])
        XCTAssertEqual(try git(["--git-dir=\(cache.path)/repo.git", "config", "--get", "remote.origin.url"]), other.url)
    }

    func testDamagedWorkTreeIsReplacedByAFreshOne() async throws {
        let (source, good) = try await syncedSource()
        try FileManager.default.removeItem(atPath: good.workTree + "/.git")

        let checkout = try await source.sync()

        XCTAssertFalse(checkout.changed)
        XCTAssertNotEqual(checkout.workTree, good.workTree)
        XCTAssertEqual(fileList(checkout.directory), ["fabric/a.yaml", "fabric/b.yaml"])
    }
}
