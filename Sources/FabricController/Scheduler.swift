/// Decides when each fabric reconciles. Pure: it never reads a clock, never
/// sleeps and never draws randomness on its own — time and jitter are passed
/// in — so every rule below is tested in virtual time.
///
/// Rules: each fabric on its own interval (±jitter; 0 = only on change);
/// bursts of triggers coalesce into one run; a source change or drift waits a
/// short debounce (pushed back by more of the same, but never past a cap);
/// one run per fabric at a time, at most `concurrency` at once; failures back
/// off exponentially per fabric (doubling from `backoffBase` to
/// `backoffCap`), reset by a success; other fabrics are never held up.
public struct Scheduler: Sendable {
    public struct Configuration: Sendable {
        public var concurrency: Int = 4
        public var jitterFraction: Double = 0.1
        public var debounce: Duration = .milliseconds(200)
        public var debounceCap: Duration = .seconds(2)
        public var backoffBase: Duration = .seconds(1)
        public var backoffCap: Duration = .seconds(300)
        public init() {}
    }

    public struct Run: Sendable, Hashable {
        public var fabric: String
        /// The most deliberate of the coalesced triggers.
        public var trigger: Trigger
        public var coalesced: Set<Trigger>
    }

    struct Entry: Sendable {
        var interval: Duration
        var pending: Set<Trigger> = []
        /// When the pending triggers may run (debounce, backoff).
        var pendingDueAt: Duration?
        var firstPendingAt: Duration?
        var nextIntervalAt: Duration?
        var running = false
        var failures = 0
        var backoffUntil: Duration?
    }

    public let configuration: Configuration
    private var entries: [String: Entry] = [:]
    /// `jitter()` returns a value in -1…1; injected so tests are deterministic.
    private let jitter: @Sendable () -> Double

    public init(configuration: Configuration = Configuration(), jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) }) {
        self.configuration = configuration
        self.jitter = jitter
    }

    public var fabrics: [String] { entries.keys.sorted() }
    public var runningCount: Int { entries.values.filter(\.running).count }
    public func isRunning(_ fabric: String) -> Bool { entries[fabric]?.running ?? false }
    public func consecutiveFailures(_ fabric: String) -> Int { entries[fabric]?.failures ?? 0 }
    /// Fabrics with a run waiting (the queue depth metric).
    public var queueDepth: Int { entries.values.filter { !$0.pending.isEmpty && !$0.running }.count }

    /// Adds a fabric (or changes its interval) and asks for a `startup` run.
    public mutating func register(_ fabric: String, interval: Duration, now: Duration) {
        if entries[fabric] == nil {
            entries[fabric] = Entry(interval: interval)
            trigger(fabric, .startup, now: now)
        } else if entries[fabric]!.interval != interval {
            entries[fabric]!.interval = interval
            if !entries[fabric]!.running { scheduleInterval(fabric, from: now) }
        }
    }

    public mutating func remove(_ fabric: String) { entries[fabric] = nil }

    /// Records a reason to reconcile. Returns false for an unknown fabric.
    @discardableResult
    public mutating func trigger(_ fabric: String, _ trigger: Trigger, now: Duration) -> Bool {
        guard var entry = entries[fabric] else { return false }
        entry.pending.insert(trigger)
        let debounced = trigger == .sourceChange || trigger == .drift
        if entry.firstPendingAt == nil { entry.firstPendingAt = now }
        var due = debounced ? now + configuration.debounce : now
        if debounced, let first = entry.firstPendingAt { due = min(due, first + configuration.debounceCap) }
        if let existing = entry.pendingDueAt, !debounced || existing < due {
            // A non-debounced trigger never waits behind a debounce.
            due = debounced ? max(existing, due) : min(existing, due)
        }
        entry.pendingDueAt = due
        entries[fabric] = entry
        return true
    }

    /// The runs to start now, marked running; at most `concurrency` at once,
    /// the longest-waiting first.
    public mutating func runsDue(now: Duration) -> [Run] {
        for fabric in entries.keys { promoteInterval(fabric, now: now) }
        let free = configuration.concurrency - runningCount
        guard free > 0 else { return [] }
        let ready = entries.compactMap { fabric, entry -> (String, Duration)? in
            guard !entry.running, let due = effectiveDue(entry), due <= now else { return nil }
            return (fabric, due)
        }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var runs: [Run] = []
        for (fabric, _) in ready.prefix(free) {
            var entry = entries[fabric]!
            let primary = entry.pending.min()!
            runs.append(Run(fabric: fabric, trigger: primary, coalesced: entry.pending))
            entry.running = true
            entry.pending = []
            entry.pendingDueAt = nil
            entry.firstPendingAt = nil
            entries[fabric] = entry
        }
        return runs
    }

    /// Ends a run. Success resets the backoff and schedules the next interval;
    /// failure schedules a `retry` after the backoff. Triggers that arrived
    /// during the run are kept and run next.
    public mutating func finished(_ fabric: String, succeeded: Bool, now: Duration) {
        guard var entry = entries[fabric] else { return }
        entry.running = false
        if succeeded {
            entry.failures = 0
            entry.backoffUntil = nil
            entries[fabric] = entry
            scheduleInterval(fabric, from: now)
        } else {
            entry.failures += 1
            let delay = backoff(afterFailures: entry.failures)
            entry.backoffUntil = now + delay
            entry.pending.insert(.retry)
            entry.pendingDueAt = min(entry.pendingDueAt ?? now + delay, now + delay)
            if entry.firstPendingAt == nil { entry.firstPendingAt = now }
            entry.nextIntervalAt = nil
            entries[fabric] = entry
        }
    }

    public func backoff(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = configuration.backoffBase
        for _ in 1..<min(failures, 32) {
            delay = delay * 2
            if delay >= configuration.backoffCap { return configuration.backoffCap }
        }
        return min(delay, configuration.backoffCap)
    }

    /// When the driver should next call `runsDue` (nil: nothing scheduled).
    public func nextWakeup() -> Duration? {
        entries.values.compactMap { entry -> Duration? in
            guard !entry.running else { return nil }
            return [effectiveDue(entry), entry.nextIntervalAt].compactMap { $0 }.min()
        }.min()
    }

    /// When the fabric's next periodic run is planned (for `nextSyncTime`).
    public func nextIntervalRun(_ fabric: String) -> Duration? { entries[fabric]?.nextIntervalAt }

    // MARK: - Internals

    private func effectiveDue(_ entry: Entry) -> Duration? {
        guard let due = entry.pendingDueAt, !entry.pending.isEmpty else { return nil }
        if let until = entry.backoffUntil, !entry.pending.contains(where: \.bypassesBackoff) {
            return max(due, until)
        }
        return due
    }

    private mutating func promoteInterval(_ fabric: String, now: Duration) {
        guard let at = entries[fabric]?.nextIntervalAt, at <= now, entries[fabric]?.running == false else { return }
        entries[fabric]!.nextIntervalAt = nil
        if entries[fabric]!.firstPendingAt == nil { entries[fabric]!.firstPendingAt = at }
        entries[fabric]!.pending.insert(.interval)
        entries[fabric]!.pendingDueAt = min(entries[fabric]!.pendingDueAt ?? at, at)
    }

    private mutating func scheduleInterval(_ fabric: String, from now: Duration) {
        guard let interval = entries[fabric]?.interval, interval > .zero else {
            entries[fabric]?.nextIntervalAt = nil
            return
        }
        let spread = max(-1, min(1, jitter())) * configuration.jitterFraction
        entries[fabric]!.nextIntervalAt = now + interval * (1 + spread)
    }
}
