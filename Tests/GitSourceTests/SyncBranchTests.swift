import Foundation
import GitSource
import XCTest

/// A branch is cloned shallow, followed commit by commit, and always checked
/// out exactly: the revision names it, `changed` says whether it moved.
final class SyncBranchTests: XCTestCase {
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

    func testFirstSyncChecksOutTheBranchTipWithFluxRevision() async throws {
        let sha = try remote.commit(["fabric/switches.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, ref: "main", cacheDirectory: cache.path)

        let checkout = try await source.sync()

        XCTAssertEqual(checkout.commit, sha)
        XCTAssertEqual(checkout.revision, "main@sha1:\(sha)")
        XCTAssertTrue(checkout.changed)
        XCTAssertEqual(contents(checkout.directory + "/fabric/switches.yaml"), switchYAML("leaf-01"))
        XCTAssertEqual(try git(["rev-parse", "HEAD"], in: checkout.workTree), sha)
        XCTAssertEqual(try git(["rev-parse", "--is-shallow-repository"], in: checkout.workTree), "true", "a branch is fetched with --depth 1")
    }

    func testNewCommitIsPickedUpAndAnUnchangedRemoteReportsNoChange() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path)
        let first = try await source.sync()

        let second = try remote.commit(["a.yaml": switchYAML("leaf-01", asn: 65102), "b.yaml": switchYAML("leaf-02")])
        try remote.push("main")
        let moved = try await source.sync()
        let again = try await source.sync()

        XCTAssertEqual(moved.commit, second)
        XCTAssertTrue(moved.changed)
        XCTAssertEqual(moved.revision, "main@sha1:\(second)")
        XCTAssertEqual(fileList(moved.directory), ["a.yaml", "b.yaml"])
        XCTAssertEqual(contents(moved.directory + "/a.yaml"), switchYAML("leaf-01", asn: 65102))
        XCTAssertEqual(again, GitCheckout(directory: moved.directory, workTree: moved.workTree, commit: second,
                                          revision: moved.revision, changed: false))
        XCTAssertNotEqual(first.workTree, moved.workTree, "a new commit is checked out next to the old one, never on top of it")
    }

    func testUnchangedRemoteIsOnlyAskedWhereTheRefPoints() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let recording = try RecordingGit(folder: cache)
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path + "/cache", runner: recording.runner)
        _ = try await source.sync()
        let before = recording.commandLines.count

        _ = try await source.sync()

        let subcommands = recording.commandLines.dropFirst(before).map { line in
            line.split(separator: " ").dropFirst(2).first { !$0.hasPrefix("-") }.map(String.init) ?? ""
        }
        XCTAssertEqual(subcommands, ["config", "ls-remote", "rev-parse", "checkout", "clean"], "no fetch, no new work tree")
    }

    func testDeletedFilesDisappearFromTheCheckout() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01"), "b.yaml": switchYAML("leaf-02")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path)
        _ = try await source.sync()

        try remote.commit(["b.yaml": nil])
        try remote.push("main")
        let checkout = try await source.sync()

        XCTAssertEqual(fileList(checkout.directory), ["a.yaml"])
    }

    func testOnlyTheCurrentAndThePreviousWorkTreeAreKept() async throws {
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path)
        var workTrees: [String] = []
        for round in 1...4 {
            try remote.commit(["a.yaml": switchYAML("leaf-\(round)")])
            try remote.push("main")
            workTrees.append(try await source.sync().workTree)
        }

        let kept = try FileManager.default.contentsOfDirectory(atPath: cache.path + "/checkouts").map { "\(cache.path)/checkouts/\($0)" }
        XCTAssertEqual(Set(kept), Set(workTrees.suffix(2)))
        XCTAssertEqual(try git(["--git-dir=\(cache.path)/repo.git", "worktree", "list", "--porcelain"])
            .split(separator: "\n").filter { $0.hasPrefix("worktree ") }.count, 3, "the bare repository and two work trees")
    }

    func testSyncsFromSeveralTasksRunOneAfterAnother() async throws {
        let sha = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path)

        let checkouts = try await withThrowingTaskGroup(of: GitCheckout.self) { group in
            for _ in 0..<4 { group.addTask { try await source.sync() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        XCTAssertEqual(Set(checkouts.map(\.commit)), [sha])
        XCTAssertEqual(checkouts.filter(\.changed).count, 1, "only the first of the serialized syncs sees a change")
        XCTAssertEqual(Set(checkouts.map(\.workTree)).count, 1)
    }
}
