import Foundation

/// A token bucket, as client-go's QPS/burst limiter: `burst` requests may go
/// at once, then `qps` per second. Pure: time is passed in, in seconds.
public struct TokenBucket: Sendable, Equatable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: Double

    public init(qps: Double, burst: Int, now: Double) {
        self.qps = qps
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
        self.last = now
    }

    /// Takes a token and says how long the caller must wait before using it
    /// (0: go now). Waiting callers are served in the order they reserved.
    public mutating func reserve(now: Double) -> Double {
        if now > last {
            tokens = min(Double(burst), tokens + (now - last) * qps)
            last = now
        }
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / qps
    }
}

/// The clock a limiter waits on; tests drive a virtual one.
public protocol LimiterClock: Sendable {
    /// Seconds since an arbitrary start.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

public struct SystemLimiterClock: LimiterClock {
    public init() {}
    public func now() -> Double {
        let (seconds, attoseconds) = ContinuousClock.now.duration(to: Self.origin).components
        return -(Double(seconds) + Double(attoseconds) / 1e18)
    }
    public func sleep(seconds: Double) async throws { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
    private static let origin = ContinuousClock.now
}

/// Limits one cluster's request rate (QPS/burst) and how many requests are in
/// flight at once, so that a large reconcile cannot flood the API server.
public final class RequestLimiter: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let clock: any LimiterClock
    private let slots: AsyncSemaphore

    /// client-go's defaults are 5 QPS / burst 10; a controller raises them, as controller-runtime does (20/30).
    public init(qps: Double = 50, burst: Int = 100, maximumInFlight: Int = 32, clock: any LimiterClock = SystemLimiterClock()) {
        self.clock = clock
        self.bucket = Mutex(TokenBucket(qps: qps, burst: burst, now: clock.now()))
        self.slots = AsyncSemaphore(permits: maximumInFlight)
    }

    /// Waits for a token and a free slot, runs the work, frees the slot.
    public func run<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        let now = clock.now()
        let wait = bucket.withLock { $0.reserve(now: now) }
        if wait > 0 { try await clock.sleep(seconds: wait) }
        try await slots.acquire()
        defer { slots.release() }
        return try await work()
    }

    /// Waits for a token only (a watch holds no in-flight slot: it lasts for minutes).
    public func waitForToken() async throws {
        let now = clock.now()
        let wait = bucket.withLock { $0.reserve(now: now) }
        if wait > 0 { try await clock.sleep(seconds: wait) }
    }
}

/// A counting semaphore for async code, first come first served.
final class AsyncSemaphore: @unchecked Sendable {
    private let lock = NSLock()
    private var permits: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextID: UInt64 = 0

    init(permits: Int) { self.permits = max(1, permits) }

    func acquire() async throws {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                lock.lock()
                if permits > 0 {
                    permits -= 1
                    lock.unlock()
                    continuation.resume()
                } else if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let index = waiters.firstIndex { $0.id == id }
            let waiter = index.map { waiters.remove(at: $0) }
            lock.unlock()
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    func release() {
        lock.lock()
        if waiters.isEmpty {
            permits += 1
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume()
        }
    }
}

/// A value behind a lock (Synchronization's Mutex needs macOS 15; this one is for Linux and older targets alike).
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
