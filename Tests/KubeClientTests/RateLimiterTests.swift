import KubeClient
import XCTest

/// The QPS/burst token bucket in virtual time, and the limiter's cap on requests in flight.
final class RateLimiterTests: XCTestCase {
    func testABurstGoesAtOnceThenRequestsAreSpacedByQPS() {
        var bucket = TokenBucket(qps: 10, burst: 3, now: 0)
        let waits = (0..<6).map { _ in bucket.reserve(now: 0) }
        XCTAssertEqual(waits, [0, 0, 0, 0.1, 0.2, 0.3].map { $0 }, accuracy: 1e-9)
    }

    func testTokensRefillWithTimeUpToTheBurst() {
        var bucket = TokenBucket(qps: 2, burst: 4, now: 0)
        for _ in 0..<4 { XCTAssertEqual(bucket.reserve(now: 0), 0) }
        XCTAssertEqual(bucket.reserve(now: 1), 0, "two tokens back after one second")
        XCTAssertEqual(bucket.reserve(now: 1), 0)
        XCTAssertEqual(bucket.reserve(now: 1), 0.5, accuracy: 1e-9)
        var rested = TokenBucket(qps: 2, burst: 4, now: 0)
        let waits = (0..<5).map { _ in rested.reserve(now: 1000) }
        XCTAssertEqual(waits, [0, 0, 0, 0, 0.5], accuracy: 1e-9, "a long rest refills no more than the burst")
    }

    func testASteadyStreamIsHeldToQPS() {
        var bucket = TokenBucket(qps: 5, burst: 1, now: 0)
        var clock = 0.0
        for _ in 0..<100 { clock += bucket.reserve(now: clock) }
        XCTAssertEqual(clock, 99 / 5.0, accuracy: 1e-9, "100 requests at 5 QPS take 19.8 virtual seconds")
    }

    func testTheLimiterWaitsOnItsClock() async throws {
        let clock = VirtualClock()
        let limiter = RequestLimiter(qps: 4, burst: 2, maximumInFlight: 10, clock: clock)
        for _ in 0..<6 { try await limiter.waitForToken() }
        XCTAssertEqual(clock.slept, [0.25, 0.5, 0.75, 1.0], accuracy: 1e-9)
    }

    func testNoMoreThanTheCapRunAtOnce() async throws {
        let limiter = RequestLimiter(qps: 1_000_000, burst: 1_000_000, maximumInFlight: 3)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.run {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(gauge.peak, 3)
    }
}

/// A clock that records sleeps and advances by them at once.
final class VirtualClock: LimiterClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time = 0.0
    private var sleeps: [Double] = []
    var slept: [Double] { lock.withLock { sleeps } }
    func now() -> Double { lock.withLock { time } }
    func sleep(seconds: Double) async throws {
        lock.withLock { sleeps.append(seconds) }
    }
}

final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    func enter() { lock.withLock { current += 1; peak = max(peak, current) } }
    func leave() { lock.withLock { current -= 1 } }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b) \(message)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b) \(message)", file: file, line: line) }
}
