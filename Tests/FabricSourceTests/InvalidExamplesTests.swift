import FabricSource
import Foundation
import XCTest

/// Every case under `examples/invalid/<case>/` loads without a crash or hang
/// and reports exactly the lines in its `expected.txt` (the format
/// `fabricsync validate` prints). Regenerate after a deliberate message
/// change with `FABRICSYNC_WRITE_EXPECTED=1 swift test --filter InvalidExamplesTests`,
/// then read the diff.
final class InvalidExamplesTests: XCTestCase {
    static let casesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/invalid").path

    func testEachCaseReportsExactlyItsExpectedErrors() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.casesFolder).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: Self.casesFolder + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 30)
        let rewrite = ProcessInfo.processInfo.environment["FABRICSYNC_WRITE_EXPECTED"] == "1"
        for name in names {
            let folder = Self.casesFolder + "/" + name
            let loaded = try SourceLoader.load(root: folder, options: SourceOptions(git: nil))
            let got = loaded.issues.map(\.description).joined(separator: "\n") + "\n"
            let expectedPath = folder + "/expected.txt"
            if rewrite {
                try Data(got.utf8).write(to: URL(fileURLWithPath: expectedPath))
                continue
            }
            let want = try String(contentsOfFile: expectedPath, encoding: .utf8)
            XCTAssertFalse(loaded.isValid, "\(name) must be invalid")
            XCTAssertEqual(got, want, name)
        }
    }

    func testFiftyMegabyteFileIsRefusedUnread() throws {
        let root = try temporaryFolder(self)
        try write(["fabric.yaml": "apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Fabric\nmetadata:\n  name: dc1\n"], under: root)
        let size = 50 << 20
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/huge.yaml", contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/huge.yaml"))
        let line = Data("- padding padding padding padding padding padding padding padding pa\n".utf8)
        var chunk = Data()
        for _ in 0..<(1 << 20) / line.count { chunk.append(line) }
        var written = 0
        while written < size {
            let piece = chunk.prefix(size - written)
            try handle.write(contentsOf: piece)
            written += piece.count
        }
        try handle.close()
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: nil))
        XCTAssertEqual(loaded.issues.map(\.description),
                       ["huge.yaml:1:1: (file): file is 52428800 bytes, over the limit of 16777216 bytes (--max-file-size)"])
        XCTAssertEqual(loaded.fabrics.map(\.isValid), [false], "the refused file belongs to the fabric of its folder")
    }

    /// The hostile cases finish (a generous bound against hangs, not a speed
    /// figure) and never raise the process's peak memory by much: the alias
    /// bomb is refused before it expands.
    func testHostileInputsFinishWithinBoundedMemory() throws {
        for name in ["alias-bomb", "deeply-nested", "binary-junk", "invalid-utf8"] {
            let folder = Self.casesFolder + "/" + name
            let before = try peakResidentKilobytes()
            let done = expectation(description: name)
            DispatchQueue.global().async {
                // Deliberate `try?`: a throw would mean the case folder is missing, which the table test reports.
                _ = try? SourceLoader.load(root: folder, options: SourceOptions(git: nil))
                done.fulfill()
            }
            wait(for: [done], timeout: 60)
            let grown = try peakResidentKilobytes() - before
            XCTAssertLessThan(grown, 256 * 1024, "\(name) raised peak memory by \(grown) kB")
        }
    }

    /// `VmHWM` from `/proc/self/status`: the process's peak resident set.
    private func peakResidentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try XCTUnwrap(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
