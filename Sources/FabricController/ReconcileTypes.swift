import FabricDiff
import FabricSource
import FabricValue
import KubeClient

/// What to reconcile, and what the controller remembers from earlier runs.
public struct ReconcileRequest: Sendable {
    public var source: FabricSource
    public var revision: String
    public var trigger: Trigger
    /// The source already holds a revision newer than `revision`.
    public var newerRevisionPending = false
    /// The last run reported validation errors (so a clean run says they are gone).
    public var previouslyInvalid = false
    /// The objects the last successful run applied, by inventory id: a live
    /// object that differs from one of these while the source did not change is drift.
    public var lastApplied: [String: Value] = [:]
    /// The source could not be read this time (why): the fabric says
    /// `SourceUnavailable` and keeps what was applied from the last good read.
    public var sourceUnavailable: String?
    /// The source's identity, written on the Fabric (see `SourceProvider.identity`).
    public var sourceIdentity: String?
    /// The whole source came up with no fabrics: nothing is applied, deleted or pruned.
    public var sourceEmpty = false
    /// The Fabric's file left a non-empty source: delete it, pruning what it applied.
    public var removedFromSource = false

    public init(source: FabricSource, revision: String, trigger: Trigger) {
        self.source = source
        self.revision = revision
        self.trigger = trigger
    }
}

/// What a reconcile did; the controller logs it, remembers parts of it and
/// `run --once` prints it.
public struct ReconcileReport: Sendable {
    public var fabricID: String
    public var trigger: Trigger
    public var revision: String
    public var outcome: ReconcileOutcome
    public var counts: ChangeCounts
    public var duration: Duration
    /// The status as written; nil when none was (dry run, or no Fabric object to write to).
    public var status: Value?
    public var syncStatus: SyncStatus
    public var plan: Plan?
    public var applied: [String: Value]
    public var statusPatches: Int
    /// The Fabric left the cluster (its deletion finished).
    public var deleted: Bool

    public var ready: Bool { outcome.isSuccess }
    public var message: String { Conditions(status?["conditions"])[ConditionType.ready]?.message ?? outcome.reason }
}

/// A step's failure: the condition reason and a message for people.
struct ReconcileFailure: Error {
    var outcome: ReconcileOutcome

    init(outcome: ReconcileOutcome) { self.outcome = outcome }
    init(_ reason: String, _ message: String) { self.outcome = .failed(reason: reason, message: message) }

    /// Names the reason from what the API said: 403 → Forbidden, no answer → ClusterUnreachable.
    static func from(_ error: any Error, doing action: String) -> ReconcileFailure {
        guard let error = error as? KubeError else { return ReconcileFailure(ConditionReason.applyFailed, "\(action): \(error)") }
        return ReconcileFailure(ReconcileFailure.reason(for: error, otherwise: ConditionReason.applyFailed), "\(action): \(error)")
    }

    static func reason(for error: KubeError, otherwise: String) -> String {
        switch error {
        case .status(let status) where status.code == 403: return ConditionReason.forbidden
        case .status(let status) where status.code == 401: return ConditionReason.forbidden
        case .transport: return ConditionReason.clusterUnreachable
        default: return otherwise
        }
    }
}

/// The state one reconcile builds up as its steps run.
struct ReconcileRun {
    var request: ReconcileRequest
    var liveFabric: Value?
    var isBeingDeleted = false
    var deleted = false
    var plan: Plan?
    var live: [ObjectID: Value] = [:]
    var counts = ChangeCounts()
    /// Members that could not be planned or applied, with why.
    var memberFailures: [(id: String, reason: String, message: String)] = []
    var adopted: Set<String> = []
    var driftLeftInPlace: [(id: String, fields: [String])] = []
    var applied: [String: Value] = [:]
    /// Inventory ids deleted (or found gone) by this run.
    var pruned: Set<String> = []
    /// Inventory ids no longer managed (prune off, or no longer carrying our labels).
    var released: Set<String> = []
    var statusPatches = 0
    var outcome: ReconcileOutcome = .succeeded

    init(request: ReconcileRequest) { self.request = request }

    var fabric: Fabric { request.source.fabric }
    var fabricID: String { fabric.id }

    var driftSummary: String {
        let shown = driftLeftInPlace.prefix(3).map { "\($0.id) (\($0.fields.joined(separator: ", ")))" }.joined(separator: "; ")
        return "\(driftLeftInPlace.count) object\(driftLeftInPlace.count == 1 ? "" : "s") drifted: \(shown)"
    }
}

/// The body of a status merge patch: the new status, with `null` for every
/// field the previous one had and the new one drops (a merge patch otherwise keeps them).
enum StatusPatch {
    static func mergePatch(from previous: Value?, to status: Value) -> Value {
        guard case .object(var patch) = status else { return status }
        for key in previous?.objectValue?.keys ?? [] where !patch.contains(key) {
            patch[key] = .null
        }
        return .object(patch)
    }
}
