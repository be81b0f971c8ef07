import Foundation

/// When a failed request is tried again, as a pure decision: 429 and 503 wait
/// as long as the server's `Retry-After` says; other 5xx and transport
/// failures are retried with exponential backoff and jitter, for idempotent
/// requests only; 4xx are final, except 409 when the caller asks.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Up to this fraction of a backoff delay is added at random, so clients do not retry in step.
    public var jitter: Double

    public init(maximumAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(30), jitter: Double = 0.5) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    public static let `default` = RetryPolicy()
    public static let never = RetryPolicy(maximumAttempts: 1)

    /// What happened to one attempt.
    public enum Outcome: Sendable, Equatable {
        case response(status: Int, retryAfter: String?)
        case transportFailure(TransportError.Kind)
    }

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp
    }

    /// GET, HEAD, PUT, DELETE and OPTIONS may be repeated; so may a server-side apply (the caller says).
    public static func isIdempotent(method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method.uppercased())
    }

    /// - Parameters:
    ///   - attempt: the number of the attempt that just failed, from 1.
    ///   - random: a number in 0..<1 for the jitter (injected so tests are exact).
    public func decide(_ outcome: Outcome, attempt: Int, idempotent: Bool, retryConflicts: Bool = false, random: Double) -> Decision {
        guard attempt < maximumAttempts else { return .giveUp }
        switch outcome {
        case .response(let status, let retryAfter):
            if status == 429 || status == 503, let seconds = retryAfter.flatMap(Self.seconds) {
                // The server asked for this wait; it has not acted on the request, so any verb may repeat.
                return .retry(after: min(.seconds(seconds), maximumDelay))
            }
            if status == 429 { return .retry(after: backoff(attempt: attempt, random: random)) }
            if status == 409 { return retryConflicts ? .retry(after: backoff(attempt: attempt, random: random)) : .giveUp }
            if status >= 500 && status != 501 && idempotent { return .retry(after: backoff(attempt: attempt, random: random)) }
            return .giveUp
        case .transportFailure(let kind):
            switch kind {
            case .connection, .timeout:
                return idempotent ? .retry(after: backoff(attempt: attempt, random: random)) : .giveUp
            case .tlsVerification, .tlsHandshake, .tlsConfiguration, .cancelled, .responseTooLarge, .invalidRequest, .other:
                return .giveUp
            }
        }
    }

    /// initialDelay × 2^(attempt−1), plus up to `jitter` of it, never above maximumDelay.
    public func backoff(attempt: Int, random: Double) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 40))
        let base = min(seconds(initialDelay) * pow2(exponent), seconds(maximumDelay))
        let jittered = min(base * (1 + jitter * min(max(random, 0), 1)), seconds(maximumDelay))
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }

    /// Retry-After as delta-seconds (the form the API server sends); an HTTP-date is not honoured.
    static func seconds(_ header: String) -> Int? {
        guard let value = Int(header.trimmingCharacters(in: .whitespaces)), value >= 0 else { return nil }
        return value
    }

    private func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
