@testable import FabricSource
import Foundation
import XCTest

/// Which files are read: YAML only, hidden skipped, kustomization warned, size bounded.
final class FolderWalkTests: XCTestCase {
    func testPicksYAMLFilesSkipsHiddenAndWarnsOnKustomization() throws {
        let root = try temporaryFolder(self)
        try write([
            "dc1/fabric.yaml": "", "dc1/b.yml": "", "dc1/readme.md": "", "dc1/.draft.yaml": "",
            ".github/workflow.yaml": "", "dc1/.cache/x.yaml": "", "dc1/kustomization.yaml": "", "top.yaml": "",
        ], under: root)
        var walk = FolderWalk(root: root)
        walk.visit(folder: "")
        XCTAssertEqual(walk.files.filter(\.isYAMLSource).map(\.path).sorted(), ["dc1/b.yml", "dc1/fabric.yaml", "top.yaml"])
        XCTAssertEqual(walk.warnings.map(\.description), ["dc1/kustomization.yaml: skipped: kustomize builds are not supported yet"])
        XCTAssertEqual(walk.issues, [])
    }

    func testFollowsLinksToFilesInsideTheSourceOnly() throws {
        let outside = try temporaryFolder(self)
        try write(["secret.yaml": "password: hunter2\n"], under: outside)
        let root = try temporaryFolder(self)
        try write(["real/a.yaml": "x: 1\n"], under: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/link.yaml", withDestinationPath: root + "/real/a.yaml")
        try FileManager.default.createSymbolicLink(atPath: root + "/real/loop", withDestinationPath: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.yaml", withDestinationPath: outside + "/secret.yaml")
        try FileManager.default.createSymbolicLink(atPath: root + "/relative.yaml", withDestinationPath: "../" + (outside as NSString).lastPathComponent + "/secret.yaml")
        try FileManager.default.createSymbolicLink(atPath: root + "/broken.yaml", withDestinationPath: root + "/nothing.yaml")
        var walk = FolderWalk(root: root)
        walk.visit(folder: "")
        XCTAssertEqual(walk.files.map(\.path).sorted(), ["link.yaml", "real/a.yaml"])
        XCTAssertEqual(walk.files.first { $0.path == "link.yaml" }?.size, 5)
        XCTAssertEqual(walk.warnings.map(\.description), [
            "broken.yaml: skipped: a broken symbolic link",
            "escape.yaml: skipped: a symbolic link to a file outside the source",
            "real/loop: skipped: symbolic links are followed to files only",
            "relative.yaml: skipped: a symbolic link to a file outside the source",
        ])
    }

    func testRefusesFilesOverTheLimitUnread() throws {
        let root = try temporaryFolder(self)
        try write(["big.yaml": String(repeating: "#", count: 2048)], under: root)
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(maxFileSize: 1024, git: nil))
        XCTAssertEqual(loaded.issues.map(\.description), ["big.yaml:1:1: (file): file is 2048 bytes, over the limit of 1024 bytes (--max-file-size)"])
        XCTAssertEqual(loaded.issues.first?.code, .fileTooLarge)
    }

    func testOnlyAMissingOrNonFolderRootThrows() throws {
        let root = try temporaryFolder(self)
        try write(["file.yaml": ""], under: root)
        XCTAssertThrowsError(try SourceLoader.load(root: root + "/missing")) { error in
            XCTAssertEqual((error as? SourceLoadError)?.message, "no such folder")
        }
        XCTAssertThrowsError(try SourceLoader.load(root: root + "/file.yaml")) { error in
            XCTAssertEqual((error as? SourceLoadError)?.message, "not a folder")
        }
        let empty = try SourceLoader.load(root: try temporaryFolder(self), options: SourceOptions(git: nil))
        XCTAssertTrue(empty.isValid)
        XCTAssertEqual(empty.fabrics.count, 0)
    }
}
