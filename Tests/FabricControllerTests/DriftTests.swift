import FabricController
import FabricValue
import Notifications
import Synchronization
import XCTest

/// Someone edits a member in the cluster: the watch sees it at once, it is
/// reported, and put back — or, with `--drift-policy report`, left and reported.
final class DriftTests: XCTestCase {
    final class Collector: EventSink {
        let received = Mutex<[Envelope]>([])
        func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool { received.withLock { $0.append(envelope) }; return true }
        func overflowed() {}
        func of(_ type: String) -> [Envelope] { received.withLock { $0.filter { $0.type == type } } }
    }

    func subscribeAll(_ hub: EventHub) -> Collector {
        let collector = Collector()
        var subscriptions = Subscriptions()
        subscriptions.apply(.subscribe(.all))
        _ = hub.connect(collector, subscriptions: subscriptions)
        return collector
    }

    func testAnEditedMemberIsReportedAndPutBack() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/s.yaml": Fixtures.switchObject("leaf-01", description: "as in git")])
        defer { Task { await harness.shutdown() } }
        let events = subscribeAll(harness.hub)
        try await harness.whileRunning {
            try await harness.eventually("converged") { try await harness.fabric("dc").value(at: "status", "syncStatus") == "in_sync" }
            _ = try await harness.client.mergePatch(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch", namespace: "default", name: "leaf-01", patch: ["spec": ["description": "edited by hand"]])
            try await harness.eventually("the edit is reverted") {
                try await harness.object("wiring.githedgehog.com/v1beta1", "Switch", "leaf-01")?.value(at: "spec", "description") == "as in git"
            }
        }
        let drift = try XCTUnwrap(events.of(MessageType.driftDetected).first)
        XCTAssertEqual(drift.fabricID, "hedgehog-system/dc")
        XCTAssertEqual(drift.data["policy"], "correct")
        XCTAssertEqual(drift.data["objects"], [["id": "default_leaf-01_wiring.githedgehog.com_Switch", "fields": ["spec.description"]]])
        XCTAssertTrue(events.of(MessageType.syncStarted).contains { $0.data["trigger"] == "drift" })
    }

    func testReportPolicyLeavesDriftAndSaysDrifted() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/s.yaml": Fixtures.switchObject("leaf-01", description: "as in git")], driftPolicy: .report)
        defer { Task { await harness.shutdown() } }
        let events = subscribeAll(harness.hub)
        try await harness.whileRunning {
            try await harness.eventually("converged") { try await harness.fabric("dc").value(at: "status", "syncStatus") == "in_sync" }
            _ = try await harness.client.mergePatch(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch", namespace: "default", name: "leaf-01", patch: ["spec": ["description": "edited by hand"]])
            try await harness.eventually("Drifted=True is written") {
                let status = try await harness.fabric("dc")["status"]
                return Conditions(status?["conditions"]).isTrue(ConditionType.drifted) && status?["syncStatus"] == "out_of_sync"
            }
        }
        let leaf = try await harness.object("wiring.githedgehog.com/v1beta1", "Switch", "leaf-01")
        XCTAssertEqual(leaf?.value(at: "spec", "description"), "edited by hand", "report changes nothing")
        XCTAssertEqual(events.of(MessageType.driftDetected).first?.data["policy"], "report")
    }

    func testTheRequestedAtAnnotationTriggersAManualRun() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/m.yaml": Fixtures.configMap("m", ["a": "1"])])
        defer { Task { await harness.shutdown() } }
        let events = subscribeAll(harness.hub)
        try await harness.whileRunning {
            try await harness.eventually("converged") { try await harness.fabric("dc").value(at: "status", "syncStatus") == "in_sync" }
            _ = try await harness.client.mergePatch(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc",
                                                    patch: ["metadata": ["annotations": ["fabric.githedgehog.com/requestedAt": "2026-11-23T10:00:00Z"]]])
            try await harness.eventually("a manual run starts") { events.of(MessageType.syncStarted).contains { $0.data["trigger"] == "manual" } }
        }
    }
}
