import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// `applyManifests(in:)`, what `--embedded-cluster` uses to install `manifests/crds/`.
final class ManifestInstallTests: XCTestCase {
    func testAppliesCRDsFirstThenObjectsFromYAMLFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // `try?` in defer: cleanup only.
        let fabricYAML = """
        apiVersion: wiring.githedgehog.com/v1alpha2
        kind: Fabric
        metadata:
          name: dc1
          namespace: lab
        spec:
          asn: 65000
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: lab
        """
        try Data(fabricYAML.utf8).write(to: folder.appendingPathComponent("a-fabric.yaml"))
        try Data(JSONWriter.data(fabricCRD)).write(to: folder.appendingPathComponent("z-crd.json"))
        try Data("resources: [a-fabric.yaml]\n".utf8).write(to: folder.appendingPathComponent("kustomization.yaml"))

        let emulator = try KubeEmulator()
        let applied = try emulator.applyManifests(in: folder.path)
        XCTAssertEqual(applied, ["CustomResourceDefinition/fabrics.wiring.githedgehog.com", "Namespace/lab", "Fabric/dc1"])
        let stored = try emulator.store.get(emulator.store.type("fabrics"), namespace: "lab", name: "dc1")
        XCTAssertEqual(stored.value(at: "metadata", "managedFields")?.arrayValue?.first?["manager"], "fabricsync")
    }
}
