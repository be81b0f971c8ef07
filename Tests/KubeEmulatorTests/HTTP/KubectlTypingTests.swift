import FabricValue
import FabricYAML
import Foundation
import XCTest
@testable import KubeEmulator

/// Our YAML typing against what the real `kubectl` sends for the same file:
/// `kubectl create --dry-run=client -o json` prints the object as kubectl
/// decoded it (sigs.k8s.io/yaml on go-yaml v2), with no write.
final class KubectlTypingTests: XCTestCase {
    let kubectl = "/usr/bin/kubectl"

    func testOurScalarTypingMatchesKubectls() async throws {
        guard FileManager.default.isExecutableFile(atPath: kubectl) else {
            throw XCTSkip("kubectl is not installed at \(kubectl); this test compares with the real client")
        }
        let harness = try await EmulatorHarness()
        defer { Task { await harness.stop() } }
        let kubeconfig = harness.folder.appendingPathComponent("kubeconfig").path
        try harness.emulator.writeKubeconfig(to: kubeconfig)
        let environment = ["KUBECONFIG": kubeconfig, "KUBECACHEDIR": harness.folder.appendingPathComponent("cache").path, "HOME": harness.folder.path]

        // A cluster-scoped kind that keeps any field, so kubectl can map it.
        let crd: Value = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "typingfixtures.fabricsync.githedgehog.com"],
            "spec": [
                "group": "fabricsync.githedgehog.com", "scope": "Cluster",
                "names": ["plural": "typingfixtures", "singular": "typingfixture", "kind": "TypingFixture", "listKind": "TypingFixtureList"],
                "versions": [["name": "v1alpha1", "served": true, "storage": true,
                              "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]],
            ],
        ]
        let crdPath = harness.folder.appendingPathComponent("crd.json").path
        try Data(JSONWriter.data(crd)).write(to: URL(fileURLWithPath: crdPath))
        let applied = try await harness.run(kubectl, ["apply", "--server-side", "-f", crdPath], environment: environment)
        XCTAssertEqual(applied.status, 0, applied.stderr)

        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FabricYAMLTests/Fixtures/typing.yaml")
        let bytes = Array(try Data(contentsOf: fixture))
        let ours = try XCTUnwrap(try YAMLReader.documents(in: bytes, file: "typing.yaml").first?.value["values"]?.objectValue)
        let printed = try await harness.run(kubectl, ["create", "--dry-run=client", "-o", "json", "-f", fixture.path], environment: environment)
        XCTAssertEqual(printed.status, 0, printed.stderr)
        let theirs = try XCTUnwrap(try JSONReader.parse(printed.stdout)["values"]?.objectValue)

        XCTAssertEqual(Set(ours.keys), Set(theirs.keys))
        var compared = 0
        for (key, value) in ours {
            guard let kubectlValue = theirs[key] else { continue }
            compared += 1
            if let a = value.doubleValue, let b = kubectlValue.doubleValue {
                XCTAssertEqual(a, b, "\(key): ours \(value), kubectl \(kubectlValue)")
            } else {
                XCTAssertEqual(value, kubectlValue, "\(key): ours \(value.typeName) \(value), kubectl \(kubectlValue.typeName) \(kubectlValue)")
            }
        }
        XCTAssertGreaterThan(compared, 50)
    }
}
