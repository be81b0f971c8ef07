import FabricDiff
import FabricSource
import FabricValue
import KubeClient

extension Reconciler {
    /// Deletes what the fabric applied before and its source no longer holds
    /// — never anything else, never after a failed apply, and never the whole
    /// inventory because the source came up empty (unless `allowEmpty`).
    func pruneMembers(_ run: inout ReconcileRun, in cluster: any MemberCluster) async throws {
        if !run.memberFailures.isEmpty { throw memberFailure(run) }
        guard let prunes = run.plan?.entries(.prune), !prunes.isEmpty else { return }
        guard run.fabric.sync.prune else {
            // Not pruning means no longer managing: the objects stay, out of the inventory.
            run.released.formUnion(prunes.map(\.id.inventoryID))
            return
        }
        if run.request.source.members.isEmpty && !run.fabric.sync.allowEmpty {
            throw ReconcileFailure(ConditionReason.pruneRefused,
                "the source holds no members for this fabric; refusing to prune the \(prunes.count) object\(prunes.count == 1 ? "" : "s") it applied (set spec.sync.allowEmpty: true to allow)")
        }
        for id in Self.pruneOrder(prunes.map(\.id)) { try await pruneOne(id, run: &run, in: cluster) }
    }

    /// The reverse of apply order: members first, then the Namespaces and
    /// CRDs they live in (deleting those first would take members along uncounted).
    static func pruneOrder(_ ids: [ObjectID]) -> [ObjectID] {
        func rank(_ id: ObjectID) -> Int { id.kind == "Namespace" ? 2 : id.kind == "CustomResourceDefinition" ? 1 : 0 }
        return ids.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Deletes one inventoried object if it still carries this fabric's labels.
    func pruneOne(_ id: ObjectID, run: inout ReconcileRun, in cluster: any MemberCluster) async throws {
        do throws(KubeError) {
            guard let live = try await cluster.live(id) else {
                run.pruned.insert(id.inventoryID)
                return
            }
            let labels = live.value(at: "metadata", "labels")
            guard labels?[OwnershipLabels.name]?.stringValue == run.fabric.name, labels?[OwnershipLabels.namespace]?.stringValue == run.fabric.namespace else {
                run.released.insert(id.inventoryID)
                return
            }
            if try await cluster.delete(id, dryRun: options.dryRun) { run.counts.pruned += 1 }
            run.pruned.insert(id.inventoryID)
        } catch {
            throw ReconcileFailure(ReconcileFailure.reason(for: error, otherwise: ConditionReason.pruneFailed), "prune \(id): \(error)")
        }
    }

    func memberFailure(_ run: ReconcileRun) -> ReconcileFailure {
        let failures = run.memberFailures
        let reasons = Set(failures.map(\.reason))
        let reason = reasons.count == 1 ? reasons.first! : ConditionReason.applyFailed
        let shown = failures.prefix(3).map(\.message).joined(separator: "; ")
        let more = failures.count > 3 ? " (and \(failures.count - 3) more)" : ""
        var message = "\(failures.count) member\(failures.count == 1 ? "" : "s") failed: \(shown)\(more)"
        if reason == ConditionReason.forbidden {
            message += " — the controller's ClusterRole needs a rule for this kind (see README, Permissions)"
        }
        return ReconcileFailure(reason, message)
    }

    /// The inventory after this run: what was there, less what was pruned or
    /// let go, plus what was applied.
    func inventory(after run: ReconcileRun) -> [InventoryEntry] {
        var byID: [String: InventoryEntry] = [:]
        for entry in InventoryEntry.entries(from: run.liveFabric?["status"]) where !run.pruned.contains(entry.id) && !run.released.contains(entry.id) {
            byID[entry.id] = entry
        }
        for (id, object) in run.applied {
            let version = ObjectID(object: object)?.version ?? ""
            byID[id] = InventoryEntry(id: id, version: version)
        }
        return byID.values.sorted()
    }
}
