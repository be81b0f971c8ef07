import FabricDiff
import FabricSource
import FabricValue
import KubeClient

extension Reconciler {
    /// Resolves each member's scope, reads what is live, checks ownership and plans.
    func planMembers(_ run: inout ReconcileRun, in cluster: any MemberCluster) async throws {
        let source = run.request.source
        let scopes = await memberScopes(source, in: cluster, run: &run)
        let failedKinds = Set(scopes.compactMap { $0.value == nil ? $0.key : nil })
        var desired: [Value] = []
        for object in source.desiredMembers(isNamespaced: { scopes[$0.apiVersion + "/" + $0.kind].flatMap { $0 } ?? true }) {
            guard let id = ObjectID(object: object), !failedKinds.contains(id.apiVersion + "/" + id.kind) else { continue }
            let live: Value?
            do {
                live = try await cluster.live(id)
            } catch {
                run.memberFailures.append((id.inventoryID, ReconcileFailure.reason(for: error, otherwise: ConditionReason.applyFailed), "\(id): \(error)"))
                continue
            }
            if let live {
                let labels = live.value(at: "metadata", "labels")
                let owner = labels?[OwnershipLabels.name]?.stringValue
                let ownerNamespace = labels?[OwnershipLabels.namespace]?.stringValue
                if owner == nil {
                    run.adopted.insert(id.inventoryID)
                } else if owner != run.fabric.name || ownerNamespace != run.fabric.namespace {
                    let message = "\(id) belongs to fabric \(ownerNamespace ?? "?")/\(owner ?? "?"); it is left alone"
                    run.memberFailures.append((id.inventoryID, ConditionReason.applyFailed, message))
                    continue
                }
                run.live[id] = live
            }
            desired.append(object)
        }
        let inventory = InventoryEntry.entries(from: run.liveFabric?["status"]).compactMap { ObjectID(inventoryID: $0.id, version: $0.version) }
        var plan = Planner.plan(desired: desired, live: run.live, inventory: inventory)
        // A member we could not plan is not gone from the source: never prune it.
        let failed = Set(run.memberFailures.map(\.id))
        plan.entries.removeAll { $0.action == .prune && failed.contains($0.id.inventoryID) }
        classifyDrift(&plan, run: &run)
        run.plan = plan
    }

    /// Kinds the fabric's own CRDs define take their scope from those CRDs
    /// (they may not be served yet); others ask discovery. nil: the kind is
    /// not served, and its members fail with the server's own words.
    private func memberScopes(_ source: FabricSource, in cluster: any MemberCluster, run: inout ReconcileRun) async -> [String: Bool?] {
        var fromCRDs: [String: Bool] = [:]
        for member in source.members where member.id.kind == "CustomResourceDefinition" {
            guard let spec = member.object["spec"], let group = spec["group"]?.stringValue, let kind = spec.value(at: "names", "kind")?.stringValue else { continue }
            fromCRDs[group + "/" + kind] = spec["scope"]?.stringValue != "Cluster"
        }
        var scopes: [String: Bool?] = [:]
        for member in source.members {
            let key = member.id.apiVersion + "/" + member.id.kind
            guard scopes[key] == nil else { continue }
            if let known = fromCRDs[member.id.group + "/" + member.id.kind] {
                scopes[key] = .some(known)
                continue
            }
            do {
                scopes[key] = .some(try await cluster.isNamespaced(apiVersion: member.id.apiVersion, kind: member.id.kind))
            } catch {
                scopes[key] = .some(nil)
                let reason = ReconcileFailure.reason(for: error, otherwise: ConditionReason.applyFailed)
                for affected in source.members where affected.id.apiVersion == member.id.apiVersion && affected.id.kind == member.id.kind {
                    run.memberFailures.append((affected.id.inventoryID, reason, "\(affected.id): \(error)"))
                }
            }
        }
        return scopes
    }

