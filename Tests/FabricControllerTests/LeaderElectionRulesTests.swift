import XCTest
import FabricValue
@testable import FabricController

final class LeaderElectionRulesTests: XCTestCase {
    let a = LeaderElectionRules(identity: "pod-a")
    let b = LeaderElectionRules(identity: "pod-b")

    func testTheFirstComerTakesAnAbsentLease() {
        guard case .write(let record) = a.decide(current: nil, now: 100) else { return XCTFail() }
        XCTAssertEqual(record.holderIdentity, "pod-a")
        XCTAssertEqual(record.leaseDurationSeconds, 15)
        XCTAssertEqual(record.leaseTransitions, 0)
    }

    func testALiveLeaseHeldByAnotherIsRespectedUntilItExpires() {
        let held = LeaderElectionRules.LeaseRecord(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: 100, renewTime: 110, leaseTransitions: 3)
        XCTAssertEqual(b.decide(current: held, now: 124.9), .standBy(holder: "pod-a"))
        guard case .write(let taken) = b.decide(current: held, now: 125) else { return XCTFail("expired at 125") }
        XCTAssertEqual(taken.holderIdentity, "pod-b")
        XCTAssertEqual(taken.acquireTime, 125)
        XCTAssertEqual(taken.leaseTransitions, 4)
    }

    func testTheHolderRenewsKeepingItsAcquireTime() {
        let held = LeaderElectionRules.LeaseRecord(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: 100, renewTime: 110, leaseTransitions: 3)
        guard case .write(let renewed) = a.decide(current: held, now: 112) else { return XCTFail() }
        XCTAssertEqual(renewed.acquireTime, 100)
        XCTAssertEqual(renewed.renewTime, 112)
        XCTAssertEqual(renewed.leaseTransitions, 3)
    }

    func testAReleasedLeaseIsTakenAtOnce() {
        let held = LeaderElectionRules.LeaseRecord(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: 100, renewTime: 110, leaseTransitions: 3)
        let released = a.released(held)!
        XCTAssertNil(b.released(held), "only the holder releases")
        guard case .write(let taken) = b.decide(current: released, now: 111) else { return XCTFail() }
        XCTAssertEqual(taken.holderIdentity, "pod-b")
        XCTAssertEqual(taken.leaseTransitions, 4)
    }

    func testALeaderThatCannotRenewStepsDownBeforeItsLeaseExpires() {
        XCTAssertFalse(a.mustStepDown(lastRenewal: 100, now: 109.9))
        XCTAssertTrue(a.mustStepDown(lastRenewal: 100, now: 110))
        XCTAssertLessThan(a.renewDeadline, a.leaseDuration)
    }

    func testLeaseRecordsRoundTripThroughTheLeaseObject() {
        let record = LeaderElectionRules.LeaseRecord(holderIdentity: "pod-a", leaseDurationSeconds: 15, acquireTime: 1_795_283_093, renewTime: 1_795_283_095.5, leaseTransitions: 2)
        XCTAssertEqual(record.spec["renewTime"], "2026-11-21T17:44:55.500000Z")
        XCTAssertEqual(LeaderElectionRules.LeaseRecord(lease: ["spec": record.spec]), record)
    }
}
