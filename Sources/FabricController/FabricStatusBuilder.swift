import FabricValue

/// Builds the `status` of a Fabric from the previous status and what a
/// reconcile found. Pure: times arrive as values; `syncStatus` comes only from
/// `SyncStatus(facts)`, so the written status cannot contradict itself.
public struct FabricStatusBuilder: Sendable {
    public var generation: Int64
    public var intervalSeconds: Int
    /// RFC 3339, seconds.
    public var now: String
    public var nowSeconds: Double

    public init(generation: Int64, intervalSeconds: Int, now nowSeconds: Double) {
        self.generation = generation
        self.intervalSeconds = intervalSeconds
        self.nowSeconds = nowSeconds
        self.now = Timestamp.seconds(sinceEpoch: nowSeconds)
    }

    /// The patch written when a reconcile with work to do starts.
    public func progressing(previous: Value?, revision: String) -> Value {
        var status = previous?.objectValue ?? Object()
        var conditions = Conditions(previous?["conditions"])
        conditions.set(ConditionType.reconciling, .true, reason: ConditionReason.progressing, message: "Reconciling revision \(revision)", generation: generation, now: now)
        status["conditions"] = conditions.value
        status["syncStatus"] = .string(SyncStatus.syncing.rawValue)
        return .object(status)
    }

    public struct Result: Sendable {
        public var outcome: ReconcileOutcome
        public var attemptedRevision: String?
        public var counts: ChangeCounts
        public var inventory: [InventoryEntry]
        public var duration: Duration
        /// Seconds since the epoch of the next periodic run; nil with interval 0.
        public var nextSyncSeconds: Double?
        /// Drift seen and not corrected (report policy), or seen after applying.
        public var driftKnown: Bool
        /// The source has a revision newer than the one this attempt applied.
        public var newerRevisionPending: Bool

        public init(outcome: ReconcileOutcome, attemptedRevision: String?, counts: ChangeCounts = ChangeCounts(), inventory: [InventoryEntry], duration: Duration, nextSyncSeconds: Double?, driftKnown: Bool = false, newerRevisionPending: Bool = false) {
            self.outcome = outcome
            self.attemptedRevision = attemptedRevision
            self.counts = counts
            self.inventory = inventory
            self.duration = duration
            self.nextSyncSeconds = nextSyncSeconds
            self.driftKnown = driftKnown
            self.newerRevisionPending = newerRevisionPending
        }
    }

    /// The status written at the end of every reconcile, also on failure.
    public func final(previous: Value?, result: Result) -> Value {
        var status = previous?.objectValue ?? Object()
        status["observedGeneration"] = .int(generation)
        status["lastAttemptTime"] = .string(now)
        status["lastSyncDuration"] = .string(Self.durationText(result.duration))
        if let revision = result.attemptedRevision { status["lastAttemptedRevision"] = .string(revision) }
        if result.outcome.isSuccess {
            status["lastSyncTime"] = .string(now)
            if let revision = result.attemptedRevision { status["lastAppliedRevision"] = .string(revision) }
        }
        if let next = result.nextSyncSeconds, intervalSeconds > 0 {
            status["nextSyncTime"] = .string(Timestamp.seconds(sinceEpoch: next))
        } else {
            status["nextSyncTime"] = nil
        }
        status["inventory"] = ["entries": .array(result.inventory.sorted().map(\.value))]
        status["counts"] = result.counts.value

        let lastGoodSync = (status["lastSyncTime"]?.stringValue).flatMap(Timestamp.parse)
        let facts = SyncFacts(
            targetConfigured: { if case .clusterNotConfigured = result.outcome { return false } else { return true } }(),
            enabled: result.outcome != .disabled,
            attemptInProgress: false,
            lastOutcome: result.outcome.isSuccess ? .succeeded : (result.outcome == .disabled ? AttemptOutcome(previous: previous) : .failed),
            driftKnown: result.driftKnown,
            newerRevisionPending: result.newerRevisionPending,
            overdue: isOverdue(secondsSinceLastSync: lastGoodSync.map { nowSeconds - $0 }, intervalSeconds: intervalSeconds))
        status["syncStatus"] = .string(SyncStatus(facts).rawValue)

        var conditions = Conditions(previous?["conditions"])
        let message = readyMessage(result)
        let ready: Condition.Status = result.outcome.isSuccess ? .true : .false
        conditions.set(ConditionType.ready, ready, reason: result.outcome.reason, message: message, generation: generation, now: now)
        conditions.remove(ConditionType.reconciling)
        if result.outcome.isStalled {
            conditions.set(ConditionType.stalled, .true, reason: result.outcome.reason, message: message, generation: generation, now: now)
        } else {
            conditions.remove(ConditionType.stalled)
        }
        if !result.outcome.isSuccess && !result.driftKnown {
            // A failed run did not compare the cluster with the source: drift is unknown, the last verdict stands.
        } else if result.driftKnown {
            let driftMessage: String
            if case .succeededWithDriftReported(let text) = result.outcome { driftMessage = text } else { driftMessage = "Drift detected" }
            conditions.set(ConditionType.drifted, .true, reason: ConditionReason.driftDetected, message: driftMessage, generation: generation, now: now)
        } else {
            conditions.set(ConditionType.drifted, .false, reason: ConditionReason.noDrift, message: "No drift", generation: generation, now: now)
        }
        status["conditions"] = conditions.value
        return .object(status)
    }

    private func readyMessage(_ result: Result) -> String {
        let revision = result.attemptedRevision.map { " revision \($0)" } ?? ""
        switch result.outcome {
        case .succeeded: return "Applied\(revision): \(result.counts.summary)"
        case .succeededWithDriftReported(let message): return "Applied\(revision) with drift left in place (--drift-policy report): \(message)"
        case .failed(_, let message): return message
        case .disabled: return "Sync is disabled (spec.sync.enabled: false): nothing is applied or pruned"
        case .clusterNotConfigured(let message): return message
        }
    }

    /// `1.234s`, as the status field is written.
    public static func durationText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var fraction = String(millis % 1000)
        while fraction.count < 3 { fraction = "0" + fraction }
        return "\(millis / 1000).\(fraction)s"
    }
}

extension AttemptOutcome {
    /// A disabled fabric keeps what its last real attempt said (never shown:
    /// `disabled` wins the table), so this only keeps the facts honest.
    init(previous: Value?) {
        if previous?["lastSyncTime"] != nil { self = .succeeded } else { self = .none }
    }
}
