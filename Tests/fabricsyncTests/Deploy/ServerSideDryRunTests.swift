import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator
import XCTest

/// `kubectl apply --server-side --dry-run=server -k manifests/`, the check an operator runs before installing,
/// against the emulator with the real kubectl.
final class ServerSideDryRunTests: XCTestCase {
    private func kubectl(_ arguments: [String], kubeconfig: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        let kubectl = try XCTUnwrap(RenderedManifests.kubectl)
        // Off the cooperative pool: the emulator answering kubectl runs on it.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try RenderedManifests.runProgram(kubectl, arguments, environment: ["KUBECONFIG": kubeconfig]) })
            }
        }
    }

    private func startEmulator() async throws -> (KubeEmulator, String) {
        let emulator = try KubeEmulator()
        _ = try await emulator.start()
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-dry-run-\(UUID().uuidString).yaml").path
        try emulator.writeKubeconfig(to: kubeconfig)
        addTeardownBlock {
            await emulator.shutdown()
            try? FileManager.default.removeItem(atPath: kubeconfig)  // best-effort cleanup of a temp file
        }
        return (emulator, kubeconfig)
    }

    func testTheBaseDryRunsCleanOnceItsNamespaceExistsAndStoresNothing() async throws {
        guard RenderedManifests.kubectl != nil else { throw XCTSkip("kubectl is not installed") }
        let (emulator, kubeconfig) = try await startEmulator()
        let manifests = RenderedManifests.folder.path
        let rendered = try RenderedManifests.objects()

        // A dry run creates nothing, so objects in a namespace the same run would create are refused, on a real API
        // server too (NamespaceLifecycle admission). Operators create the namespace first.
        let before = try await kubectl(["apply", "--server-side", "--dry-run=server", "-k", manifests], kubeconfig: kubeconfig)
        XCTAssertNotEqual(before.status, 0)
        XCTAssertTrue(before.stderr.contains("namespaces \"fabricsync-system\" not found"), before.stderr)

        let created = try await kubectl(["create", "namespace", "fabricsync-system"], kubeconfig: kubeconfig)
        XCTAssertEqual(created.status, 0, created.stderr)
        let dryRun = try await kubectl(["apply", "--server-side", "--dry-run=server", "-k", manifests], kubeconfig: kubeconfig)
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        let lines = dryRun.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, rendered.count, dryRun.stdout)
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("serverside-applied (server dry run)") }, dryRun.stdout)

        // Nothing was stored: the Deployment, the CRDs and the ClusterRole are absent.
        let client = KubeClient(config: ClusterConfig(server: emulator.url.absoluteString))
        let deployment = try await client.getIfPresent(apiVersion: "apps/v1", kind: "Deployment", namespace: "fabricsync-system", name: "fabricsync")
        XCTAssertNil(deployment)
        let crd = try await client.getIfPresent(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "fabrics.wiring.githedgehog.com")
        XCTAssertNil(crd)
        XCTAssertTrue(emulator.requests.all.filter { ["PATCH", "POST", "PUT"].contains($0.method) && $0.path.contains("fabricsync") }.allSatisfy(\.isDryRun))
    }

    func testTheBaseAppliesAndThenDryRunsWithoutConflicts() async throws {
        guard RenderedManifests.kubectl != nil else { throw XCTSkip("kubectl is not installed") }
        let (emulator, kubeconfig) = try await startEmulator()
        let manifests = RenderedManifests.folder.path
        let created = try await kubectl(["create", "namespace", "fabricsync-system"], kubeconfig: kubeconfig)
        XCTAssertEqual(created.status, 0, created.stderr)
        let applied = try await kubectl(["apply", "--server-side", "-k", manifests], kubeconfig: kubeconfig)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let again = try await kubectl(["apply", "--server-side", "--dry-run=server", "-k", manifests], kubeconfig: kubeconfig)
        XCTAssertEqual(again.status, 0, again.stderr)

        let client = KubeClient(config: ClusterConfig(server: emulator.url.absoluteString))
        let deployment = try await client.get(apiVersion: "apps/v1", kind: "Deployment", namespace: "fabricsync-system", name: "fabricsync")
        XCTAssertEqual(deployment.value(at: "spec", "replicas"), 2)
        let service = try await client.get(apiVersion: "v1", kind: "Service", namespace: "fabricsync-system", name: "fabricsync")
        XCTAssertEqual(service.value(at: "spec", "selector", "fabric.githedgehog.com/role"), "leader")
        // The CRDs are served at once: the Fabric kind can be listed.
        let fabrics = try await kubectl(["get", "fabrics", "-A"], kubeconfig: kubeconfig)
        XCTAssertEqual(fabrics.status, 0, fabrics.stderr)
    }
}
