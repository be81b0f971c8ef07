import FabricSource
import FabricValue
import XCTest

/// Loading a realistic folder through the real YAML reader.
final class FolderSourceTests: XCTestCase {
    let fabricText = """
        apiVersion: wiring.githedgehog.com/v1alpha2
        kind: Fabric
        metadata:
          name: dc1
          namespace: hedgehog-system
        spec:
          asn: 65000
          sync:
            interval: 60
            targetNamespace: fab
        """

    func testLoadsFabricsMembersAndRealPositions() throws {
        let root = try temporaryFolder(self)
        try write([
            "dc1/fabric.yaml": fabricText,
            "dc1/switches.yaml": """
                # leaves
                apiVersion: wiring.githedgehog.com/v1beta1
                kind: Switch
                metadata:
                  name: leaf-01
                spec:
                  role: server-leaf
                  asn: 65101
                ---
                ---
                apiVersion: wiring.githedgehog.com/v1beta1
                kind: Switch
                metadata:
                  name: leaf-02
                  namespace: fab
                spec:
                  asn: "65102"
                """,
            "dc1/vpcs/vpc-1.yml": """
                apiVersion: vpc.githedgehog.com/v1beta1
                kind: VPC
                metadata: {name: vpc-1}
                spec:
                  subnets:
                    default: {subnet: 10.0.1.0/24, vlan: 1001}
                """,
            "dc1/kustomization.yaml": "resources: [switches.yaml]\n",
            "edge/fabric.yaml": fabricText.replacingOccurrences(of: "name: dc1", with: "name: edge"),
        ], under: root)
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: nil))
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.warnings.map(\.description), ["dc1/kustomization.yaml: skipped: kustomize builds are not supported yet"])
        XCTAssertEqual(loaded.fabrics.map(\.fabric.id), ["hedgehog-system/dc1", "hedgehog-system/edge"])
        let dc1 = loaded.fabrics[0]
        XCTAssertEqual(dc1.fabric.sync.interval, 60)
        XCTAssertEqual(dc1.members.map { $0.id.description }, [
            "wiring.githedgehog.com/v1beta1 Switch leaf-01",
            "wiring.githedgehog.com/v1beta1 Switch fab/leaf-02",
            "vpc.githedgehog.com/v1beta1 VPC vpc-1",
        ])
        XCTAssertEqual(dc1.members.map { "\($0.mark)" }, ["dc1/switches.yaml:2:1", "dc1/switches.yaml:11:1", "dc1/vpcs/vpc-1.yml:1:1"])
        XCTAssertEqual(dc1.members[1].object.value(at: "spec", "asn"), "65102", "objects are kept as written")
        XCTAssertEqual(loaded.fabrics[1].members.count, 0)
    }

    func testDuplicateMemberAfterNamespaceDefaultingIsFound() throws {
        let root = try temporaryFolder(self)
        let member = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
        try write(["fabric.yaml": fabricText, "a.yaml": member, "b.yaml": member.replacingOccurrences(of: "name: settings", with: "name: settings\n  namespace: fab")], under: root)
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: nil))
        XCTAssertEqual(loaded.issues.map(\.description), ["b.yaml:4:9: metadata.name: duplicate ConfigMap fab/settings: already defined at a.yaml:4:9"])
    }

    func testAnInvalidFabricDoesNotInvalidateItsNeighbour() throws {
        let root = try temporaryFolder(self)
        try write([
            "dc1/fabric.yaml": fabricText,
            "dc2/fabric.yaml": fabricText.replacingOccurrences(of: "name: dc1", with: "name: dc2").replacingOccurrences(of: "asn: 65000", with: "asn: 0"),
        ], under: root)
        let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: nil))
        XCTAssertEqual(loaded.fabrics.map(\.isValid), [true, false])
        XCTAssertEqual(loaded.fabrics[1].issues.map(\.description), ["dc2/fabric.yaml:7:8: spec.asn: must be between 1 and 4294967295, found 0"])
    }
}
