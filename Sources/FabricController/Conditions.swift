import FabricValue

/// A `metav1.Condition`.
public struct Condition: Sendable, Hashable {
    public enum Status: String, Sendable { case `true` = "True", `false` = "False", unknown = "Unknown" }

    public var type: String
    public var status: Status
    public var observedGeneration: Int64
    /// RFC 3339; moves only when `status` changes.
    public var lastTransitionTime: String
    public var reason: String
    public var message: String

    public init(type: String, status: Status, observedGeneration: Int64, lastTransitionTime: String, reason: String, message: String) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    public var value: Value {
        [
            "type": .string(type), "status": .string(status.rawValue), "observedGeneration": .int(observedGeneration),
            "lastTransitionTime": .string(lastTransitionTime), "reason": .string(reason), "message": .string(message),
        ]
    }

    public init?(_ value: Value) {
        guard let type = value["type"]?.stringValue, let statusText = value["status"]?.stringValue,
            let status = Status(rawValue: statusText)
        else { return nil }
        self.init(
            type: type, status: status, observedGeneration: value["observedGeneration"]?.intValue ?? 0,
            lastTransitionTime: value["lastTransitionTime"]?.stringValue ?? "", reason: value["reason"]?.stringValue ?? "",
            message: value["message"]?.stringValue ?? "")
    }
}

/// Condition types and reasons, named once (kstatus-compatible: `Ready`,
/// `Reconciling`, `Stalled`, plus `Drifted`).
public enum ConditionType {
    public static let ready = "Ready"
    public static let reconciling = "Reconciling"
    public static let stalled = "Stalled"
    public static let drifted = "Drifted"
}

public enum ConditionReason {
    public static let reconciliationSucceeded = "ReconciliationSucceeded"
    public static let progressing = "Progressing"
    public static let validationFailed = "ValidationFailed"
    public static let sourceUnavailable = "SourceUnavailable"
    public static let applyFailed = "ApplyFailed"
    public static let pruneFailed = "PruneFailed"
    public static let pruneRefused = "PruneRefused"
    public static let clusterNotConfigured = "ClusterNotConfigured"
    public static let clusterUnreachable = "ClusterUnreachable"
    public static let forbidden = "Forbidden"
    public static let disabled = "Disabled"
    public static let driftDetected = "DriftDetected"
    public static let noDrift = "NoDriftDetected"
}

/// The conditions of one object, set through helpers that keep
/// `lastTransitionTime` unless the status really changes (as fluxcd/pkg's
/// `conditions` setters do), in a stable order.
public struct Conditions: Sendable, Hashable {
    public private(set) var items: [Condition]

    public init(_ items: [Condition] = []) { self.items = items }

    public init(_ value: Value?) {
        self.items = (value?.arrayValue ?? []).compactMap(Condition.init)
    }

    public subscript(type: String) -> Condition? { items.first { $0.type == type } }

    public func isTrue(_ type: String) -> Bool { self[type]?.status == .true }

    public mutating func set(_ type: String, _ status: Condition.Status, reason: String, message: String, generation: Int64, now: String) {
        if let index = items.firstIndex(where: { $0.type == type }) {
            let previous = items[index]
            items[index] = Condition(
                type: type, status: status, observedGeneration: generation,
                lastTransitionTime: previous.status == status ? previous.lastTransitionTime : now,
                reason: reason, message: message)
        } else {
            items.append(Condition(type: type, status: status, observedGeneration: generation, lastTransitionTime: now, reason: reason, message: message))
        }
        items.sort { Self.rank($0.type) < Self.rank($1.type) }
    }

    public mutating func remove(_ type: String) { items.removeAll { $0.type == type } }

    public var value: Value { .array(items.map(\.value)) }

    private static func rank(_ type: String) -> Int {
        switch type {
        case ConditionType.ready: return 0
        case ConditionType.reconciling: return 1
        case ConditionType.stalled: return 2
        case ConditionType.drifted: return 3
        default: return 4
        }
    }
}
