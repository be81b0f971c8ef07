import FabricController
import FabricValue
import XCTest

/// What the source says goes: removed files are pruned, broken files stop
/// only their fabric, an emptied source prunes nothing unless allowed.
final class SourceChangeTests: XCTestCase {
    func testARemovedMemberFileIsPruned() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc"),
            "dc/keep.yaml": Fixtures.configMap("keep", ["a": "1"]),
            "dc/gone.yaml": Fixtures.configMap("gone", ["a": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.remove("dc/gone.yaml")
        let reports = await harness.reconcileOnce()
        let report = try XCTUnwrap(reports["hedgehog-system/dc"])
        XCTAssertEqual(report.counts.pruned, 1)
        let gone = try await harness.object("v1", "ConfigMap", "gone")
        let kept = try await harness.object("v1", "ConfigMap", "keep")
        XCTAssertNil(gone)
        XCTAssertNotNil(kept)
        let inventory = try await harness.fabric("dc")["status"]?["inventory"]?["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(inventory, ["default_keep__ConfigMap"])
    }

    func testABrokenFileStopsOnlyItsFabricAndSaysWhere() async throws {
        let harness = try await ControllerHarness(files: [
            "good/fabric.yaml": Fixtures.fabric("good"),
            "good/members.yaml": Fixtures.configMap("good-settings", ["a": "1"]),
            "bad/fabric.yaml": Fixtures.fabric("bad"),
            "bad/members.yaml": Fixtures.configMap("bad-settings", ["a": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.write("bad/members.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad-settings\ndata:\n\tbroken: true\n")
        try harness.write("bad/more.yaml", Fixtures.configMap("bad-new", ["b": "2"]))
        try harness.write("good/more.yaml", Fixtures.configMap("good-new", ["b": "2"]))
        let reports = await harness.reconcileOnce()

        XCTAssertEqual(reports["hedgehog-system/good"]?.outcome, .succeeded)
        let goodNew = try await harness.object("v1", "ConfigMap", "good-new")
        XCTAssertNotNil(goodNew)

        let bad = try await harness.fabric("bad")
        XCTAssertEqual(bad["status"]?["syncStatus"], "error")
        let ready = Conditions(bad["status"]?["conditions"])[ConditionType.ready]
        XCTAssertEqual(ready?.reason, "ValidationFailed")
        XCTAssertTrue(ready?.message.contains("bad/members.yaml:6:1:") ?? false, ready?.message ?? "")
        let badNew = try await harness.object("v1", "ConfigMap", "bad-new")
        let badOld = try await harness.object("v1", "ConfigMap", "bad-settings")
        XCTAssertNil(badNew, "nothing applied for a broken fabric")
        XCTAssertNotNil(badOld, "nothing pruned for a broken fabric")
    }

    func testAnEmptiedFabricPrunesNothingUnlessItAllowsEmpty() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc"),
            "dc/members.yaml": Fixtures.configMap("settings", ["a": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.remove("dc/members.yaml")
        let refusedRun = await harness.reconcileOnce()
        let refused = try XCTUnwrap(refusedRun["hedgehog-system/dc"])
        XCTAssertEqual(refused.outcome.reason, "PruneRefused")
        let stillThere = try await harness.object("v1", "ConfigMap", "settings")
        XCTAssertNotNil(stillThere)
        let fabricAfterRefusal = try await harness.fabric("dc")
        XCTAssertEqual(fabricAfterRefusal["status"]?["syncStatus"], "error")

        try harness.write("dc/fabric.yaml", Fixtures.fabric("dc", allowEmpty: true))
        let allowedRun = await harness.reconcileOnce()
        let allowed = try XCTUnwrap(allowedRun["hedgehog-system/dc"])
        XCTAssertEqual(allowed.outcome, .succeeded, allowed.message)
        XCTAssertEqual(allowed.counts.pruned, 1)
    }

    func testADisabledFabricAppliesNothing() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc", enabled: false),
            "dc/members.yaml": Fixtures.configMap("settings", ["a": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        let reports = await harness.reconcileOnce()
        let report = try XCTUnwrap(reports["hedgehog-system/dc"])
        XCTAssertEqual(report.outcome, .disabled)
        let fabric = try await harness.fabric("dc")
        XCTAssertEqual(fabric["status"]?["syncStatus"], "disabled")
        XCTAssertEqual(Conditions(fabric["status"]?["conditions"])[ConditionType.ready]?.reason, "Disabled")
        let settings = try await harness.object("v1", "ConfigMap", "settings")
        XCTAssertNil(settings)
    }

    func testAFabricSpecEditedInTheClusterIsPutBack() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/m.yaml": Fixtures.configMap("m", ["a": "1"])])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        _ = try await harness.client.mergePatch(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc", patch: ["spec": ["asn": 65999]])
        try await harness.whileRunning {
            try await harness.eventually("the Fabric's asn is put back") {
                try await harness.fabric("dc").value(at: "spec", "asn") == 65000
            }
        }
    }
}
