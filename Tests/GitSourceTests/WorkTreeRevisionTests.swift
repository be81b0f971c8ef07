import Foundation
import GitSource
import XCTest

/// `--source DIR` inside a Git work tree is named by its commit, and by its
/// content digest too when the folder differs from that commit.
final class WorkTreeRevisionTests: XCTestCase {
    var repository: TemporaryFolder!
    let digest = String(repeating: "d1", count: 32)

    override func setUpWithError() throws {
        repository = try TemporaryFolder("worktree")
        try git(["init", "--quiet", "--initial-branch=main", repository.path])
        _ = try repository.write("fabric/a.yaml", switchYAML("leaf-01"))
        _ = try repository.write("docs/README.md", "docs\n")
        try commitAll()
    }

    override func tearDown() { repository.remove() }

    private func commitAll() throws {
        try git(["add", "--all"], in: repository.path)
        try git(["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "change"], in: repository.path)
    }

    private var head: String { (try? git(["rev-parse", "HEAD"], in: repository.path)) ?? "" }

    func testCleanFolderIsNamedByBranchAndCommit() {
        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: digest), "main@sha1:\(head)")
    }

    func testChangedTrackedFileAddsTheDigest() throws {
        _ = try repository.write("fabric/a.yaml", switchYAML("leaf-01", asn: 65999))

        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: digest),
                       "main@sha1:\(head)+sha256:\(digest)")
    }

    func testUntrackedFileInTheFolderAddsTheDigest() throws {
        _ = try repository.write("fabric/new/b.yaml", switchYAML("leaf-02"))

        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: "sha256:\(digest)"),
                       "main@sha1:\(head)+sha256:\(digest)")
    }

    func testChangesOutsideTheFolderDoNotCount() throws {
        _ = try repository.write("docs/README.md", "edited\n")
        _ = try repository.write("scratch.txt", "x\n")

        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: digest), "main@sha1:\(head)")
    }

    func testDetachedHeadIsNamedByCommitAlone() throws {
        try git(["checkout", "--quiet", "--detach"], in: repository.path)

        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: digest), "sha1:\(head)")
    }

    func testFolderOutsideAnyWorkTreeHasNoGitRevision() throws {
        let plain = try TemporaryFolder("plain")
        defer { plain.remove() }

        XCTAssertNil(WorkTreeRevision.revision(of: plain.path, contentDigest: digest))
        XCTAssertNil(WorkTreeRevision.revision(of: plain.path + "/missing", contentDigest: digest))
        XCTAssertNil(WorkTreeRevision.revision(of: repository.path + "/.git", contentDigest: digest), "inside .git is not a work tree")
    }

    func testRepositoryWithoutCommitsHasNoGitRevision() throws {
        let empty = try TemporaryFolder("empty")
        defer { empty.remove() }
        try git(["init", "--quiet", empty.path])

        XCTAssertNil(WorkTreeRevision.revision(of: empty.path, contentDigest: digest))
    }

    func testLookingDoesNotTakeTheIndexLock() throws {
        _ = try repository.write("fabric/a.yaml", switchYAML("leaf-01", asn: 65999))
        // A lock held by the user's own git: a read-only look must not need it.
        _ = try repository.write(".git/index.lock", "")

        XCTAssertEqual(WorkTreeRevision.revision(of: repository.path + "/fabric", contentDigest: digest),
                       "main@sha1:\(head)+sha256:\(digest)")
    }

    func testLabelTable() {
        let sha = String(repeating: "a", count: 40)
        let cases: [(branch: String?, changes: Bool, expected: String)] = [
            ("main", false, "main@sha1:\(sha)"),
            ("feature/x", true, "feature/x@sha1:\(sha)+sha256:\(digest)"),
            (nil, false, "sha1:\(sha)"),
            (nil, true, "sha1:\(sha)+sha256:\(digest)"),
        ]
        for entry in cases {
            XCTAssertEqual(WorkTreeRevision.label(head: sha, branch: entry.branch, hasChanges: entry.changes, contentDigest: digest), entry.expected)
        }
    }
}