    /// An update to an object whose source did not change since we last
    /// applied it is drift: someone else changed the cluster. `report` leaves it.
    private func classifyDrift(_ plan: inout Plan, run: inout ReconcileRun) {
        var drifted: [(id: String, fields: [String])] = []
        for index in plan.entries.indices where plan.entries[index].action == .update {
            let entry = plan.entries[index]
            guard !run.adopted.contains(entry.id.inventoryID), let previous = run.request.lastApplied[entry.id.inventoryID], previous == entry.desired else { continue }
            drifted.append((entry.id.inventoryID, entry.changes.map(\.path)))
            if options.driftPolicy == .report {
                plan.entries[index].action = .unchanged
                run.applied[entry.id.inventoryID] = entry.desired
            }
        }
        guard !drifted.isEmpty else { return }
        // Drift the watch saw was announced when it saw it; this is drift it missed.
        if run.request.trigger != .drift { notifier.driftDetected(run.fabricID, objects: drifted, policy: options.driftPolicy) }
        if options.driftPolicy == .report { run.driftLeftInPlace = drifted }
    }

    /// Namespaces and CRDs first (then the CRDs must be Established), then
    /// everything else, a few at a time, in the source's order.
    func applyMembers(_ run: inout ReconcileRun, in cluster: any MemberCluster) async throws {
        guard let plan = run.plan else { return }
        let entries = plan.entries.filter { $0.action != .prune }
        let first = entries.filter { $0.id.kind == "Namespace" || $0.id.kind == "CustomResourceDefinition" }
        let rest = entries.filter { $0.id.kind != "Namespace" && $0.id.kind != "CustomResourceDefinition" }
        var done = 0
        let total = entries.count
        for (index, wave) in [first, rest].enumerated() where !wave.isEmpty {
            let results = await applyWave(wave, in: cluster)
            for (entry, error) in results {
                done += 1
                record(entry, error: error, run: &run)
            }
            notifier.syncProgress(run.fabricID, applied: done, total: total)
            if index == 0, !options.dryRun {
                for crd in wave where crd.id.kind == "CustomResourceDefinition" && crd.action != .unchanged {
                    do {
                        try await cluster.waitUntilEstablished(crdName: crd.id.name, timeout: options.crdEstablishTimeout)
                    } catch {
                        run.memberFailures.append((crd.id.inventoryID, ConditionReason.applyFailed, "\(crd.id): \(error)"))
                    }
                }
            }
        }
    }

    /// A dry run creates no Namespace, so members of a Namespace the same
    /// plan creates are refused with NotFound; a real run would apply them.
    static func isMissingNamespaceTheDryRunWouldCreate(_ error: KubeError, entry: PlanEntry, plan: Plan?) -> Bool {
        guard let status = error.status, status.code == 404, !entry.id.namespace.isEmpty,
              status.message.contains("namespaces \"\(entry.id.namespace)\" not found") else { return false }
        return plan?.entries.contains { $0.action == .create && $0.id.kind == "Namespace" && $0.id.group.isEmpty && $0.id.name == entry.id.namespace } ?? false
    }

    private func applyWave(_ wave: [PlanEntry], in cluster: any MemberCluster) async -> [(PlanEntry, KubeError?)] {
        let dryRun = options.dryRun
        let limit = max(1, options.applyConcurrency)
        return await withTaskGroup(of: (Int, KubeError?).self) { group in
            var results = [(PlanEntry, KubeError?)](repeating: (wave[0], nil), count: wave.count)
            var next = 0
            func launch() {
                let index = next
                let entry = wave[index]
                next += 1
                group.addTask {
                    guard entry.action != .unchanged, let desired = entry.desired else { return (index, nil) }
                    do throws(KubeError) {
                        _ = try await cluster.apply(desired, dryRun: dryRun)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            while next < min(limit, wave.count) { launch() }
            for await (index, error) in group {
                results[index] = (wave[index], error)
                if next < wave.count { launch() }
            }
            return results
        }
    }

    private func record(_ entry: PlanEntry, error: KubeError?, run: inout ReconcileRun) {
        let id = entry.id.inventoryID
        if let error, !(options.dryRun && Self.isMissingNamespaceTheDryRunWouldCreate(error, entry: entry, plan: run.plan)) {
            run.memberFailures.append((id, ReconcileFailure.reason(for: error, otherwise: ConditionReason.applyFailed), "\(entry.id): \(error)"))
            return
        }
        run.applied[id] = entry.desired
        switch entry.action {
        case .create: run.counts.created += 1
        case .update: if run.adopted.contains(id) { run.counts.adopted += 1 } else { run.counts.updated += 1 }
        case .unchanged: run.counts.unchanged += 1
        case .prune: break
        }
    }
}
