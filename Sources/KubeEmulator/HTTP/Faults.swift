import Foundation

/// What a request does, in the words the controller's tests count by.
public enum RequestVerb: String, Sendable, CaseIterable {
    case get = "GET", list = "LIST", watch = "WATCH", create = "CREATE", update = "UPDATE"
    case patch = "PATCH", apply = "APPLY", delete = "DELETE", other = "OTHER"
}

/// Every request the emulator answered: verb, path and status, with counts.
public final class RequestLog: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var verb: RequestVerb
        public var method: String
        public var path: String
        public var status: Int
        /// The raw query (`dryRun=All&fieldManager=…`), nil without one.
        public var query: String?
        public var isDryRun: Bool { query?.contains("dryRun=All") == true }
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private let limit: Int

    public init(limit: Int = 100_000) { self.limit = limit }

    func append(_ entry: Entry) {
        lock.withLock {
            entries.append(entry)
            if entries.count > limit { entries.removeFirst(entries.count - limit) }
        }
    }

    public var all: [Entry] { lock.withLock { entries } }

    /// Requests of `verb`, optionally only those whose path contains `pathContains`.
    public func count(_ verb: RequestVerb, pathContains: String? = nil) -> Int {
        lock.withLock { entries.filter { $0.verb == verb && (pathContains.map($0.path.contains) ?? true) }.count }
    }

    /// Writes of every kind (create, update, patch, apply, delete).
    public func writeCount(pathContains: String? = nil) -> Int {
        [RequestVerb.create, .update, .patch, .apply, .delete].reduce(0) { $0 + count($1, pathContains: pathContains) }
    }

    public var countsByVerb: [RequestVerb: Int] {
        lock.withLock { Dictionary(grouping: entries, by: \.verb).mapValues(\.count) }
    }

    public func reset() { lock.withLock { entries.removeAll() } }
}

/// Test hooks that make the emulator misbehave on purpose.
public final class FaultInjector: @unchecked Sendable {
    struct Failure {
        var remaining: Int
        var status: Int
        var retryAfterSeconds: Int?
        var verb: RequestVerb?
        var pathContains: String?
    }

    struct Delay {
        var duration: Duration
        var verb: RequestVerb?
        var pathContains: String?
    }

    private let lock = NSLock()
    private var failures: [Failure] = []
    private var delays: [Delay] = []

    public init() {}

    /// The next `count` matching requests fail with `status` (500, 429 with Retry-After, 503 …).
    public func failNext(_ count: Int, status: Int = 500, retryAfterSeconds: Int? = nil, verb: RequestVerb? = nil, pathContains: String? = nil) {
        lock.withLock { failures.append(Failure(remaining: count, status: status, retryAfterSeconds: retryAfterSeconds, verb: verb, pathContains: pathContains)) }
    }

    /// Matching requests wait `duration` before being answered, until `clearDelays()`.
    public func delayResponses(by duration: Duration, verb: RequestVerb? = nil, pathContains: String? = nil) {
        lock.withLock { delays.append(Delay(duration: duration, verb: verb, pathContains: pathContains)) }
    }

    public func clearDelays() { lock.withLock { delays.removeAll() } }

    /// Forgets the failures not yet used up.
    public func clearFailures() { lock.withLock { failures.removeAll() } }

    public func reset() {
        lock.withLock {
            failures.removeAll()
            delays.removeAll()
        }
    }

    /// The injected answer for this request, if any, and how long to wait first.
    func consume(verb: RequestVerb, path: String) -> (failure: APIError?, delay: Duration?) {
        lock.withLock {
            func matches(_ ruleVerb: RequestVerb?, _ contains: String?) -> Bool {
                (ruleVerb == nil || ruleVerb == verb) && (contains.map(path.contains) ?? true)
            }
            let delay = delays.first { matches($0.verb, $0.pathContains) }?.duration
            guard let index = failures.firstIndex(where: { $0.remaining > 0 && matches($0.verb, $0.pathContains) }) else { return (nil, delay) }
            failures[index].remaining -= 1
            let failure = failures[index]
            if failures[index].remaining == 0 { failures.remove(at: index) }
            return (FaultInjector.error(status: failure.status, retryAfter: failure.retryAfterSeconds), delay)
        }
    }

    static func error(status: Int, retryAfter: Int?) -> APIError {
        switch status {
        case 429:
            return APIError(code: 429, reason: "TooManyRequests", message: "the server has received too many requests and has asked us to try again later",
                            retryAfterSeconds: retryAfter ?? 1)
        case 503:
            return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request", retryAfterSeconds: retryAfter)
        case 504:
            return APIError(code: 504, reason: "Timeout", message: "the server was unable to return a response in the time allotted")
        default:
            return APIError(code: status, reason: "InternalError", message: "Internal error occurred: injected fault", retryAfterSeconds: retryAfter)
        }
    }
}
