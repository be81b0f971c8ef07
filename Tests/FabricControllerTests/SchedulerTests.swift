import XCTest
@testable import FabricController

/// The scheduler's rules, in virtual time (seconds as `Duration`s, no clock).
final class SchedulerTests: XCTestCase {
    func makeScheduler(concurrency: Int = 4, jitter: Double = 0) -> Scheduler {
        var configuration = Scheduler.Configuration()
        configuration.concurrency = concurrency
        return Scheduler(configuration: configuration, jitter: { jitter })
    }

    func testNewFabricsRunAtStartupThenOnTheirOwnInterval() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .seconds(300), now: .zero)
        scheduler.register("b", interval: .seconds(60), now: .zero)
        XCTAssertEqual(scheduler.runsDue(now: .zero).map(\.trigger), [.startup, .startup])
        scheduler.finished("a", succeeded: true, now: .seconds(1))
        scheduler.finished("b", succeeded: true, now: .seconds(1))
        XCTAssertEqual(scheduler.nextWakeup(), .seconds(61))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(60)), [])
        XCTAssertEqual(scheduler.runsDue(now: .seconds(61)).map(\.fabric), ["b"])
        XCTAssertEqual(scheduler.runsDue(now: .seconds(301)).map { "\($0.fabric):\($0.trigger)" }, ["a:interval"])
    }

    func testJitterSpreadsIntervalsByAtMostTenPercent() {
        for (draw, expected) in [(-1.0, 270), (1.0, 330), (0.5, 315), (7.0, 330)] {
            var scheduler = makeScheduler(jitter: draw)
            scheduler.register("a", interval: .seconds(300), now: .zero)
            _ = scheduler.runsDue(now: .zero)
            scheduler.finished("a", succeeded: true, now: .zero)
            XCTAssertEqual(scheduler.nextIntervalRun("a"), .seconds(expected), "jitter \(draw)")
        }
    }

    func testIntervalZeroRunsOnlyOnChange() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .zero, now: .zero)
        _ = scheduler.runsDue(now: .zero)
        scheduler.finished("a", succeeded: true, now: .zero)
        XCTAssertNil(scheduler.nextWakeup())
        XCTAssertEqual(scheduler.runsDue(now: .seconds(100_000)), [])
        scheduler.trigger("a", .manual, now: .seconds(100_000))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(100_000)).map(\.trigger), [.manual])
    }

    func testBurstsCoalesceIntoOneRunNamedAfterTheMostDeliberateTrigger() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .zero, now: .zero)
        _ = scheduler.runsDue(now: .zero)
        scheduler.finished("a", succeeded: true, now: .zero)
        for i in 0..<50 { scheduler.trigger("a", .drift, now: .milliseconds(10 * i)) }
        scheduler.trigger("a", .manual, now: .milliseconds(500))
        let runs = scheduler.runsDue(now: .milliseconds(500))
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs.first?.trigger, .manual)
        XCTAssertEqual(runs.first?.coalesced, [.drift, .manual])
    }

    func testSourceChangesAreDebouncedButNotStarvedByAStream() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .zero, now: .zero)
        _ = scheduler.runsDue(now: .zero)
        scheduler.finished("a", succeeded: true, now: .zero)
        scheduler.trigger("a", .sourceChange, now: .seconds(10))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(10)), [], "waits the debounce")
        // A change every 100 ms keeps pushing the run back, up to the cap (2 s).
        var started: Duration?
        var now = Duration.seconds(10)
        while started == nil, now < .seconds(20) {
            now += .milliseconds(100)
            scheduler.trigger("a", .sourceChange, now: now)
            if !scheduler.runsDue(now: now).isEmpty { started = now }
        }
        XCTAssertEqual(started, .seconds(12))
    }

    func testOneRunPerFabricAtATimeAndTriggersDuringARunRunNext() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .seconds(300), now: .zero)
        XCTAssertEqual(scheduler.runsDue(now: .zero).count, 1)
        scheduler.trigger("a", .manual, now: .seconds(1))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(1)), [], "already running")
        scheduler.finished("a", succeeded: true, now: .seconds(2))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(2)).map(\.trigger), [.manual])
    }

    func testConcurrencyBoundsParallelRunsAndOthersFollow() {
        var scheduler = makeScheduler(concurrency: 2)
        for name in ["a", "b", "c", "d", "e"] { scheduler.register(name, interval: .seconds(300), now: .zero) }
        let first = scheduler.runsDue(now: .zero)
        XCTAssertEqual(first.count, 2)
        XCTAssertEqual(scheduler.runsDue(now: .zero), [])
        XCTAssertEqual(scheduler.queueDepth, 3)
        scheduler.finished(first[0].fabric, succeeded: true, now: .seconds(1))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(1)).count, 1)
    }

    func testFailuresBackOffExponentiallyToTheCapAndResetOnSuccess() {
        var scheduler = makeScheduler()
        XCTAssertEqual((1...10).map { scheduler.backoff(afterFailures: $0) }, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map { Duration.seconds($0) })
        scheduler.register("a", interval: .seconds(300), now: .zero)
        var now = Duration.zero
        var retryTimes: [Duration] = []
        _ = scheduler.runsDue(now: now)
        for _ in 0..<4 {
            scheduler.finished("a", succeeded: false, now: now)
            now = scheduler.nextWakeup()!
            retryTimes.append(now)
            XCTAssertEqual(scheduler.runsDue(now: now).map(\.trigger), [.retry])
        }
        XCTAssertEqual(retryTimes, [1, 3, 7, 15].map { Duration.seconds($0) })
        scheduler.finished("a", succeeded: true, now: now)
        XCTAssertEqual(scheduler.consecutiveFailures("a"), 0)
        XCTAssertEqual(scheduler.nextWakeup(), now + .seconds(300))
    }

    func testDriftWaitsOutTheBackoffButAManualRequestDoesNot() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .seconds(300), now: .zero)
        _ = scheduler.runsDue(now: .zero)
        scheduler.finished("a", succeeded: false, now: .zero)
        _ = scheduler.runsDue(now: .seconds(1))
        scheduler.finished("a", succeeded: false, now: .seconds(1))  // backoff now 2 s, until 3 s
        scheduler.trigger("a", .drift, now: .seconds(1.5))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(2)), [])
        scheduler.trigger("a", .manual, now: .seconds(2))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(2)).map(\.trigger), [.manual])
    }

    func testAFailingFabricNeverHoldsUpTheOthers() {
        var scheduler = makeScheduler(concurrency: 1)
        scheduler.register("bad", interval: .seconds(10), now: .zero)
        scheduler.register("good", interval: .seconds(10), now: .zero)
        var now = Duration.zero
        var goodRuns = 0
        while now < .seconds(100) {
            for run in scheduler.runsDue(now: now) {
                if run.fabric == "good" { goodRuns += 1 }
                scheduler.finished(run.fabric, succeeded: run.fabric == "good", now: now)
            }
            now += .milliseconds(500)
        }
        XCTAssertGreaterThanOrEqual(goodRuns, 9)
        XCTAssertGreaterThan(scheduler.consecutiveFailures("bad"), 3)
    }

    func testRemovedFabricsAreForgotten() {
        var scheduler = makeScheduler()
        scheduler.register("a", interval: .seconds(1), now: .zero)
        scheduler.remove("a")
        XCTAssertFalse(scheduler.trigger("a", .manual, now: .zero))
        XCTAssertEqual(scheduler.runsDue(now: .seconds(5)), [])
    }
}
