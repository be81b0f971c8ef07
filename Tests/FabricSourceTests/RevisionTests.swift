import FabricDiff
import FabricSource
import Foundation
import XCTest

/// Revisions: a content digest for plain folders, the Git forms inside a work tree.
final class RevisionTests: XCTestCase {
    let files = ["dc1/fabric.yaml": "kind: Fabric\n", "dc1/switches.yaml": "kind: Switch\n"]

    func revision(_ root: String, git: (any GitRunning)? = nil) throws -> String {
        try SourceLoader.load(root: root, options: SourceOptions(git: git)).revision
    }

    func testPlainFolderDigestChangesWithAnyFileAndOnlyThen() throws {
        let root = try temporaryFolder(self)
        try write(files, under: root)
        let first = try revision(root)
        XCTAssertTrue(first.hasPrefix("sha256:"), first)
        XCTAssertEqual(first.count, "sha256:".count + 64)
        XCTAssertEqual(try revision(root), first, "same content, same revision")

        try write(["dc1/notes.txt": "not a source file", ".hidden.yaml": "x: 1"], under: root)
        XCTAssertEqual(try revision(root), first, "non-source and hidden files do not count")

        try write(["dc1/switches.yaml": "kind: Switch\n# edited\n"], under: root)
        let edited = try revision(root)
        XCTAssertNotEqual(edited, first)

        try FileManager.default.moveItem(atPath: root + "/dc1/switches.yaml", toPath: root + "/dc1/leaves.yaml")
        XCTAssertNotEqual(try revision(root), edited, "a renamed file changes the revision")
    }

    func testDigestIsTheDocumentedFraming() throws {
        let root = try temporaryFolder(self)
        try write(["a.yaml": "x: 1\n"], under: root)
        var framed = Array("a.yaml".utf8) + [0] + [0, 0, 0, 0, 0, 0, 0, 5]
        framed += Array("x: 1\n".utf8)
        XCTAssertEqual(try revision(root), "sha256:" + SHA256.hexDigest(framed))
    }

    func testGitWorkTreeCleanAndDirty() throws {
        let repo = try temporaryFolder(self)
        let git = SystemGit()
        _ = try git.run(["init", "-q", "-b", "main"], in: repo)
        try write(files, under: repo)
        _ = try git.run(["add", "."], in: repo)
        _ = try git.run(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "first"], in: repo)
        let head = try git.run(["rev-parse", "HEAD"], in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(head.count, 40)

        XCTAssertEqual(try revision(repo + "/dc1", git: git), "main@sha1:" + head)
        XCTAssertEqual(try revision(repo, git: git), "main@sha1:" + head)

        try write(["dc1/switches.yaml": "kind: Switch\n# edited\n"], under: repo)
        let dirty = try revision(repo + "/dc1", git: git)
        XCTAssertTrue(dirty.hasPrefix("main@sha1:" + head + "+sha256:"), dirty)
        XCTAssertEqual(dirty, "main@sha1:" + head + "+" + (try revision(repo + "/dc1")), "the suffix is the folder's content digest")

        try write(["other/untracked.yaml": "x: 1\n"], under: repo)
        _ = try git.run(["checkout", "-q", "dc1/switches.yaml"], in: repo)
        XCTAssertEqual(try revision(repo + "/dc1", git: git), "main@sha1:" + head, "changes outside the folder do not count")

        _ = try git.run(["checkout", "-q", "--detach"], in: repo)
        XCTAssertEqual(try revision(repo + "/dc1", git: git), "sha1:" + head)
    }

    func testFailingGitFallsBackToTheDigestWithAWarning() throws {
        struct BrokenGit: GitRunning {
            func run(_ arguments: [String], in directory: String) throws(GitError) -> String {
                throw GitError(arguments: arguments, status: 128, message: "detected dubious ownership")
            }
        }
        let root = try temporaryFolder(self)
        try FileManager.default.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
        try write(files, under: root)
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: BrokenGit()))
        XCTAssertEqual(loaded.revision, try revision(root))
        XCTAssertEqual(loaded.warnings.map(\.description),
                       [".: not using the Git revision: git rev-parse --verify -q HEAD failed (128): detected dubious ownership"])
    }

    func testGitErrorsCarryGitsOwnMessage() throws {
        let root = try temporaryFolder(self)
        XCTAssertThrowsError(try SystemGit().run(["rev-parse", "HEAD"], in: root)) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.status, 128)
            XCTAssertTrue(gitError?.message.contains("not a git repository") ?? false, "\(error)")
        }
    }
}
