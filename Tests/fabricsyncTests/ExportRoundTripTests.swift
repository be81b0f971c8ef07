import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator
import XCTest

/// `run --once` converges a fabric; `export` writes it back as YAML; `diff`
/// on the exported folder against the same cluster shows no changes.
final class ExportRoundTripTests: XCTestCase {
    func testDiffRightAfterAnExportShowsNoChanges() async throws {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        defer { Task { await emulator.shutdown() } }
        try emulator.applyManifests(in: FabricsyncProcess.packageRoot.appendingPathComponent("manifests/crds").path)
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "hedgehog-system"]])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }  // best-effort cleanup of a temp folder
        let source = scratch.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FabricsyncProcess.packageRoot.appendingPathComponent("examples/fabrics/dc2"), to: source.appendingPathComponent("dc2"))
        let kubeconfig = scratch.appendingPathComponent("kubeconfig").path
        try emulator.writeKubeconfig(to: kubeconfig)

        let before = try FabricsyncProcess.run(["diff", "--source", source.path, "--kubeconfig", kubeconfig])
        XCTAssertEqual(before.status, 1, "everything is to create: \(before.stderr)")
        let switches = try await client.list(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch", allNamespaces: true)
        XCTAssertEqual(switches.items.count, 0, "diff writes nothing")

        let converge = try FabricsyncProcess.run(["run", "--once", "--source", source.path, "--kubeconfig", kubeconfig])
        XCTAssertEqual(converge.status, 0, converge.stdout + converge.stderr)

        let exported = scratch.appendingPathComponent("exported")
        let export = try FabricsyncProcess.run(["export", "--fabric", "hedgehog-system/dc2", "--out", exported.appendingPathComponent("dc2").path, "--kubeconfig", kubeconfig])
        XCTAssertEqual(export.status, 0, export.stderr)
        let fabricFile = try String(contentsOf: exported.appendingPathComponent("dc2/fabric.yaml"), encoding: .utf8)
        XCTAssertFalse(fabricFile.contains("status:"), fabricFile)
        XCTAssertFalse(fabricFile.contains("finalizers"), fabricFile)

        let after = try FabricsyncProcess.run(["diff", "--source", exported.path, "--kubeconfig", kubeconfig])
        XCTAssertEqual(after.status, 0, after.stdout + after.stderr)
        XCTAssertTrue(after.stdout.contains("0 to create, 0 to update, 0 to prune"), after.stdout)
    }
}
