import Foundation
import XCTest

/// `fabricsync validate`: exit 0 for a valid source, 2 with one
/// `file:line:column: field: message` line per error otherwise.
final class ValidateCommandTests: XCTestCase {
    func testTheShippedExamplesAreValid() throws {
        let result = try FabricsyncProcess.run(["validate", "--source", "examples/fabrics"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("3 fabrics"), result.stdout)
    }

    func testEveryInvalidExamplePrintsItsExpectedErrorsAndExits2() throws {
        let root = FabricsyncProcess.packageRoot.appendingPathComponent("examples/invalid")
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("expected.txt").path)
        }.sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 30)
        for name in cases {
            let expected = try String(contentsOf: root.appendingPathComponent(name).appendingPathComponent("expected.txt"), encoding: .utf8)
            let result = try FabricsyncProcess.run(["validate", "--source", "examples/invalid/\(name)"])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
            XCTAssertEqual(result.stdout, expected, name)
        }
    }

    func testAFileOverTheSizeLimitIsRefusedByName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-size-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }  // best-effort cleanup of a temp folder
        try "apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Fabric\nmetadata:\n  name: big\nspec:\n  asn: 65000\n".write(to: folder.appendingPathComponent("fabric.yaml"), atomically: true, encoding: .utf8)
        try Data(repeating: UInt8(ascii: "#"), count: 2048).write(to: folder.appendingPathComponent("big.yaml"))
        let result = try FabricsyncProcess.run(["validate", "--source", folder.path, "--max-file-size", "1Ki"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stdout.hasPrefix("big.yaml:1:1: "), result.stdout)
    }

    func testUsageErrorsExit2() throws {
        for arguments in [["validate"], ["validate", "--sorce", "x"], ["validate", "--source", "/nonexistent/folder"], ["frobnicate"]] {
            let result = try FabricsyncProcess.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
        }
    }

    func testEveryCommandHasHelp() throws {
        for command in ["validate", "diff", "version"] {
            let result = try FabricsyncProcess.run([command, "--help"])
            XCTAssertEqual(result.status, 0, command)
            XCTAssertTrue(result.stdout.hasPrefix("USAGE: fabricsync \(command)"), result.stdout)
        }
    }
}
