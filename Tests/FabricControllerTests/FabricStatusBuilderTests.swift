import XCTest
import FabricValue
@testable import FabricController

final class FabricStatusBuilderTests: XCTestCase {
    let t0 = 1_795_283_093.0
    let inventory = [InventoryEntry(id: "default_leaf-01_wiring.githedgehog.com_Switch", version: "v1beta1")]

    func success(_ builder: FabricStatusBuilder, previous: Value? = nil, drift: Bool = false) -> Value {
        builder.final(previous: previous, result: .init(outcome: .succeeded, attemptedRevision: "sha256:abc", counts: ChangeCounts(created: 1), inventory: inventory, duration: .milliseconds(1234), nextSyncSeconds: t0 + 300, driftKnown: drift))
    }

    func testASuccessfulReconcileIsReadyAndInSync() {
        let status = success(FabricStatusBuilder(generation: 3, intervalSeconds: 300, now: t0))
        XCTAssertEqual(status["syncStatus"], "in_sync")
        XCTAssertEqual(status["observedGeneration"], 3)
        XCTAssertEqual(status["lastSyncTime"], "2026-11-21T17:44:53Z")
        XCTAssertEqual(status["lastAttemptTime"], "2026-11-21T17:44:53Z")
        XCTAssertEqual(status["nextSyncTime"], "2026-11-21T17:49:53Z")
        XCTAssertEqual(status["lastSyncDuration"], "1.234s")
        XCTAssertEqual(status["lastAppliedRevision"], "sha256:abc")
        XCTAssertEqual(status["inventory"]?["entries"], [["id": "default_leaf-01_wiring.githedgehog.com_Switch", "v": "v1beta1"]])
        let conditions = Conditions(status["conditions"])
        XCTAssertEqual(conditions[ConditionType.ready]?.status, .true)
        XCTAssertEqual(conditions[ConditionType.ready]?.reason, "ReconciliationSucceeded")
        XCTAssertNil(conditions[ConditionType.reconciling])
        XCTAssertEqual(conditions[ConditionType.drifted]?.status, .false)
    }

    func testAFailureKeepsTheLastGoodSyncAndSaysError() {
        let first = success(FabricStatusBuilder(generation: 1, intervalSeconds: 300, now: t0))
        let failed = FabricStatusBuilder(generation: 1, intervalSeconds: 300, now: t0 + 60).final(
            previous: first,
            result: .init(outcome: .failed(reason: ConditionReason.validationFailed, message: "dc1/switches.yaml:3:7: spec.asn: must be an integer"), attemptedRevision: "sha256:def", inventory: inventory, duration: .milliseconds(5), nextSyncSeconds: nil))
        XCTAssertEqual(failed["syncStatus"], "error")
        XCTAssertEqual(failed["lastSyncTime"], "2026-11-21T17:44:53Z")
        XCTAssertEqual(failed["lastAttemptTime"], "2026-11-21T17:45:53Z")
        XCTAssertEqual(failed["lastAppliedRevision"], "sha256:abc")
        XCTAssertEqual(failed["lastAttemptedRevision"], "sha256:def")
        let conditions = Conditions(failed["conditions"])
        XCTAssertEqual(conditions[ConditionType.ready]?.status, .false)
        XCTAssertEqual(conditions[ConditionType.ready]?.reason, "ValidationFailed")
        XCTAssertEqual(conditions[ConditionType.ready]?.message, "dc1/switches.yaml:3:7: spec.asn: must be an integer")
        XCTAssertEqual(conditions[ConditionType.ready]?.lastTransitionTime, "2026-11-21T17:45:53Z")
        XCTAssertEqual(conditions[ConditionType.stalled]?.status, .true)
    }

    func testProgressingThenFinalNeverLeavesSyncing() {
        let builder = FabricStatusBuilder(generation: 1, intervalSeconds: 300, now: t0)
        let progressing = builder.progressing(previous: nil, revision: "sha256:abc")
        XCTAssertEqual(progressing["syncStatus"], "syncing")
        XCTAssertTrue(Conditions(progressing["conditions"]).isTrue(ConditionType.reconciling))
        let done = success(builder, previous: progressing)
        XCTAssertEqual(done["syncStatus"], "in_sync")
        XCTAssertNil(Conditions(done["conditions"])[ConditionType.reconciling])
    }

    func testDriftDisabledAndNotConfiguredRows() {
        let builder = FabricStatusBuilder(generation: 1, intervalSeconds: 0, now: t0)
        let drifted = success(builder, drift: true)
        XCTAssertEqual(drifted["syncStatus"], "out_of_sync")
        XCTAssertNil(drifted["nextSyncTime"], "interval 0 has no next sync")
        XCTAssertTrue(Conditions(drifted["conditions"]).isTrue(ConditionType.drifted))

        let disabled = builder.final(previous: nil, result: .init(outcome: .disabled, attemptedRevision: nil, inventory: [], duration: .zero, nextSyncSeconds: nil))
        XCTAssertEqual(disabled["syncStatus"], "disabled")
        XCTAssertEqual(Conditions(disabled["conditions"])[ConditionType.ready]?.reason, "Disabled")

        let unconfigured = builder.final(previous: nil, result: .init(outcome: .clusterNotConfigured(message: "Secret hedgehog-system/dc1-kubeconfig not found"), attemptedRevision: nil, inventory: [], duration: .zero, nextSyncSeconds: nil))
        XCTAssertEqual(unconfigured["syncStatus"], "not_configured")
        XCTAssertEqual(Conditions(unconfigured["conditions"])[ConditionType.ready]?.reason, "ClusterNotConfigured")
    }

    func testOverdueWhenTheLastGoodSyncIsOlderThanTwiceTheInterval() {
        let old = success(FabricStatusBuilder(generation: 1, intervalSeconds: 60, now: t0))
        let later = FabricStatusBuilder(generation: 1, intervalSeconds: 60, now: t0 + 121).final(
            previous: old, result: .init(outcome: .failed(reason: ConditionReason.applyFailed, message: "boom"), attemptedRevision: nil, inventory: inventory, duration: .zero, nextSyncSeconds: nil))
        XCTAssertEqual(later["syncStatus"], "error", "a failure wins over overdue")
    }
}
