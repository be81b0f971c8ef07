import XCTest
@testable import FabricController

/// Every combination of the facts, checked against the design's promises
/// about what `syncStatus` may never say.
final class SyncStatusTableTests: XCTestCase {
    static var everyCombination: [SyncFacts] {
        var all: [SyncFacts] = []
        for targetConfigured in [false, true] {
            for enabled in [false, true] {
                for attemptInProgress in [false, true] {
                    for lastOutcome in AttemptOutcome.allCases {
                        for driftKnown in [false, true] {
                            for newerRevisionPending in [false, true] {
                                for overdue in [false, true] {
                                    all.append(SyncFacts(targetConfigured: targetConfigured, enabled: enabled, attemptInProgress: attemptInProgress, lastOutcome: lastOutcome, driftKnown: driftKnown, newerRevisionPending: newerRevisionPending, overdue: overdue))
                                }
                            }
                        }
                    }
                }
            }
        }
        return all
    }

    func testCoversAllCombinations() {
        XCTAssertEqual(Self.everyCombination.count, 2 * 2 * 2 * 3 * 2 * 2 * 2)
        XCTAssertEqual(Set(Self.everyCombination.map(SyncStatus.init)), Set(SyncStatus.allCases))
    }

    func testNeverInSyncWhileTheLastAttemptFailedOrDriftIsKnown() {
        for facts in Self.everyCombination where facts.lastOutcome == .failed || facts.driftKnown || facts.newerRevisionPending || facts.overdue {
            XCTAssertNotEqual(SyncStatus(facts), .inSync, "\(facts)")
        }
    }

    func testNeverInSyncWhileDisabledOrTargetNotConfigured() {
        for facts in Self.everyCombination where !facts.enabled || !facts.targetConfigured {
            XCTAssertNotEqual(SyncStatus(facts), .inSync, "\(facts)")
            XCTAssertNotEqual(SyncStatus(facts), .syncing, "\(facts)")
        }
    }

    func testNeverSyncingOnceTheAttemptEnded() {
        for facts in Self.everyCombination where !facts.attemptInProgress {
            XCTAssertNotEqual(SyncStatus(facts), .syncing, "\(facts)")
        }
    }

    func testInSyncOnlyAfterASuccessWithNothingOutstanding() {
        for facts in Self.everyCombination where SyncStatus(facts) == .inSync {
            XCTAssertEqual(facts.lastOutcome, .succeeded)
            XCTAssertTrue(facts.enabled && facts.targetConfigured && !facts.attemptInProgress)
            XCTAssertFalse(facts.driftKnown || facts.newerRevisionPending || facts.overdue)
        }
    }

    func testRowsOfTheTable() {
        let rows: [(SyncFacts, SyncStatus)] = [
            (SyncFacts(targetConfigured: false, lastOutcome: .succeeded), .notConfigured),
            (SyncFacts(enabled: false, lastOutcome: .failed), .disabled),
            (SyncFacts(attemptInProgress: true, lastOutcome: .failed), .syncing),
            (SyncFacts(lastOutcome: .failed), .error),
            (SyncFacts(lastOutcome: .none), .neverSynced),
            (SyncFacts(lastOutcome: .succeeded, driftKnown: true), .outOfSync),
            (SyncFacts(lastOutcome: .succeeded, newerRevisionPending: true), .outOfSync),
            (SyncFacts(lastOutcome: .succeeded, overdue: true), .outOfSync),
            (SyncFacts(lastOutcome: .succeeded), .inSync),
        ]
        for (facts, expected) in rows { XCTAssertEqual(SyncStatus(facts), expected, "\(facts)") }
    }

    func testOverdueMeansOlderThanTwiceTheIntervalAndNeverWithIntervalZero() {
        XCTAssertFalse(isOverdue(secondsSinceLastSync: 600, intervalSeconds: 300))
        XCTAssertTrue(isOverdue(secondsSinceLastSync: 601, intervalSeconds: 300))
        XCTAssertFalse(isOverdue(secondsSinceLastSync: 1e9, intervalSeconds: 0))
        XCTAssertFalse(isOverdue(secondsSinceLastSync: nil, intervalSeconds: 300))
    }
}
