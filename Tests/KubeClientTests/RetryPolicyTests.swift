import KubeClient
import XCTest

/// Which failures are retried, and after how long.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(100), maximumDelay: .seconds(10), jitter: 0.5)

    func testDecisionsTable() {
        typealias Case = (String, RetryPolicy.Outcome, Bool, Bool, RetryPolicy.Decision)
        let cases: [Case] = [
            ("429 with Retry-After, any verb", .response(status: 429, retryAfter: "3"), false, false, .retry(after: .seconds(3))),
            ("503 with Retry-After, any verb", .response(status: 503, retryAfter: "7"), false, false, .retry(after: .seconds(7))),
            ("Retry-After above the cap", .response(status: 429, retryAfter: "600"), true, false, .retry(after: .seconds(10))),
            ("429 without Retry-After backs off", .response(status: 429, retryAfter: nil), false, false, .retry(after: .milliseconds(100))),
            ("unreadable Retry-After backs off", .response(status: 503, retryAfter: "soon"), true, false, .retry(after: .milliseconds(100))),
            ("503 without Retry-After, not idempotent", .response(status: 503, retryAfter: nil), false, false, .giveUp),
            ("500 idempotent", .response(status: 500, retryAfter: nil), true, false, .retry(after: .milliseconds(100))),
            ("500 not idempotent", .response(status: 500, retryAfter: nil), false, false, .giveUp),
            ("504 idempotent", .response(status: 504, retryAfter: nil), true, false, .retry(after: .milliseconds(100))),
            ("501 never", .response(status: 501, retryAfter: nil), true, false, .giveUp),
            ("404 never", .response(status: 404, retryAfter: nil), true, true, .giveUp),
            ("422 never", .response(status: 422, retryAfter: nil), true, true, .giveUp),
            ("403 never", .response(status: 403, retryAfter: nil), true, true, .giveUp),
            ("409 unless asked", .response(status: 409, retryAfter: nil), true, false, .giveUp),
            ("409 when asked", .response(status: 409, retryAfter: nil), true, true, .retry(after: .milliseconds(100))),
            ("connection, idempotent", .transportFailure(.connection), true, false, .retry(after: .milliseconds(100))),
            ("timeout, idempotent", .transportFailure(.timeout), true, false, .retry(after: .milliseconds(100))),
            ("connection, not idempotent", .transportFailure(.connection), false, false, .giveUp),
            ("TLS verification never", .transportFailure(.tlsVerification), true, false, .giveUp),
            ("cancelled never", .transportFailure(.cancelled), true, false, .giveUp),
        ]
        for (name, outcome, idempotent, conflicts, expected) in cases {
            XCTAssertEqual(policy.decide(outcome, attempt: 1, idempotent: idempotent, retryConflicts: conflicts, random: 0), expected, name)
        }
    }

    func testBackoffDoublesWithJitterUnderTheCap() {
        let delays = (1...9).map { policy.backoff(attempt: $0, random: 0) }
        XCTAssertEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000].map { Duration.milliseconds($0) })
        XCTAssertEqual(policy.backoff(attempt: 2, random: 1), .milliseconds(300), "up to half again with jitter")
        XCTAssertEqual(policy.backoff(attempt: 8, random: 1), .seconds(10), "jitter never passes the cap")
        XCTAssertEqual(policy.backoff(attempt: 1000, random: 0.5), .seconds(10))
    }

    func testGivesUpAfterTheLastAttempt() {
        let outcome = RetryPolicy.Outcome.response(status: 500, retryAfter: nil)
        XCTAssertNotEqual(policy.decide(outcome, attempt: 4, idempotent: true, random: 0), .giveUp)
        XCTAssertEqual(policy.decide(outcome, attempt: 5, idempotent: true, random: 0), .giveUp)
        XCTAssertEqual(RetryPolicy.never.decide(.response(status: 429, retryAfter: "1"), attempt: 1, idempotent: true, random: 0), .giveUp)
    }

    func testIdempotentVerbs() {
        XCTAssertEqual(["GET", "head", "PUT", "DELETE", "POST", "PATCH"].map(RetryPolicy.isIdempotent), [true, true, true, true, false, false])
    }
}
