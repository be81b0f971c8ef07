import FabricController
import FabricSource
import FabricValue
import Notifications
import XCTest

/// What a broken, narrowed or emptied source must never do: delete Fabrics
/// or prune their members.
final class SourceSafetyTests: XCTestCase {
    func testABrokenFabricFileDeletesNothing() async throws {
        let harness = try await ControllerHarness(files: [
            "a/fabric.yaml": Fixtures.fabric("a"), "a/m.yaml": Fixtures.configMap("a-m", ["v": "1"]),
            "b/fabric.yaml": Fixtures.fabric("b"), "b/m.yaml": Fixtures.configMap("b-m", ["v": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.write("b/fabric.yaml", "apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Fabric\nmetadata: [broken\n")
        try await harness.whileRunning {
            try await Task.sleep(for: .seconds(1))
        }
        let b = try await harness.fabric("b")
        XCTAssertNil(b.value(at: "metadata", "deletionTimestamp"), "a Fabric whose file fails to parse is not deleted")
        let bm = try await harness.object("v1", "ConfigMap", "b-m")
        XCTAssertNotNil(bm)
    }

    func testANarrowerSourceNeverDeletesFabricsItDidNotApply() async throws {
        let harness = try await ControllerHarness(files: [
            "a/fabric.yaml": Fixtures.fabric("a"), "a/m.yaml": Fixtures.configMap("a-m", ["v": "1"]),
            "b/fabric.yaml": Fixtures.fabric("b"), "b/m.yaml": Fixtures.configMap("b-m", ["v": "1"]),
        ])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        // A second instance pointed at only a/ (another identity) runs against the same cluster.
        let narrow = Controller(configuration: Controller.Configuration(),
                                source: FolderSource(root: harness.folder.appendingPathComponent("a").path, options: SourceOptions(git: nil)),
                                home: harness.cluster, reconciler: harness.reconciler, log: .silent)
        _ = await narrow.reconcileEveryFabricOnce()
        let narrowLoop = Task { await narrow.run() }
        try await Task.sleep(for: .seconds(1))
        narrowLoop.cancel()
        let b = try await harness.fabric("b")
        XCTAssertNil(b.value(at: "metadata", "deletionTimestamp"))
        let bm = try await harness.object("v1", "ConfigMap", "b-m")
        XCTAssertNotNil(bm)
    }

    func testAWhollyEmptiedSourceRefusesAndKeepsEverything() async throws {
        let harness = try await ControllerHarness(files: ["a/fabric.yaml": Fixtures.fabric("a", allowEmpty: true), "a/m.yaml": Fixtures.configMap("a-m", ["v": "1"])])
        defer { Task { await harness.shutdown() } }
        _ = await harness.reconcileOnce()
        try harness.remove("a")
        try await harness.whileRunning {
            try await harness.eventually("PruneRefused") {
                Conditions(try await harness.fabric("a")["status"]?["conditions"])[ConditionType.ready]?.reason == "PruneRefused"
            }
        }
        let a = try await harness.fabric("a")
        XCTAssertNil(a.value(at: "metadata", "deletionTimestamp"))
        XCTAssertEqual(a.value(at: "status", "syncStatus"), "error")
        let am = try await harness.object("v1", "ConfigMap", "a-m")
        XCTAssertNotNil(am)
    }

    func testAPrunedMemberIsNotReportedAsDrift() async throws {
        let harness = try await ControllerHarness(files: ["a/fabric.yaml": Fixtures.fabric("a"), "a/m.yaml": Fixtures.configMap("a-m", ["v": "1"]), "a/n.yaml": Fixtures.configMap("a-n", ["v": "1"])])
        defer { Task { await harness.shutdown() } }
        let events = DriftTests.Collector()
        var all = Subscriptions()
        all.apply(.subscribe(.all))
        _ = harness.hub.connect(events, subscriptions: all)
        try await harness.whileRunning {
            try await harness.eventually("converged") { try await harness.fabric("a").value(at: "status", "syncStatus") == "in_sync" }
            try harness.remove("a/n.yaml")
            try await harness.eventually("pruned") { try await harness.object("v1", "ConfigMap", "a-n") == nil }
            try await Task.sleep(for: .milliseconds(500))
        }
        XCTAssertEqual(events.of(MessageType.driftDetected).count, 0)
    }
}
