import FabricDiff
import FabricSource
import FabricValue
import Foundation
import KubeClient

/// Reconciles one fabric: read → validate → plan → apply → prune → status →
/// event → notify. `reconcile` is the whole story; each step is a method
/// below that either does its part or throws a `ReconcileFailure` naming the
/// condition reason, and the status is written once at the end whatever happened.
public struct Reconciler: Sendable {
    public struct Options: Sendable {
        public var dryRun = false
        public var driftPolicy: DriftPolicy = .correct
        /// Member applies in flight at once within one fabric.
        public var applyConcurrency = 8
        public var crdEstablishTimeout: Duration = .seconds(30)
        public init() {}
    }

    public let home: any FabricStore
    public let options: Options
    public let notifier: Notifier
    /// The cluster a fabric's members go to (its own target, or the controller's cluster).
    public let target: @Sendable (Fabric) async -> TargetResolution
    public let now: @Sendable () -> Double

    public init(home: any FabricStore, options: Options, notifier: Notifier, target: @escaping @Sendable (Fabric) async -> TargetResolution,
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.home = home
        self.options = options
        self.notifier = notifier
        self.target = target
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
        let clock = ContinuousClock()
        let started = clock.now
        let fabric = request.source.fabric
        var run = ReconcileRun(request: request)
        notifier.syncStarted(fabric.id, trigger: request.trigger, revision: request.revision, dryRun: options.dryRun)
        do {
            run.liveFabric = try? await home.fabric(namespace: fabric.namespace, name: fabric.name)  // cache read; a failure shows up at apply
            if run.request.sourceEmpty {
                throw ReconcileFailure(ConditionReason.pruneRefused, "the source holds no fabrics at all; nothing is applied, deleted or pruned until it does (an empty source never prunes)")
            }
            if let problem = run.request.sourceUnavailable {
                throw ReconcileFailure(ConditionReason.sourceUnavailable, "the source cannot be read; the last good revision stays applied: \(problem)")
            }
            try checkValidation(&run)
            if run.request.removedFromSource {
                try await deleteRemovedFabric(&run)
            } else {
                try await applyFabricObject(&run)
            }
            if run.isBeingDeleted {
                try await finalizeDeletion(&run)
            } else if !fabric.sync.enabled {
                run.outcome = .disabled
            } else {
                let cluster = try await resolveTarget(fabric)
                try await planMembers(&run, in: cluster)
                try await writeProgressingIfNeeded(&run)
                try await applyMembers(&run, in: cluster)
                try await pruneMembers(&run, in: cluster)
                run.outcome = run.driftLeftInPlace.isEmpty ? .succeeded : .succeededWithDriftReported(message: run.driftSummary)
            }
        } catch let failure as ReconcileFailure {
            run.outcome = failure.outcome
        } catch {
            run.outcome = .failed(reason: ConditionReason.applyFailed, message: "\(error)")
        }
        return await finish(run, duration: clock.now - started)
    }

    // MARK: - Steps

    /// A fabric whose source has errors applies nothing and prunes nothing.
    func checkValidation(_ run: inout ReconcileRun) throws {
        let issues = run.request.source.issues
        if !issues.isEmpty || run.request.previouslyInvalid {
            notifier.validationResult(run.fabricID, issues: issues)
        }
        guard issues.isEmpty else {
            let shown = issues.prefix(5).map(\.description).joined(separator: "; ")
            let more = issues.count > 5 ? " (and \(issues.count - 5) more)" : ""
            throw ReconcileFailure(ConditionReason.validationFailed, "\(issues.count) validation error\(issues.count == 1 ? "" : "s"): \(shown)\(more)")
        }
    }

    /// The Fabric object itself comes from the source (its spec is not edited
    /// in the cluster), with our finalizer so a deletion prunes first.
    func applyFabricObject(_ run: inout ReconcileRun) async throws {
        if let live = run.liveFabric, live.value(at: "metadata", "deletionTimestamp") != nil {
            run.isBeingDeleted = true
            return
        }
        var object = run.request.source.fabricObject
        object["metadata"]?["finalizers"] = [.string(FabricFinalizer.name)]
        var labels = object.value(at: "metadata", "labels")?.objectValue ?? Object()
        labels["app.kubernetes.io/managed-by"] = "fabricsync"
        object["metadata"]?["labels"] = .object(labels)
        if let identity = run.request.sourceIdentity {
            var annotations = object.value(at: "metadata", "annotations")?.objectValue ?? Object()
            annotations[FabricSourceAnnotation.name] = .string(identity)
            object["metadata"]?["annotations"] = .object(annotations)
        }
        object["status"] = nil
        // Already as the source says: a steady-state run writes nothing but its status.
        if let live = run.liveFabric, ObjectDiff.compare(desired: object, live: live).isEmpty { return }
        do {
            let applied = try await home.applyFabric(object, dryRun: options.dryRun)
            if !options.dryRun || run.liveFabric == nil { run.liveFabric = applied }
        } catch {
            throw ReconcileFailure.from(error, doing: "apply Fabric \(run.fabricID)")
        }
    }

