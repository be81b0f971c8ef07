import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// The real `kubectl` (its own discovery, OpenAPI, validation and printing) against the emulator, with its defaults.
final class KubectlConformanceTests: XCTestCase {
    var harness: EmulatorHarness!
    var environment: [String: String] = [:]
    let kubectl = "/usr/bin/kubectl"

    override func setUp() async throws {
        guard FileManager.default.isExecutableFile(atPath: kubectl) else {
            throw XCTSkip("kubectl is not installed at \(kubectl); the conformance tests need the real client")
        }
        harness = try await EmulatorHarness(configuration: .init(bookmarkInterval: .seconds(1)))
        let kubeconfig = harness.folder.appendingPathComponent("kubeconfig").path
        try harness.emulator.writeKubeconfig(to: kubeconfig)
        environment = ["KUBECONFIG": kubeconfig, "KUBECACHEDIR": harness.folder.appendingPathComponent("cache").path,
                       "HOME": harness.folder.path]
    }

    override func tearDown() async throws {
        await harness?.stop()
    }

    @discardableResult
    func kubectl(_ arguments: String..., expectSuccess: Bool = true, file: StaticString = #filePath, line: UInt = #line) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await harness.run(kubectl, arguments, environment: environment)
        if expectSuccess {
            XCTAssertEqual(result.status, 0, "kubectl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        }
        return result
    }

    func write(_ value: Value, as name: String) throws -> String {
        let path = harness.folder.appendingPathComponent(name).path
        try Data(JSONWriter.data(value, pretty: true)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func installFabricCRD() async throws {
        let folder = harness.folder.appendingPathComponent("crds")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try write(fabricCRD, as: "crds/fabrics.wiring.githedgehog.com.json")
        let applied = try await kubectl("apply", "--server-side", "-f", folder.path)
        XCTAssertTrue(applied.stdout.contains("customresourcedefinition.apiextensions.k8s.io/fabrics.wiring.githedgehog.com serverside-applied"), applied.stdout)
        try await kubectl("wait", "--for=condition=Established", "crd/fabrics.wiring.githedgehog.com", "--timeout=20s")
    }

    func testVersionIsOneKubectlSupports() async throws {
        let result = try await kubectl("version", "-o", "json")
        XCTAssertTrue(result.stdout.contains("\"gitVersion\": \"v1.32.4\""), result.stdout)
    }

    func testServerSideApplyGetPatchStatusWaitAndDelete() async throws {
        try await installFabricCRD()
        let file = try write(fabric(spec: ["asn": 65000, "spineCount": 2]), as: "dc1.json")
        let applied = try await kubectl("apply", "--server-side", "-f", file)
        XCTAssertTrue(applied.stdout.contains("fabric.wiring.githedgehog.com/dc1 serverside-applied"), applied.stdout)

        let table = try await kubectl("get", "fabrics")
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(lines.first, ["NAME", "ASN", "READY"], table.stdout)
        XCTAssertEqual(lines.dropFirst().first?.prefix(2), ["dc1", "65000"], table.stdout)

        let yaml = try await kubectl("get", "fabrics", "dc1", "-o", "yaml")
        XCTAssertTrue(yaml.stdout.contains("asn: 65000"), yaml.stdout)
        XCTAssertTrue(yaml.stdout.contains("generation: 1"), yaml.stdout)

        let ready = #"{"status":{"conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}]}}"#
        try await kubectl("patch", "fabrics", "dc1", "--subresource=status", "--type=merge", "-p", ready)
        try await kubectl("wait", "--for=condition=Ready", "fabrics/dc1", "--timeout=20s")
        let readyTable = try await kubectl("get", "fabrics", "dc1", "--no-headers")
        XCTAssertTrue(readyTable.stdout.contains("True"), readyTable.stdout)

        let deleted = try await kubectl("delete", "fabrics", "dc1")
        XCTAssertTrue(deleted.stdout.contains("\"dc1\" deleted"), deleted.stdout)
        let gone = try await kubectl("get", "fabrics", "dc1", expectSuccess: false)
        XCTAssertEqual(gone.status, 1)
        XCTAssertTrue(gone.stderr.contains("NotFound"), gone.stderr)
    }

    func testServerSideValidationErrorsReachTheUser() async throws {
        try await installFabricCRD()
        let invalid = try write(fabric(spec: ["asn": 0]), as: "invalid.json")
        let refused = try await kubectl("apply", "--server-side", "-f", invalid, expectSuccess: false)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("spec.asn: Invalid value: 0: spec.asn in body should be greater than or equal to 1"), refused.stderr)

        let unknown = try write(fabric(spec: ["asn": 1, "colour": "blue"]), as: "unknown.json")
        let strict = try await kubectl("apply", "--server-side", "-f", unknown, expectSuccess: false)
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.stderr.contains("unknown field \"spec.colour\""), strict.stderr)
        XCTAssertEqual(harness.emulator.requests.all.filter { $0.verb == .apply }.map(\.status).suffix(2), [422, 400])
    }

    func testApplyConflictsWithAnotherManagerUntilForced() async throws {
        try await installFabricCRD()
        let store = harness.emulator.store
        _ = try store.patch(store.type("fabrics"), namespace: "default", name: "dc1", patch: fabric(spec: ["asn": 65000]), patchType: .apply,
                            options: WriteOptions(fieldManager: "fabricsync"))
        let file = try write(fabric(spec: ["asn": 65001]), as: "edit.json")
        let refused = try await kubectl("apply", "--server-side", "-f", file, expectSuccess: false)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Apply failed with 1 conflict: conflict with \"fabricsync\": .spec.asn"), refused.stderr)
        try await kubectl("apply", "--server-side", "--force-conflicts", "-f", file)
        let managers = try store.get(store.type("fabrics"), namespace: "default", name: "dc1").value(at: "metadata", "managedFields")?.arrayValue?
            .compactMap { $0["manager"]?.stringValue }
        XCTAssertEqual(managers, ["kubectl"], "forcing moved the only field fabricsync owned")
    }

