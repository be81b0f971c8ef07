import FabricDiff
import FabricSource
import FabricValue
import KubeClient

extension Reconciler {
    /// Writes the one final status patch (also after a failure), records an
    /// Event when the outcome changed or anything was written, and tells the hub.
    func finish(_ run: ReconcileRun, duration: Duration) async -> ReconcileReport {
        var run = run
        run.counts.failed = run.memberFailures.count
        if case .succeeded = run.outcome, !run.memberFailures.isEmpty { run.outcome = memberFailure(run).outcome }
        let previous = run.liveFabric?["status"]
        let interval = Int(run.fabric.sync.interval)
        let result = FabricStatusBuilder.Result(
            outcome: run.outcome, attemptedRevision: run.request.revision, counts: run.counts, inventory: inventory(after: run),
            duration: duration, nextSyncSeconds: interval > 0 && run.outcome != .disabled ? now() + Double(interval) : nil,
            driftKnown: !run.driftLeftInPlace.isEmpty, newerRevisionPending: run.request.newerRevisionPending)
        let status = statusBuilder(run).final(previous: previous, result: result)
        let message = Conditions(status["conditions"])[ConditionType.ready]?.message ?? ""

        var written: Value?
        if !options.dryRun, !run.deleted, let live = run.liveFabric, live.value(at: "metadata", "uid") != nil {
            do {
                _ = try await home.patchFabricStatus(namespace: run.fabric.namespace, name: run.fabric.name, status: StatusPatch.mergePatch(from: previous, to: status))
                written = status
                run.statusPatches += 1
            } catch {
                // The reconcile's own outcome stands; the status could not say it. Retried by the next run.
                run.outcome = .failed(reason: ReconcileFailure.reason(for: error, otherwise: ConditionReason.applyFailed), message: "writing status: \(error)")
            }
            let previousReason = Conditions(previous?["conditions"])[ConditionType.ready]?.reason
            if previousReason != run.outcome.reason || run.counts.changedAnything {
                // Events are a courtesy to `kubectl describe`; losing one must not fail the reconcile.
                try? await home.recordEvent(about: live, warning: !run.outcome.isSuccess, reason: run.outcome.reason, message: message)
            }
            notifier.statusChanged(run.fabricID, from: previous, to: status)
        }
        notifier.syncCompleted(run.fabricID, success: run.outcome.isSuccess, duration: duration, revision: run.request.revision, counts: run.counts, message: message)
        return ReconcileReport(
            fabricID: run.fabricID, trigger: run.request.trigger, revision: run.request.revision, outcome: run.outcome, counts: run.counts,
            duration: duration, status: written ?? status, syncStatus: SyncStatus(rawValue: status["syncStatus"]?.stringValue ?? "") ?? .error,
            plan: run.plan, applied: run.applied, statusPatches: run.statusPatches, deleted: run.deleted)
    }
}
