import FabricValue

/// One `metadata.managedFields` entry.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String
    var fields: FieldSet

    var isApply: Bool { operation == "Apply" }

    func sameOwner(_ other: ManagedFieldsEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
    }

    static func entries(of object: Value) -> [ManagedFieldsEntry] {
        (object.value(at: "metadata", "managedFields")?.arrayValue ?? []).compactMap { item in
            guard let manager = item["manager"]?.stringValue else { return nil }
            return ManagedFieldsEntry(
                manager: manager, operation: item["operation"]?.stringValue ?? "Update",
                apiVersion: item["apiVersion"]?.stringValue ?? "", time: item["time"]?.stringValue ?? "",
                subresource: item["subresource"]?.stringValue ?? "",
                fields: FieldSet(fieldsV1: item["fieldsV1"] ?? .object(Object())))
        }
    }

    static func store(_ entries: [ManagedFieldsEntry], in object: inout Value) {
        guard case .object(var root) = object else { return }
        var metadata = root["metadata"]?.objectValue ?? Object()
        let kept = entries.filter { !$0.fields.isEmpty }
        if kept.isEmpty {
            metadata["managedFields"] = nil
        } else {
            metadata["managedFields"] = .array(kept.map { entry in
                var item = Object()
                item["manager"] = .string(entry.manager)
                item["operation"] = .string(entry.operation)
                item["apiVersion"] = .string(entry.apiVersion)
                item["time"] = .string(entry.time)
                item["fieldsType"] = "FieldsV1"
                item["fieldsV1"] = entry.fields.fieldsV1
                if !entry.subresource.isEmpty { item["subresource"] = .string(entry.subresource) }
                return .object(item)
            })
        }
        root["metadata"] = .object(metadata)
        object = .object(root)
    }
}

/// Server-side apply and update ownership tracking ("managedFields-lite").
enum FieldOwnership {
    struct Write {
        var manager: String
        var apiVersion: String
        var scope: FieldScope
        var subresource: String
        var now: String
        var schema: MergeSchema = .builtIn
    }

