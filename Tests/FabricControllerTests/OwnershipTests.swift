import FabricController
import FabricValue
import XCTest

/// Objects that existed before: unlabelled ones are adopted, another
/// fabric's are left alone; deleting a Fabric prunes only what it applied.
final class OwnershipTests: XCTestCase {
    func testAnUnlabelledObjectIsAdoptedAndAnotherFabricsIsRefused() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc"),
            "dc/members.yaml": Fixtures.join(Fixtures.configMap("orphan", ["a": "1"]), Fixtures.configMap("theirs", ["a": "1"])),
        ])
        defer { Task { await harness.shutdown() } }
        _ = try await harness.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "orphan", "namespace": "default"], "data": ["a": "0"]])
        _ = try await harness.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": [
            "name": "theirs", "namespace": "default",
            "labels": ["fabric.githedgehog.com/name": "other", "fabric.githedgehog.com/namespace": "hedgehog-system"],
        ], "data": ["a": "0"]])
        let reports = await harness.reconcileOnce()
        let report = try XCTUnwrap(reports["hedgehog-system/dc"])
        XCTAssertEqual(report.counts.adopted, 1)
        XCTAssertEqual(report.counts.failed, 1)
        XCTAssertEqual(report.outcome.reason, "ApplyFailed")
        XCTAssertTrue(report.message.contains("belongs to fabric hedgehog-system/other"), report.message)
        let orphan = try await harness.object("v1", "ConfigMap", "orphan")
        let theirs = try await harness.object("v1", "ConfigMap", "theirs")
        XCTAssertEqual(orphan?.value(at: "data", "a"), "1")
        XCTAssertEqual(orphan?.value(at: "metadata", "labels", "fabric.githedgehog.com/name"), "dc")
        XCTAssertEqual(theirs?.value(at: "data", "a"), "0", "never a tug of war")
    }

    func testDeletingAFabricPrunesItsInventoryThroughTheFinalizer() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc"),
            "dc/members.yaml": Fixtures.join(Fixtures.configMap("one", ["a": "1"]), Fixtures.switchObject("leaf-01")),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        _ = try await harness.client.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "bystander", "namespace": "default"]])
        try await harness.whileRunning {
            _ = try await harness.client.delete(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc")
            try await harness.eventually("the members are pruned") {
                try await harness.object("v1", "ConfigMap", "one") == nil
            }
        }
        let leaf = try await harness.object("wiring.githedgehog.com/v1beta1", "Switch", "leaf-01")
        let bystander = try await harness.object("v1", "ConfigMap", "bystander")
        XCTAssertNil(leaf)
        XCTAssertNotNil(bystander, "only what the fabric applied is pruned")
    }

    func testDeletingAFabricWithPruneOffKeepsItsMembers() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc", prune: false),
            "dc/members.yaml": Fixtures.configMap("one", ["a": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.remove("dc/fabric.yaml")
        try harness.remove("dc/members.yaml")
        try harness.write("other/fabric.yaml", Fixtures.fabric("other"))
        try harness.write("other/m.yaml", Fixtures.configMap("other-m", ["a": "1"]))
        try await harness.whileRunning {
            try await harness.eventually("the Fabric whose file left the source is gone") {
                try await harness.client.getIfPresent(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc") == nil
            }
        }
        let one = try await harness.object("v1", "ConfigMap", "one")
        XCTAssertNotNil(one, "prune: false keeps the members")
    }
}
