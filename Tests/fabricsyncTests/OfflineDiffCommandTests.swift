import FabricValue
import Foundation
import XCTest

/// `fabricsync diff --offline`: everything is a create; exit 1 when there is
/// anything to do, 0 when nothing, 2 on error (as `kubectl diff`).
final class OfflineDiffCommandTests: XCTestCase {
    func testEverythingIsACreateAndExit1() throws {
        let result = try FabricsyncProcess.run(["diff", "--offline", "--source", "examples/fabrics"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("+ create wiring.githedgehog.com/v1alpha2 Fabric hedgehog-system/dc1"), result.stdout)
        XCTAssertFalse(result.stdout.contains("~ update"))
    }

    func testJSONOutputIsOneDocumentWithEveryFabric() throws {
        let result = try FabricsyncProcess.run(["diff", "--offline", "--source", "examples/fabrics", "-o", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let document = try JSONReader.parse(result.stdout)
        XCTAssertEqual(document["fabrics"]?.arrayValue?.count, 3)
        XCTAssertNotNil(document["revision"]?.stringValue)
    }

    func testAnEmptySourceHasNothingToDo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }  // best-effort cleanup of a temp folder
        let result = try FabricsyncProcess.run(["diff", "--offline", "--source", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testAnInvalidSourceExits2WithPositions() throws {
        let result = try FabricsyncProcess.run(["diff", "--offline", "--source", "examples/invalid/asn-zero"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("fabric.yaml:8:8: spec.asn:"), result.stderr)
    }
}
