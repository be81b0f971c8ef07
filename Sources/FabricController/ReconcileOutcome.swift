import FabricValue

/// What one reconcile did, per kind of object change.
public struct ChangeCounts: Sendable, Hashable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var adopted = 0
    public var pruned = 0
    public var failed = 0

    public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0, adopted: Int = 0, pruned: Int = 0, failed: Int = 0) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.adopted = adopted
        self.pruned = pruned
        self.failed = failed
    }

    /// Anything written to the cluster (what makes an Event worth recording).
    public var changedAnything: Bool { created + updated + adopted + pruned > 0 }

    public var value: Value {
        ["created": .int(Int64(created)), "updated": .int(Int64(updated)), "unchanged": .int(Int64(unchanged)),
         "adopted": .int(Int64(adopted)), "pruned": .int(Int64(pruned)), "failed": .int(Int64(failed))]
    }

    public init(_ value: Value?) {
        func count(_ key: String) -> Int { Int(value?[key]?.intValue ?? 0) }
        self.init(created: count("created"), updated: count("updated"), unchanged: count("unchanged"), adopted: count("adopted"), pruned: count("pruned"), failed: count("failed"))
    }

    /// `3 created, 1 updated, 20 unchanged`: the non-zero counts, for messages and logs.
    public var summary: String {
        let parts = [("created", created), ("updated", updated), ("adopted", adopted), ("pruned", pruned), ("failed", failed), ("unchanged", unchanged)]
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return parts.isEmpty ? "no objects" : parts.joined(separator: ", ")
    }
}

/// One `status.inventory.entries` item, Flux's shape.
public struct InventoryEntry: Sendable, Hashable, Comparable {
    /// `<namespace>_<name>_<group>_<kind>`
    public var id: String
    /// The API version applied.
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }

    public var value: Value { ["id": .string(id), "v": .string(version)] }

    public static func < (lhs: InventoryEntry, rhs: InventoryEntry) -> Bool { lhs.id < rhs.id }

    public static func entries(from status: Value?) -> [InventoryEntry] {
        (status?["inventory"]?["entries"]?.arrayValue ?? []).compactMap { item in
            guard let id = item["id"]?.stringValue else { return nil }
            return InventoryEntry(id: id, version: item["v"]?.stringValue ?? "")
        }
    }
}

/// How a reconcile ended, in the terms status and conditions are written in.
public enum ReconcileOutcome: Sendable, Hashable {
    /// Everything applied (and pruned) as planned.
    case succeeded
    /// Drift seen and, by `--drift-policy report`, left in place.
    case succeededWithDriftReported(message: String)
    /// Stopped by a failure; `reason` is one of `ConditionReason`.
    case failed(reason: String, message: String)
    /// `sync.enabled: false`: nothing applied or pruned.
    case disabled
    /// The target cluster's Secret or kubeconfig is unusable.
    case clusterNotConfigured(message: String)

    public var isSuccess: Bool {
        switch self {
        case .succeeded, .succeededWithDriftReported: return true
        default: return false
        }
    }

    /// Failures that need a person to change something; retrying alone will not fix them.
    public var isStalled: Bool {
        switch self {
        case .failed(let reason, _): return reason == ConditionReason.validationFailed || reason == ConditionReason.pruneRefused
        case .clusterNotConfigured: return true
        default: return false
        }
    }

    /// Ready's reason for this outcome.
    public var reason: String {
        switch self {
        case .succeeded: return ConditionReason.reconciliationSucceeded
        case .succeededWithDriftReported: return ConditionReason.driftDetected
        case .failed(let reason, _): return reason
        case .disabled: return ConditionReason.disabled
        case .clusterNotConfigured: return ConditionReason.clusterNotConfigured
        }
    }
}