    /// The Fabric's file is gone from a source that still holds others: the
    /// Fabric is deleted as `kubectl delete` would, and its finalizer prunes.
    func deleteRemovedFabric(_ run: inout ReconcileRun) async throws {
        guard let live = run.liveFabric else {
            run.deleted = true
            return
        }
        if live.value(at: "metadata", "deletionTimestamp") == nil, !options.dryRun {
            do {
                try await home.deleteFabric(namespace: run.fabric.namespace, name: run.fabric.name)
            } catch {
                throw ReconcileFailure.from(error, doing: "delete Fabric \(run.fabricID), whose file left the source")
            }
        }
        run.isBeingDeleted = true
    }

    /// The Fabric was deleted: prune what it applied (when `sync.prune`), then let it go.
    func finalizeDeletion(_ run: inout ReconcileRun) async throws {
        let inventory = InventoryEntry.entries(from: run.liveFabric?["status"])
        let prune = run.liveFabric?.value(at: "spec", "sync", "prune")?.boolValue ?? true
        if prune, !inventory.isEmpty {
            let cluster = try await resolveTarget(run.request.source.fabric)
            let ids = inventory.compactMap { ObjectID(inventoryID: $0.id, version: $0.version) }
            for id in Self.pruneOrder(ids) { try await pruneOne(id, run: &run, in: cluster) }
        }
        if !options.dryRun, let fabric = run.liveFabric {
            let remaining = (fabric.value(at: "metadata", "finalizers")?.arrayValue ?? []).filter { $0.stringValue != FabricFinalizer.name }
            do {
                try await home.setFinalizers(namespace: run.fabric.namespace, name: run.fabric.name, finalizers: remaining,
                                             resourceVersion: run.request.removedFromSource ? nil : fabric.value(at: "metadata", "resourceVersion")?.stringValue)
            } catch {
                throw ReconcileFailure.from(error, doing: "remove the finalizer of Fabric \(run.fabricID)")
            }
        }
        run.deleted = true
        run.outcome = .succeeded
    }

    func resolveTarget(_ fabric: Fabric) async throws -> any MemberCluster {
        switch await target(fabric) {
        case .cluster(let cluster): return cluster
        case .notConfigured(let message): throw ReconcileFailure(outcome: .clusterNotConfigured(message: message))
        case .unreachable(let message): throw ReconcileFailure(ConditionReason.clusterUnreachable, message)
        case .forbidden(let message): throw ReconcileFailure(ConditionReason.forbidden, message)
        }
    }

    func writeProgressingIfNeeded(_ run: inout ReconcileRun) async throws {
        guard let plan = run.plan, plan.hasChanges || !run.memberFailures.isEmpty, !options.dryRun, let live = run.liveFabric else { return }
        let builder = statusBuilder(run)
        let status = builder.progressing(previous: live["status"], revision: run.request.revision)
        if let written = try? await home.patchFabricStatus(namespace: run.fabric.namespace, name: run.fabric.name, status: StatusPatch.mergePatch(from: live["status"], to: status)) {
            run.liveFabric = written  // a failed progress patch is not worth failing the reconcile for; the final patch says it all
            run.statusPatches += 1
        }
    }

    func statusBuilder(_ run: ReconcileRun) -> FabricStatusBuilder {
        FabricStatusBuilder(generation: run.liveFabric?.value(at: "metadata", "generation")?.intValue ?? 0,
                            intervalSeconds: Int(run.fabric.sync.interval), now: now())
    }
}

/// How `Reconciler` reaches a fabric's target cluster.
public enum TargetResolution: Sendable {
    case cluster(any MemberCluster)
    case notConfigured(String)
    case unreachable(String)
    /// The target refused our credentials (401) or our permissions (403).
    case forbidden(String)
}

/// The annotation naming the source a Fabric was applied from.
public enum FabricSourceAnnotation {
    public static let name = "fabric.githedgehog.com/source"
}

public enum FabricFinalizer {
    public static let name = "fabric.githedgehog.com/finalizer"
}
