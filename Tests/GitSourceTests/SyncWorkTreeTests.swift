import Foundation
import GitSource
import XCTest

/// What the controller reads is exactly the commit: local junk is removed,
/// local edits are undone, and `--git-path` narrows the folder.
final class SyncWorkTreeTests: XCTestCase {
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

    func testJunkAndLocalEditsAreRemovedOnTheNextSync() async throws {
        try remote.commit(["fabric/a.yaml": switchYAML("leaf-01"), "fabric/b.yaml": switchYAML("leaf-02"), ".gitignore": "*.tmp\n"])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path)
        let checkout = try await source.sync()
        let tree = checkout.workTree
        try Data(switchYAML("intruder").utf8).write(to: URL(fileURLWithPath: tree + "/fabric/junk.yaml"))
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: tree + "/fabric/scratch.tmp"))
        try FileManager.default.createDirectory(atPath: tree + "/stray/deeper", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: tree + "/stray/deeper/file"))
        try Data("edited".utf8).write(to: URL(fileURLWithPath: tree + "/fabric/a.yaml"))
        try FileManager.default.removeItem(atPath: tree + "/fabric/b.yaml")

        let again = try await source.sync()

        XCTAssertFalse(again.changed)
        XCTAssertEqual(again.workTree, tree)
        XCTAssertEqual(fileList(tree), [".gitignore", "fabric/a.yaml", "fabric/b.yaml"])
        XCTAssertEqual(contents(tree + "/fabric/a.yaml"), switchYAML("leaf-01"))
    }

    func testGitPathNamesTheSubfolder() async throws {
        try remote.commit(["clusters/dc1/fabric.yaml": switchYAML("leaf-01"), "README.md": "docs\n"])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, path: "./clusters/dc1/", cacheDirectory: cache.path)

        let checkout = try await source.sync()

        XCTAssertEqual(source.path, "clusters/dc1")
        XCTAssertEqual(checkout.directory, checkout.workTree + "/clusters/dc1")
        XCTAssertEqual(fileList(checkout.directory), ["fabric.yaml"])
    }

    func testMissingSubfolderIsReportedAsAFolderThatDoesNotExist() async throws {
        try remote.commit(["other/a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, path: "clusters/dc1", cacheDirectory: cache.path)

        let checkout = try await source.sync()

        XCTAssertFalse(FileManager.default.fileExists(atPath: checkout.directory),
                       "the controller sees a missing source path and applies its allowEmpty rule")
    }

    func testSubfolderThatIsASymlinkOutOfTheRepositoryIsRefused() async throws {
        try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try FileManager.default.createSymbolicLink(atPath: remote.work + "/escape", withDestinationPath: "/etc")
        try remote.commit([:], message: "add a symlink")
        try remote.push("main")
        let source = try GitRepositorySource(url: remote.url, path: "escape", cacheDirectory: cache.path)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .invalidConfiguration)
        XCTAssertEqual(error?.message.contains("leads outside the repository"), true, error?.message ?? "")
    }

    func testPathsThatLeaveTheRepositoryAreRejectedUpFront() {
        for path in ["../x", "a/../../b", "/etc"] {
            XCTAssertThrowsError(try GitRepositorySource(url: "file:///x", path: path, cacheDirectory: "/tmp/x"), path) { error in
                XCTAssertEqual((error as? GitSourceError)?.code, .invalidConfiguration)
            }
        }
    }
}