    /// Merges an applied configuration into the live object (or nothing), as
    /// server-side apply does: conflicts with other owners unless `force`,
    /// removal of fields this manager applied before and no longer applies.
    static func apply(_ config: Value, to live: Value?, write: Write, force: Bool, resource: GroupResource, name: String) throws(APIError) -> Value {
        let base = live ?? .object(Object())
        var entries = ManagedFieldsEntry.entries(of: base)
        let applied = FieldSet.of(config, scope: write.scope, schema: write.schema)
        var conflicts: [(path: FieldSet.Path, entry: ManagedFieldsEntry)] = []
        for (index, entry) in entries.enumerated() where entry.manager != write.manager {
            let shared = entry.fields.paths.intersection(applied.paths)
            let differing = shared.filter { FieldSet.value(at: $0, in: config) != FieldSet.value(at: $0, in: base) }
            if differing.isEmpty { continue }
            if force {
                entries[index].fields.paths.subtract(differing)
            } else {
                conflicts += differing.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0, entry) }
            }
        }
        if !conflicts.isEmpty { throw conflictError(conflicts, resource: resource, name: name) }

        var merged = mergeForApply(base, config, scope: write.scope, schema: write.schema)
        let ownerIndex = entries.firstIndex { $0.manager == write.manager && $0.isApply && $0.subresource == write.subresource }
        let previous = ownerIndex.map { entries[$0].fields } ?? FieldSet()
        var othersOwn = Set<FieldSet.Path>()
        for (index, entry) in entries.enumerated() where index != ownerIndex { othersOwn.formUnion(entry.fields.paths) }
        let dropped = previous.paths.subtracting(applied.paths).subtracting(othersOwn)
        // Shallowest first: a removed keyed item takes its fields with it (its key is gone once they are).
        for path in dropped.sorted(by: { $0.count < $1.count }) {
            merged = FieldSet.removing(path, from: merged)
            merged = removeEmptiedParents(of: path, in: merged, ownedPaths: othersOwn.union(applied.paths))
        }
        let newEntry = ManagedFieldsEntry(manager: write.manager, operation: "Apply", apiVersion: write.apiVersion,
                                          time: write.now, subresource: write.subresource, fields: applied)
        if let ownerIndex {
            let unchanged = entries[ownerIndex].fields == applied && entries[ownerIndex].apiVersion == write.apiVersion
            entries[ownerIndex] = unchanged ? entries[ownerIndex] : newEntry
        } else {
            entries.append(newEntry)
        }
        entries = entries.map { entry in
            var entry = entry
            entry.fields.paths = entry.fields.paths.filter { FieldSet.value(at: $0, in: merged) != nil }
            return entry
        }
        ManagedFieldsEntry.store(entries, in: &merged)
        return merged
    }

    /// Records a non-apply write (create, PUT, PATCH): the writer owns what it
    /// added or changed, others lose those fields, removed fields leave every set.
    static func recordUpdate(old: Value?, new: Value, write: Write) -> Value {
        var entries = ManagedFieldsEntry.entries(of: old ?? .object(Object()))
        let before = old.map { FieldSet.of($0, scope: write.scope, schema: write.schema) } ?? FieldSet()
        let after = FieldSet.of(new, scope: write.scope, schema: write.schema)
        let changed = after.paths.filter { path in
            !before.paths.contains(path) || FieldSet.value(at: path, in: new) != FieldSet.value(at: path, in: old ?? .null)
        }
        var result = new
        if !changed.isEmpty {
            for index in entries.indices { entries[index].fields.paths.subtract(changed) }
            if let index = entries.firstIndex(where: { $0.manager == write.manager && !$0.isApply && $0.subresource == write.subresource }) {
                entries[index].fields.paths.formUnion(changed)
                entries[index].time = write.now
                entries[index].apiVersion = write.apiVersion
            } else {
                entries.append(ManagedFieldsEntry(manager: write.manager, operation: "Update", apiVersion: write.apiVersion,
                                                  time: write.now, subresource: write.subresource, fields: FieldSet(Set(changed))))
            }
        }
        entries = entries.map { entry in
            var entry = entry
            entry.fields.paths = entry.fields.paths.filter { FieldSet.value(at: $0, in: new) != nil }
            return entry
        }
        ManagedFieldsEntry.store(entries, in: &result)
        return result
    }

    /// Apply merge: maps merge, keyed lists merge by key (see `MergeSchema`), the rest replaces.
    static func mergeForApply(_ live: Value, _ config: Value, scope: FieldScope, schema: MergeSchema = .builtIn) -> Value {
        guard case .object(var result) = live, case .object(let applied) = config else { return config }
        for (key, value) in applied {
            switch key {
            case "apiVersion", "kind":
                result[key] = value
            case "metadata":
                if case .statusOnly = scope { continue }
                var metadata = result["metadata"]?.objectValue ?? Object()
                for (metaKey, metaValue) in value.objectValue ?? Object() {
                    if FieldSet.ownableMetadata.contains(metaKey) {
                        metadata[metaKey] = merge(metadata[metaKey], metaValue, schema: .metadata(metaKey))
                    } else if metadata[metaKey] == nil, ["name", "namespace", "generateName"].contains(metaKey) {
                        metadata[metaKey] = metaValue
                    }
                }
                result["metadata"] = .object(metadata)
            default:
                if scope.includes(topLevel: key) { result[key] = merge(result[key], value, schema: schema.child(key)) }
            }
        }
        return .object(result)
    }

    private static func merge(_ live: Value?, _ applied: Value, schema: MergeSchema) -> Value {
        switch (live, applied) {
        case (.object(var base)?, .object(let patch)):
            for (key, value) in patch { base[key] = merge(base[key], value, schema: schema.child(key)) }
            return .object(base)
        case (.array(var base)?, .array(let patch)) where schema.isSet(patch) && (base.isEmpty || schema.isSet(base)):
            for item in patch where !base.contains(item) { base.append(item) }
            return .array(base)
        case (.array(var base)?, .array(let patch)):
            guard let keys = schema.listKeys(patch), schema.listKeys(base) == keys else { return applied }
            for item in patch {
                let key = FieldSet.keyElement(item, keys: keys)
                if let index = base.firstIndex(where: { FieldSet.keyElement($0, keys: keys) == key }) {
                    base[index] = merge(base[index], item, schema: schema.items)
                } else {
                    base.append(item)
                }
            }
            return .array(base)
        default:
            return applied
        }
    }

    private static func removeEmptiedParents(of path: FieldSet.Path, in value: Value, ownedPaths: Set<FieldSet.Path>) -> Value {
        var result = value
        var parent = Array(path.dropLast())
        while !parent.isEmpty {
            guard let current = FieldSet.value(at: parent, in: result), current.objectValue?.isEmpty == true || current.arrayValue?.isEmpty == true,
                  !ownedPaths.contains(parent), parent != ["f:metadata"] else { break }
            result = FieldSet.removing(parent, from: result)
            parent.removeLast()
        }
        return result
    }

    private static func conflictError(_ conflicts: [(path: FieldSet.Path, entry: ManagedFieldsEntry)], resource: GroupResource, name: String) -> APIError {
        // As the API server prints managers: an Update manager with the version it wrote, an Apply manager by name.
        func describe(_ entry: ManagedFieldsEntry) -> String {
            var text = "\"\(entry.manager)\""
            if !entry.subresource.isEmpty { text += " with subresource \"\(entry.subresource)\"" }
            return entry.isApply ? text : text + " using \(entry.apiVersion)"
        }
        let causes = conflicts.map { APIError.Cause(reason: "FieldManagerConflict", message: "conflict with \(describe($0.entry))", field: render($0.path)) }
        var message: String
        if conflicts.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \(describe(conflicts[0].entry)): \(render(conflicts[0].path))"
        } else {
            message = "Apply failed with \(conflicts.count) conflicts: "
            var byManager: [(String, [String])] = []
            for conflict in conflicts {
                let who = describe(conflict.entry)
                if let index = byManager.firstIndex(where: { $0.0 == who }) { byManager[index].1.append(render(conflict.path)) } else { byManager.append((who, [render(conflict.path)])) }
            }
            message += byManager.map { who, paths in "conflicts with \(who):\n" + paths.map { "- " + $0 }.joined(separator: "\n") }.joined(separator: "\n")
        }
        return APIError(code: 409, reason: "Conflict", message: message, name: name, group: resource.group, kind: resource.resource, causes: causes)
    }

    /// `.spec.ports[name="E1/1"].speed`, as structured-merge-diff prints paths.
    static func render(_ path: FieldSet.Path) -> String {
        path.map { element -> String in
            if element.hasPrefix("f:") { return "." + element.dropFirst(2) }
            if element.hasPrefix("k:"), let key = try? JSONReader.parse(String(element.dropFirst(2))), case .object(let object) = key {
                // `try?`: a key we wrote ourselves always parses; a foreign one prints raw below.
                return "[" + object.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: ",") + "]"
            }
            if element.hasPrefix("i:") { return "[" + element.dropFirst(2) + "]" }
            if element.hasPrefix("v:") { return "[=" + element.dropFirst(2) + "]" }
            return element
        }.joined()
    }
}
