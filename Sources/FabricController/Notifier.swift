import FabricDiff
import FabricSource
import FabricValue
import Notifications

/// Publishes a reconcile's steps to the notification hub, in the protocol's
/// message shapes. Nothing secret goes through here: drift lists field paths
/// only and plan changes arrive already redacted.
public struct Notifier: Sendable {
    public let hub: EventHub?

    public init(hub: EventHub?) { self.hub = hub }

    func syncStarted(_ fabricID: String, trigger: Trigger, revision: String, dryRun: Bool) {
        hub?.publish(MessageType.syncStarted, fabricID: fabricID, data: ["trigger": .string(trigger.rawValue), "revision": .string(revision), "dry_run": .bool(dryRun)])
    }

    func syncProgress(_ fabricID: String, applied: Int, total: Int) {
        hub?.publish(MessageType.syncProgress, fabricID: fabricID, data: ["applied": .int(Int64(applied)), "total": .int(Int64(total))])
    }

    func syncCompleted(_ fabricID: String, success: Bool, duration: Duration, revision: String, counts: ChangeCounts, message: String) {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        hub?.publish(MessageType.syncCompleted, fabricID: fabricID, data: [
            "success": .bool(success), "duration_ms": .int(milliseconds), "revision": .string(revision),
            "counts": counts.value, "message": .string(message),
        ])
    }

    func validationResult(_ fabricID: String, issues: [ValidationIssue]) {
        hub?.publish(MessageType.validationResult, fabricID: fabricID, data: ["valid": .bool(issues.isEmpty), "errors": .array(issues.map(\.jsonValue))])
    }

    func driftDetected(_ fabricID: String, objects: [(id: String, fields: [String])], policy: DriftPolicy) {
        let items: [Value] = objects.map { ["id": .string($0.id), "fields": .array($0.fields.map(Value.string))] }
        hub?.publish(MessageType.driftDetected, fabricID: fabricID, data: ["objects": .array(items), "policy": .string(policy.rawValue)])
    }

    func statusChanged(_ fabricID: String, from previous: Value?, to status: Value) {
        let previousSync = previous?["syncStatus"]?.stringValue
        let ready = Conditions(status["conditions"])[ConditionType.ready]
        let previousReady = Conditions(previous?["conditions"])[ConditionType.ready]
        guard previousSync != status["syncStatus"]?.stringValue || previousReady?.status != ready?.status || previousReady?.reason != ready?.reason else { return }
        hub?.publish(MessageType.fabricStatusUpdate, fabricID: fabricID, data: [
            "sync_status": status["syncStatus"] ?? .null, "previous_sync_status": previousSync.map(Value.string) ?? .null,
            "ready": .bool(ready?.status == .true), "reason": .string(ready?.reason ?? ""), "message": .string(ready?.message ?? ""),
        ])
    }
}

/// `--drift-policy`.
public enum DriftPolicy: String, Sendable, CaseIterable {
    /// Drift is reported and put back by the next reconcile (the default).
    case correct
    /// Drift is reported (`Drifted=True`, `drift_detected`) and left in place.
    case report
}
