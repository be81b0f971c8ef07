import Foundation
import GitSource
import XCTest

/// A ref may be a branch, a tag (lightweight or annotated) or a commit; the
/// revision string says which, in Flux's form.
final class SyncRefKindsTests: XCTestCase {
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

    func testLightweightTagGivesTagRevision() async throws {
        let tagged = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.tag("v1.0.0")
        try remote.commit(["a.yaml": switchYAML("leaf-02")])
        try remote.push("main", "v1.0.0")
        let source = try GitRepositorySource(url: remote.url, ref: "v1.0.0", cacheDirectory: cache.path)

        let checkout = try await source.sync()

        XCTAssertEqual(checkout.revision, "v1.0.0@sha1:\(tagged)")
        XCTAssertEqual(contents(checkout.directory + "/a.yaml"), switchYAML("leaf-01"))
    }

    func testAnnotatedTagResolvesToItsCommit() async throws {
        let tagged = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.tag("v2", annotated: true)
        try remote.push("main", "v2")
        let source = try GitRepositorySource(url: remote.url, ref: "refs/tags/v2", cacheDirectory: cache.path)

        let checkout = try await source.sync()
        let again = try await source.sync()

        XCTAssertEqual(checkout.commit, tagged, "the commit, not the tag object")
        XCTAssertEqual(checkout.revision, "v2@sha1:\(tagged)")
        XCTAssertFalse(again.changed)
    }

    func testMovedTagIsFollowed() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.tag("stable")
        try remote.push("main", "stable")
        let source = try GitRepositorySource(url: remote.url, ref: "stable", cacheDirectory: cache.path)
        _ = try await source.sync()

        let second = try remote.commit(["a.yaml": switchYAML("leaf-02")])
        try git(["tag", "--force", "stable"], in: remote.work)
        try remote.push("main", "stable", force: true)
        let checkout = try await source.sync()

        XCTAssertEqual(checkout.revision, "stable@sha1:\(second)")
        XCTAssertTrue(checkout.changed)
    }

    func testCommitShaGivesBareShaRevisionAndStaysPut() async throws {
        let pinned = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.commit(["a.yaml": switchYAML("leaf-02")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, ref: pinned.uppercased(), cacheDirectory: cache.path)

        let checkout = try await source.sync()
        try remote.commit(["a.yaml": switchYAML("leaf-03")])
        try remote.push("main")
        let again = try await source.sync()

        XCTAssertEqual(checkout.revision, "sha1:\(pinned)")
        XCTAssertEqual(contents(checkout.directory + "/a.yaml"), switchYAML("leaf-01"))
        XCTAssertEqual(again.commit, pinned)
        XCTAssertFalse(again.changed)
    }

    func testCommitDeepInHistoryIsFetched() async throws {
        let old = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        for round in 2...5 { try remote.commit(["a.yaml": switchYAML("leaf-0\(round)")]) }
        try remote.push("main")
        let branch = try GitRepositorySource(url: remote.url, ref: "main", cacheDirectory: cache.path)
        _ = try await branch.sync() // leaves a shallow cache the pinned source must deepen
        let pinned = try GitRepositorySource(url: remote.url, ref: old, cacheDirectory: cache.path)

        let checkout = try await pinned.sync()

        XCTAssertEqual(checkout.commit, old)
        XCTAssertEqual(contents(checkout.directory + "/a.yaml"), switchYAML("leaf-01"))
    }

    func testBranchWinsOverTagOfTheSameName() async throws {
        let tagged = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.tag("release")
        try git(["branch", "release"], in: remote.work)
        try git(["checkout", "--quiet", "release"], in: remote.work)
        let branchTip = try remote.commit(["a.yaml": switchYAML("leaf-02")])
        try remote.push("refs/heads/release", "refs/tags/release")
        let byName = try GitRepositorySource(url: remote.url, ref: "release", cacheDirectory: cache.path)
        let byTag = try GitRepositorySource(url: remote.url, ref: "refs/tags/release", cacheDirectory: cache.path + "/tag")

        let branchCheckout = try await byName.sync()
        let tagCheckout = try await byTag.sync()

        XCTAssertEqual(branchCheckout.commit, branchTip)
        XCTAssertEqual(tagCheckout.commit, tagged)
    }
}
