import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator
import XCTest

/// `fabricsync sync NS/NAME` sets the requestedAt annotation the controller watches.
final class SyncCommandTests: XCTestCase {
    func testSetsTheRequestedAtAnnotation() async throws {
        let emulator = try KubeEmulator()
        let url = try await emulator.start()
        defer { Task { await emulator.shutdown() } }
        try emulator.applyManifests(in: FabricsyncProcess.packageRoot.appendingPathComponent("manifests/crds").path)
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "hedgehog-system"]])
        _ = try await client.apply(["apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric", "metadata": ["name": "dc1", "namespace": "hedgehog-system"], "spec": ["asn": 65000]])
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-sync-\(UUID().uuidString).yaml").path
        try emulator.writeKubeconfig(to: kubeconfig)
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }  // best-effort cleanup of a temp file

        let result = try FabricsyncProcess.run(["sync", "hedgehog-system/dc1", "--kubeconfig", kubeconfig])
        XCTAssertEqual(result.status, 0, result.stderr)
        let fabric = try await client.get(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc1")
        XCTAssertNotNil(fabric.value(at: "metadata", "annotations", "fabric.githedgehog.com/requestedAt")?.stringValue)

        let missing = try FabricsyncProcess.run(["sync", "hedgehog-system/nope", "--kubeconfig", kubeconfig])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("not found"), missing.stderr)
        let malformed = try FabricsyncProcess.run(["sync", "just-a-name", "--kubeconfig", kubeconfig])
        XCTAssertEqual(malformed.status, 2)
    }
}
