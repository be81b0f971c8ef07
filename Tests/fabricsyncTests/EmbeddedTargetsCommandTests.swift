import Foundation
import XCTest

/// `fabricsync run --embedded-cluster --embedded-targets N`: the one-command
/// demo of fabrics landing in different clusters.
final class EmbeddedTargetsCommandTests: XCTestCase {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-embedded-targets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }  // a temp folder; a leftover is harmless
        return folder
    }

    func testTheLabFabricLandsInTheEmbeddedTargetNamedByItsSecret() throws {
        let folder = try temporaryFolder()
        let result = try FabricsyncProcess.run(["run", "--embedded-cluster", "--embedded-targets", "1", "--once", "--source", "examples/fabrics",
                                                "--embedded-kubeconfig", folder.appendingPathComponent("kubeconfig").path])
        XCTAssertTrue(result.stderr.contains("embedded target cluster 1 listening on http://127.0.0.1:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Secret hedgehog-system/target-1-kubeconfig"), result.stderr)
        let lab = result.stdout.split(separator: "\n").first { $0.hasPrefix("hedgehog-system/lab ") }.map(String.init) ?? ""
        XCTAssertTrue(lab.contains("True") && lab.contains("in_sync"), result.stdout)
        let kubeconfig = folder.appendingPathComponent("target-1.kubeconfig").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: kubeconfig), "the target's kubeconfig is written for kubectl")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    func testWithoutTargetsTheLabFabricIsNotConfiguredAndTheOthersSync() throws {
        let folder = try temporaryFolder()
        let result = try FabricsyncProcess.run(["run", "--embedded-cluster", "--embedded-targets", "0", "--once", "--source", "examples/fabrics",
                                                "--embedded-kubeconfig", folder.appendingPathComponent("kubeconfig").path])
        let rows = result.stdout.split(separator: "\n").map(String.init)
        let lab = rows.first { $0.hasPrefix("hedgehog-system/lab ") } ?? ""
        XCTAssertTrue(lab.contains("not_configured") && lab.contains("Secret hedgehog-system/target-1-kubeconfig"), result.stdout)
        let dc1 = rows.first { $0.hasPrefix("hedgehog-system/dc1 ") } ?? ""
        XCTAssertTrue(dc1.contains("in_sync"), result.stdout)
        XCTAssertEqual(result.status, 1, "not every fabric is Ready")
    }

    func testTheDefaultDemoStartsOneTargetSoEveryExampleFabricSyncs() throws {
        let folder = try temporaryFolder()
        let result = try FabricsyncProcess.run(["run", "--embedded-cluster", "--once", "--listen", "off", "--source", "examples/fabrics",
                                                "--embedded-kubeconfig", folder.appendingPathComponent("kubeconfig").path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("embedded target cluster 1 listening"), result.stderr)
    }
}
