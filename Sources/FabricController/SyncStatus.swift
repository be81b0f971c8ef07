/// The NetBox plugin's vocabulary for where a fabric stands.
public enum SyncStatus: String, Sendable, CaseIterable, Codable {
    case notConfigured = "not_configured"
    case disabled
    case neverSynced = "never_synced"
    case syncing
    case inSync = "in_sync"
    case outOfSync = "out_of_sync"
    case error
}

/// How the last reconcile attempt ended.
public enum AttemptOutcome: Sendable, Hashable, CaseIterable {
    case none
    case succeeded
    case failed
}

/// The recorded facts `syncStatus` is computed from, and nothing else: the
/// status can then never say something the facts contradict.
public struct SyncFacts: Sendable, Hashable {
    /// False when the Fabric names a target cluster whose Secret or kubeconfig is unusable.
    public var targetConfigured: Bool
    public var enabled: Bool
    public var attemptInProgress: Bool
    public var lastOutcome: AttemptOutcome
    public var driftKnown: Bool
    /// The source has a revision that has not been applied yet.
    public var newerRevisionPending: Bool
    /// The last good sync is older than twice the interval (never with interval 0).
    public var overdue: Bool

    public init(targetConfigured: Bool = true, enabled: Bool = true, attemptInProgress: Bool = false, lastOutcome: AttemptOutcome = .none, driftKnown: Bool = false, newerRevisionPending: Bool = false, overdue: Bool = false) {
        self.targetConfigured = targetConfigured
        self.enabled = enabled
        self.attemptInProgress = attemptInProgress
        self.lastOutcome = lastOutcome
        self.driftKnown = driftKnown
        self.newerRevisionPending = newerRevisionPending
        self.overdue = overdue
    }
}

extension SyncStatus {
    /// The decision table, first matching row wins:
    ///
    /// | target configured | enabled | in progress | last outcome | drift, newer revision or overdue | status         |
    /// |-------------------|---------|-------------|--------------|----------------------------------|----------------|
    /// | no                | –       | –           | –            | –                                | not_configured |
    /// | yes               | no      | –           | –            | –                                | disabled       |
    /// | yes               | yes     | yes         | –            | –                                | syncing        |
    /// | yes               | yes     | no          | failed       | –                                | error          |
    /// | yes               | yes     | no          | none         | –                                | never_synced   |
    /// | yes               | yes     | no          | succeeded    | any                              | out_of_sync    |
    /// | yes               | yes     | no          | succeeded    | none                             | in_sync        |
    public init(_ facts: SyncFacts) {
        if !facts.targetConfigured { self = .notConfigured; return }
        if !facts.enabled { self = .disabled; return }
        if facts.attemptInProgress { self = .syncing; return }
        switch facts.lastOutcome {
        case .failed: self = .error
        case .none: self = .neverSynced
        case .succeeded:
            self = facts.driftKnown || facts.newerRevisionPending || facts.overdue ? .outOfSync : .inSync
        }
    }
}

/// Overdue: the last good sync is older than twice the interval. A fabric
/// that syncs only on change (interval 0) is never overdue.
public func isOverdue(secondsSinceLastSync: Double?, intervalSeconds: Int) -> Bool {
    guard intervalSeconds > 0, let elapsed = secondsSinceLastSync else { return false }
    return elapsed > Double(2 * intervalSeconds)
}
