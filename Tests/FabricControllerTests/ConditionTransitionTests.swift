import XCTest
import FabricValue
@testable import FabricController

final class ConditionTransitionTests: XCTestCase {
    func testTransitionTimeMovesOnlyWhenTheStatusChanges() {
        var conditions = Conditions()
        conditions.set(ConditionType.ready, .false, reason: ConditionReason.progressing, message: "a", generation: 1, now: "t1")
        conditions.set(ConditionType.ready, .false, reason: ConditionReason.applyFailed, message: "b", generation: 2, now: "t2")
        XCTAssertEqual(conditions[ConditionType.ready]?.lastTransitionTime, "t1")
        XCTAssertEqual(conditions[ConditionType.ready]?.reason, ConditionReason.applyFailed)
        XCTAssertEqual(conditions[ConditionType.ready]?.observedGeneration, 2)
        conditions.set(ConditionType.ready, .true, reason: ConditionReason.reconciliationSucceeded, message: "c", generation: 2, now: "t3")
        XCTAssertEqual(conditions[ConditionType.ready]?.lastTransitionTime, "t3")
    }

    func testKeepsAStableOrderAndRoundTripsThroughValues() {
        var conditions = Conditions()
        conditions.set(ConditionType.drifted, .false, reason: ConditionReason.noDrift, message: "", generation: 1, now: "t")
        conditions.set(ConditionType.ready, .true, reason: ConditionReason.reconciliationSucceeded, message: "ok", generation: 1, now: "t")
        XCTAssertEqual(conditions.items.map(\.type), ["Ready", "Drifted"])
        XCTAssertEqual(Conditions(conditions.value), conditions)
        XCTAssertTrue(conditions.isTrue(ConditionType.ready))
    }
}
