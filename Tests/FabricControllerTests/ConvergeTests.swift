import FabricController
import FabricValue
import KubeEmulator
import XCTest

/// From empty to converged, and a second run that has nothing to do.
final class ConvergeTests: XCTestCase {
    func testConvergesFromEmptyAndSaysSo() async throws {
        let harness = try await ControllerHarness(files: [
            "dc/fabric.yaml": Fixtures.fabric("dc"),
            "dc/members.yaml": Fixtures.join(Fixtures.switchObject("leaf-01"), Fixtures.configMap("settings", ["mtu": "9100"])),
        ])
        defer { Task { await harness.shutdown() } }
        let reports = await harness.reconcileOnce()
        let report = try XCTUnwrap(reports["hedgehog-system/dc"])
        XCTAssertEqual(report.outcome, .succeeded, report.message)
        XCTAssertEqual(report.counts.created, 2)

        let fabric = try await harness.fabric("dc")
        XCTAssertEqual(fabric["status"]?["syncStatus"], "in_sync")
        XCTAssertEqual(fabric.value(at: "metadata", "finalizers"), ["fabric.githedgehog.com/finalizer"])
        XCTAssertEqual(fabric["status"]?["inventory"]?["entries"]?.arrayValue?.count, 2)
        let leaf = try await harness.object("wiring.githedgehog.com/v1beta1", "Switch", "leaf-01")
        XCTAssertEqual(leaf?.value(at: "metadata", "labels", "fabric.githedgehog.com/name"), "dc")
        XCTAssertEqual(leaf?.value(at: "metadata", "labels", "fabric.githedgehog.com/namespace"), "hedgehog-system")
        let events = try await harness.events()
        XCTAssertEqual(events.filter { $0["reason"] == "ReconciliationSucceeded" }.count, 1)
    }

    func testARunWithNothingToDoWritesOnlyOneStatusPatchAndNoEvent() async throws {
        let harness = try await ControllerHarness(files: [
            "a/fabric.yaml": Fixtures.fabric("a"),
            "a/members.yaml": Fixtures.join(Fixtures.switchObject("leaf-a"), Fixtures.configMap("a-settings", ["k": "v"])),
            "b/fabric.yaml": Fixtures.fabric("b"),
            "b/members.yaml": Fixtures.configMap("b-settings", ["k": "v"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        let eventsBefore = try await harness.events().count
        harness.emulator.requests.reset()

        let reports = await harness.reconcileOnce()
        XCTAssertTrue(reports.values.allSatisfy { $0.outcome == .succeeded && $0.counts.unchanged > 0 && !$0.counts.changedAnything })
        let log = harness.emulator.requests
        XCTAssertEqual(log.count(.apply), 0, "no member or Fabric write")
        XCTAssertEqual(log.count(.create) + log.count(.update) + log.count(.delete), 0)
        XCTAssertEqual(log.count(.patch, pathContains: "/status"), 2, "one status patch per fabric")
        XCTAssertEqual(log.count(.get) + log.count(.list), 0, "no read beyond the watch caches")
        let eventsAfter = try await harness.events().count
        XCTAssertEqual(eventsAfter, eventsBefore, "no new Event for a run that changed nothing")
    }
}
