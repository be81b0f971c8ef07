import FabricDiff
import FabricSource
import FabricValue

extension Controller {
    public static let requestedAtAnnotation = "fabric.githedgehog.com/requestedAt"

    /// What the watches saw. A member that no longer matches what we applied
    /// is drift (reported now, corrected or left by the policy); a Fabric
    /// whose spec changed, that was deleted, or whose `requestedAt` moved gets a run.
    public func observe(_ change: ObservedChange) {
        let object = change.object
        if object["kind"]?.stringValue == "Secret", object["apiVersion"]?.stringValue == "v1" { observeTargetSecret(change) }
        if object["kind"]?.stringValue == Fabric.kind, object["apiVersion"]?.stringValue == Fabric.apiVersion {
            observeFabric(change)
        } else {
            observeMember(change)
        }
    }

    private func observeFabric(_ change: ObservedChange) {
        let object = change.object
        guard let name = object.value(at: "metadata", "name")?.stringValue, let namespace = object.value(at: "metadata", "namespace")?.stringValue else { return }
        let id = namespace + "/" + name
        guard fabrics[id] != nil else { return }
        switch change {
        case .modified(let old, let new):
            let annotation = { (value: Value) in value.value(at: "metadata", "annotations", Self.requestedAtAnnotation) }
            if annotation(old) != annotation(new), annotation(new) != nil {
                scheduler.trigger(id, .manual, now: elapsed)
            }
            if old.value(at: "metadata", "generation") != new.value(at: "metadata", "generation") {
                scheduler.trigger(id, .specChange, now: elapsed)
            }
            if old.value(at: "metadata", "deletionTimestamp") == nil, new.value(at: "metadata", "deletionTimestamp") != nil {
                scheduler.trigger(id, .specChange, now: elapsed)
            }
        case .deleted:
            // Still in the source: it comes back on the next run.
            if fabrics[id]?.source != nil { scheduler.trigger(id, .drift, now: elapsed) }
        case .added:
            break
        }
    }

    private func observeMember(_ change: ObservedChange) {
        let object = change.object
        let labels = object.value(at: "metadata", "labels")
        guard let owner = labels?[OwnershipLabels.name]?.stringValue, let ownerNamespace = labels?[OwnershipLabels.namespace]?.stringValue,
              let id = ObjectID(object: object) else { return }
        let fabricID = ownerNamespace + "/" + owner
        if running[fabricID] != nil {
            // Our own writes are under way: judge the latest copy against what this run applies, when it ends.
            var observed = observedDuringRun[fabricID] ?? [:]
            observed[id.inventoryID] = change
            observedDuringRun[fabricID] = observed
            return
        }
        guard let desired = fabrics[fabricID]?.lastApplied[id.inventoryID] else { return }
        checkDrift(fabricID, id: id, desired: desired, change: change)
    }

    /// Changes seen while the fabric's run was writing, judged against what it applied.
    func checkDriftObservedDuringRun(_ fabricID: String) {
        guard let observed = observedDuringRun.removeValue(forKey: fabricID), let applied = fabrics[fabricID]?.lastApplied else { return }
        for (inventoryID, change) in observed {
            guard let desired = applied[inventoryID], let id = ObjectID(object: change.object) else { continue }
            checkDrift(fabricID, id: id, desired: desired, change: change)
        }
    }

    private func checkDrift(_ fabricID: String, id: ObjectID, desired: Value, change: ObservedChange) {
        let fields: [String]
        switch change {
        case .deleted: fields = ["(deleted)"]
        case .added(let live), .modified(_, let live): fields = ObjectDiff.compare(desired: desired, live: live).map(\.path)
        }
        guard !fields.isEmpty else { return }
        reconciler.notifier.driftDetected(fabricID, objects: [(id.inventoryID, fields)], policy: reconciler.options.driftPolicy)
        log.info("drift detected", [("fabric", .string(fabricID)), ("object", .string(id.description)), ("fields", .string(fields.joined(separator: ",")))])
        scheduler.trigger(fabricID, .drift, now: elapsed)
        if !reconciler.options.dryRun {
            let message = "\(id) changed in the cluster: \(fields.joined(separator: ", "))"
            Task { await self.markDrifted(fabricID, message: message) }
        }
    }

    /// Says so in the status at once (`Drifted=True`, `out_of_sync`); the
    /// drift run that follows puts the object back and the condition with it.
    private func markDrifted(_ fabricID: String, message: String) async {
        let parts = fabricID.split(separator: "/").map(String.init)
        guard parts.count == 2, running[fabricID] == nil else { return }
        do {
            guard let live = try await home.fabric(namespace: parts[0], name: parts[1]) else { return }
            var conditions = Conditions(live["status"]?["conditions"])
            let generation = live.value(at: "metadata", "generation")?.intValue ?? 0
            conditions.set(ConditionType.drifted, .true, reason: ConditionReason.driftDetected, message: message, generation: generation,
                           now: Timestamp.seconds(sinceEpoch: reconciler.now()))
            var patch: Value = ["conditions": conditions.value]
            if live.value(at: "status", "syncStatus") == "in_sync" { patch["syncStatus"] = .string(SyncStatus.outOfSync.rawValue) }
            // The drift run may have started meanwhile; its own final status then says it all.
            guard running[fabricID] == nil else { return }
            _ = try await home.patchFabricStatus(namespace: parts[0], name: parts[1], status: patch)
        } catch {
            log.warning("could not mark drift in the status", [("fabric", .string(fabricID)), ("error", .string("\(error)"))])
        }
    }
}
