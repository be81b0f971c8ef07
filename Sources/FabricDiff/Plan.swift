import FabricValue

/// What a reconcile does with one object.
public enum PlanAction: String, Sendable, Hashable, CaseIterable {
    case create, update, unchanged, prune
}

public struct PlanEntry: Sendable, Hashable {
    public var action: PlanAction
    public var id: ObjectID
    /// Field changes of an `update` (Secret values redacted); empty otherwise.
    public var changes: [FieldChange]
    /// The object to apply, for `create`, `update` and `unchanged`; never printed.
    public var desired: Value?

    public init(action: PlanAction, id: ObjectID, changes: [FieldChange] = [], desired: Value? = nil) {
        self.action = action
        self.id = id
        self.changes = changes
        self.desired = desired
    }
}

public struct Plan: Sendable, Hashable {
    /// Desired objects in the order given, then prunes ordered by inventory id.
    public var entries: [PlanEntry]

    public init(entries: [PlanEntry] = []) { self.entries = entries }

    /// Whether applying the plan would change anything.
    public var hasChanges: Bool { entries.contains { $0.action != .unchanged } }

    public func count(of action: PlanAction) -> Int { entries.reduce(0) { $0 + ($1.action == action ? 1 : 0) } }

    public func entries(_ action: PlanAction) -> [PlanEntry] { entries.filter { $0.action == action } }
}

public enum Planner {
    /// Plans one fabric.
    /// - desired: the source's objects, already validated and defaulted (each
    ///   has apiVersion, kind, metadata.name, and its namespace when namespaced);
    ///   an object without those is left out of the plan.
    /// - live: what the cluster holds, by id; matched by inventory id, so the
    ///   version a live object was read at does not matter.
    /// - inventory: what this fabric applied before; prune = in the inventory
    ///   and not desired, and nothing else is ever pruned.
    public static func plan(desired: [Value], live: [ObjectID: Value], inventory: [ObjectID]) -> Plan {
        var liveByInventoryID: [String: Value] = [:]
        liveByInventoryID.reserveCapacity(live.count)
        for (id, object) in live { liveByInventoryID[id.inventoryID] = object }

        var entries: [PlanEntry] = []
        entries.reserveCapacity(desired.count)
        var desiredIDs = Set<String>()
        for object in desired {
            guard let id = ObjectID(object: object) else { continue }
            desiredIDs.insert(id.inventoryID)
            guard let liveObject = liveByInventoryID[id.inventoryID] else {
                entries.append(PlanEntry(action: .create, id: id, desired: object))
                continue
            }
            var changes = ObjectDiff.compare(desired: object, live: liveObject)
            if changes.isEmpty {
                entries.append(PlanEntry(action: .unchanged, id: id, desired: object))
            } else {
                if Normalizer.isSecret(object) { changes = SecretRedaction.redacted(changes) }
                entries.append(PlanEntry(action: .update, id: id, changes: changes, desired: object))
            }
        }

        var prunes: [ObjectID] = []
        var prunedIDs = Set<String>()
        for id in inventory where !desiredIDs.contains(id.inventoryID) && prunedIDs.insert(id.inventoryID).inserted {
            prunes.append(id)
        }
        prunes.sort { $0.inventoryID < $1.inventoryID }
        entries.append(contentsOf: prunes.map { PlanEntry(action: .prune, id: $0) })
        return Plan(entries: entries)
    }
}