    func testStrategicMergePatchOnACustomResourceIsRefusedLikeTheRealAPI() async throws {
        try await installFabricCRD()
        try await kubectl("apply", "--server-side", "-f", try write(fabric(), as: "dc1.json"))
        let result = try await kubectl("patch", "fabrics", "dc1", "-p", #"{"spec":{"asn":2}}"#, expectSuccess: false)
        XCTAssertTrue(result.stderr.contains("application/strategic-merge-patch+json is not supported"), result.stderr)
        try await kubectl("patch", "fabrics", "dc1", "--type=merge", "-p", #"{"spec":{"asn":2}}"#)
    }

    func testWatchReceivesEvents() async throws {
        try await installFabricCRD()
        try await kubectl("apply", "--server-side", "-f", try write(fabric(), as: "dc1.json"))
        let harness = self.harness!
        let (executable, environment) = (kubectl, self.environment)
        let watchTask = Task {
            try await harness.run(executable, ["get", "fabrics", "--watch", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.name} {.object.spec.asn}{\"\\n\"}", "--request-timeout=8s"], environment: environment)
        }
        let deadline = Date().addingTimeInterval(30)
        while harness.emulator.store.openWatchCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await kubectl("patch", "fabrics", "dc1", "--type=merge", "-p", #"{"spec":{"asn":3}}"#)
        try await kubectl("delete", "fabrics", "dc1")
        let output = try await watchTask.value.stdout
        XCTAssertEqual(output.split(separator: "\n"), ["ADDED dc1 65000", "MODIFIED dc1 3", "DELETED dc1 3"], output)
    }

    func testBuiltInsWithClientSideApplyLabelAndDelete() async throws {
        let file = try write(configMap("settings", data: ["a": "1"]), as: "cm.json")
        try await kubectl("apply", "-f", file)
        try await kubectl("label", "configmap", "settings", "team=net")
        let listed = try await kubectl("get", "configmaps", "-l", "team=net", "-o", "name")
        XCTAssertEqual(listed.stdout, "configmap/settings\n")
        try await kubectl("patch", "configmap", "settings", "-p", #"{"data":{"b":"2"}}"#)
        let data = try await kubectl("get", "configmap", "settings", "-o", "jsonpath={.data.b}")
        XCTAssertEqual(data.stdout, "2")
        try await kubectl("delete", "-f", file)
    }

    func testImperativeCreateCommandsSendingProtobufWork() async throws {
        try await kubectl("create", "namespace", "hedgehog-system")
        try await kubectl("create", "configmap", "settings", "-n", "hedgehog-system", "--from-literal=mode=lab")
        try await kubectl("create", "secret", "generic", "dc1-kubeconfig", "-n", "hedgehog-system", "--from-literal=value=apiVersion: v1")
        try await kubectl("create", "serviceaccount", "fabricsync", "-n", "hedgehog-system")
        let store = harness.emulator.store
        XCTAssertEqual(try store.get(store.type("configmaps"), namespace: "hedgehog-system", name: "settings").value(at: "data", "mode"), "lab")
        let secret = try store.get(store.type("secrets"), namespace: "hedgehog-system", name: "dc1-kubeconfig")
        XCTAssertEqual(secret.value(at: "data", "value"), .string(Data("apiVersion: v1".utf8).base64EncodedString()))
        XCTAssertEqual(secret["type"], "Opaque")
        let namespaces = try await kubectl("get", "namespaces", "hedgehog-system", "--no-headers")
        XCTAssertTrue(namespaces.stdout.contains("Active"), namespaces.stdout)
        try await kubectl("delete", "namespace", "hedgehog-system")
        let gone = try await kubectl("get", "namespace", "hedgehog-system", expectSuccess: false)
        XCTAssertTrue(gone.stderr.contains("NotFound"), gone.stderr)
    }

    /// What `kubectl apply --dry-run=server -k manifests/` sends for an in-cluster install.
    func testServerDryRunOfADeploymentKustomization() async throws {
        let folder = harness.folder.appendingPathComponent("deploy")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: fabricsync-system}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: fabricsync, namespace: fabricsync-system}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: fabricsync}
        rules:
        - apiGroups: ["wiring.githedgehog.com"]
          resources: ["*"]
          verbs: ["*"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: fabricsync}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fabricsync}
        subjects:
        - {kind: ServiceAccount, name: fabricsync, namespace: fabricsync-system}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: fabricsync, namespace: fabricsync-system}
        spec:
          replicas: 2
          selector: {matchLabels: {app: fabricsync}}
          template:
            metadata: {labels: {app: fabricsync}}
            spec:
              serviceAccountName: fabricsync
              containers:
              - name: fabricsync
                image: ghcr.io/example/fabricsync:latest
                args: ["run", "--leader-elect"]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: fabricsync-notifications, namespace: fabricsync-system}
        spec:
          selector: {fabric.githedgehog.com/role: leader}
          ports:
          - {name: http, port: 8080}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: fabricsync, namespace: fabricsync-system}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: fabricsync}}
        """
        try Data(manifests.utf8).write(to: folder.appendingPathComponent("all.yaml"))
        try Data("resources: [all.yaml]\n".utf8).write(to: folder.appendingPathComponent("kustomization.yaml"))
        try await kubectl("create", "namespace", "fabricsync-system")
        let result = try await kubectl("apply", "--server-side", "--dry-run=server", "-k", folder.path)
        XCTAssertTrue(result.stdout.contains("deployment.apps/fabricsync serverside-applied (server dry run)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("poddisruptionbudget.policy/fabricsync serverside-applied (server dry run)"), result.stdout)
        let store = harness.emulator.store
        assertAPIError(try store.get(store.type("deployments"), namespace: "fabricsync-system", name: "fabricsync"), code: 404, reason: "NotFound")
    }

    /// The repository's own CRDs and examples, when this checkout has them.
    func testRepositoryManifestsApply() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let crds = root.appendingPathComponent("manifests/crds")
        guard FileManager.default.fileExists(atPath: crds.path) else {
            throw XCTSkip("manifests/crds is not in this checkout yet")
        }
        try await kubectl("apply", "--server-side", "-k", crds.path)
        let established = try await kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=20s")
        XCTAssertTrue(established.stdout.contains("condition met"), established.stdout)

        let install = root.appendingPathComponent("manifests")
        try await kubectl("apply", "--server-side", "-k", install.path)
        let deployments = try await kubectl("get", "deployments", "-n", "fabricsync-system", "-o", "name")
        XCTAssertFalse(deployments.stdout.isEmpty, "the Deployment was stored")
        let dryRun = try await kubectl("apply", "--server-side", "--dry-run=server", "-k", install.path)
        XCTAssertTrue(dryRun.stdout.contains("(server dry run)"), dryRun.stdout)

        let examples = root.appendingPathComponent("examples/fabrics/dc1")
        guard FileManager.default.fileExists(atPath: examples.path) else { return }
        try await kubectl("create", "namespace", "hedgehog-system", expectSuccess: false)
        let applied = try await kubectl("apply", "--server-side", "-R", "-f", examples.path)
        XCTAssertTrue(applied.stdout.contains("serverside-applied"), applied.stdout)
        let switches = try await kubectl("get", "switches", "-A", "-o", "yaml")
        XCTAssertTrue(switches.stdout.contains("kind: Switch"), switches.stdout)
    }
}
