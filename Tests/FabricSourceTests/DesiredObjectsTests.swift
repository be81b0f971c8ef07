import FabricSource
import FabricValue
import XCTest

/// What is applied: ownership labels on every member, target namespace on namespaced kinds.
final class DesiredObjectsTests: XCTestCase {
    func testMembersGetOwnershipLabelsAndTheTargetNamespaceWhenNamespaced() throws {
        let root = try temporaryFolder(self)
        try write([
            "fabric.yaml": "apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Fabric\nmetadata:\n  name: dc1\nspec:\n  sync:\n    targetNamespace: fab\n",
            "members.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  labels: {team: net}
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: fab
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: pinned
                  namespace: other
                """,
        ], under: root)
        let source = try XCTUnwrap(SourceLoader.load(root: root, options: SourceOptions(git: nil)).fabrics.first)
        let objects = source.desiredMembers { $0.kind != "Namespace" }
        XCTAssertEqual(objects.map { $0.value(at: "metadata", "namespace") }, ["fab", nil, "other"])
        XCTAssertEqual(objects[0].value(at: "metadata", "labels"),
                       json(#"{"team":"net","fabric.githedgehog.com/name":"dc1","fabric.githedgehog.com/namespace":"default"}"#))
        XCTAssertEqual(objects[1].value(at: "metadata", "labels", OwnershipLabels.name), "dc1")
        XCTAssertEqual(source.fabricObject.value(at: "metadata", "namespace"), "default")
    }
}
