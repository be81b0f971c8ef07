import FabricValue

extension EmulatorStore {
    /// DELETE. An object with finalizers is only marked (`deletionTimestamp`)
    /// and goes when its last finalizer is removed; a namespace takes its
    /// contents with it; a CRD takes its custom resources.
    public func delete(_ type: ResourceType, namespace: String?, name: String, options: DeleteOptions = DeleteOptions()) throws(APIError) -> WriteResult {
        lock.lock()
        defer { lock.unlock() }
        let old = try existing(type, namespace, name)
        let uid = old.value(at: "metadata", "uid")?.stringValue ?? ""
        let version = old.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
        if let expected = options.preconditionUID, !expected.isEmpty, expected != uid {
            throw APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(type.groupResource) \"\(name)\": Precondition failed: UID in precondition: \(expected), UID in object meta: \(uid)",
                           name: name, group: type.group, kind: type.plural)
        }
        if let expected = options.preconditionResourceVersion, !expected.isEmpty, expected != version {
            throw APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(type.groupResource) \"\(name)\": Precondition failed: ResourceVersion in precondition: \(expected), ResourceVersion in object meta: \(version)",
                           name: name, group: type.group, kind: type.plural)
        }
        let key = storageKey(type, namespace, name)
        let isNamespace = type.plural == "namespaces" && type.group.isEmpty
        let finalizers = old.value(at: "metadata", "finalizers")?.arrayValue ?? []
        if isNamespace || !finalizers.isEmpty {
            if old.value(at: "metadata", "deletionTimestamp") != nil { return WriteResult(code: 200, object: converted(old, to: type)) }
            var marked = old
            marked["metadata"]?["deletionTimestamp"] = .string(timestamp())
            marked["metadata"]?["deletionGracePeriodSeconds"] = 0
            if let generation = old.value(at: "metadata", "generation")?.intValue, generation > 0 {
                marked["metadata"]?["generation"] = .int(generation + 1)
            }
            if isNamespace { marked["status"] = ["phase": "Terminating"] }
            if options.dryRun { return WriteResult(code: 200, object: converted(marked, to: type)) }
            let next = nextResourceVersion()
            marked["metadata"]?["resourceVersion"] = .string(String(next))
            put(marked, resource: type.groupResource, key: key)
            record("MODIFIED", resource: type.groupResource, namespace: namespace ?? "", object: marked, previous: old, version: next)
            if isNamespace { emptyNamespace(name) }
            return WriteResult(code: 200, object: converted(marked, to: type))
        }
        if !options.dryRun {
            let next = nextResourceVersion()
            var removed = old
            removed["metadata"]?["resourceVersion"] = .string(String(next))
            removeObject(type, key: key, object: removed, version: next, orphanDependents: options.propagationPolicy == "Orphan")
        }
        var details = Object([("name", .string(name))])
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        details["kind"] = .string(type.plural)
        details["uid"] = .string(uid)
        let status: Value = .object(Object([
            ("kind", "Status"), ("apiVersion", "v1"), ("metadata", .object(Object())), ("status", "Success"), ("details", .object(details)),
        ]))
        return WriteResult(code: 200, object: status)
    }

    /// Takes an object out for good, with its DELETED event and what follows from it.
    func removeObject(_ type: ResourceType, key: String, object: Value, version: Int64, orphanDependents: Bool = false) {
        unput(resource: type.groupResource, key: key)
        let namespace = object.value(at: "metadata", "namespace")?.stringValue ?? ""
        record("DELETED", resource: type.groupResource, namespace: namespace, object: object, previous: nil, version: version)
        if type.plural == "customresourcedefinitions" && type.group == "apiextensions.k8s.io" {
            removeCustomResources(of: object)
        }
        if let uid = object.value(at: "metadata", "uid")?.stringValue { collectDependents(of: uid, orphan: orphanDependents) }
        if !namespace.isEmpty { finishNamespaceIfEmpty(namespace) }
    }

    /// The garbage collector's background deletion, done at once: a dependent whose
    /// last owner is gone is deleted; one with other owners loses the dangling reference.
    private func collectDependents(of uid: String, orphan: Bool) {
        guard let refs = dependents[uid] else { return }
        for ref in refs.sorted(by: { ($0.resource.resource, $0.key) < ($1.resource.resource, $1.key) }) {
            guard let object = objects[ref.resource]?[ref.key], let type = types.first(where: { $0.groupResource == ref.resource }) else { continue }
            let owners = object.value(at: "metadata", "ownerReferences")?.arrayValue ?? []
            let remaining = owners.filter { $0["uid"]?.stringValue != uid }
            let name = object.value(at: "metadata", "name")?.stringValue ?? ""
            let namespace = object.value(at: "metadata", "namespace")?.stringValue
            if remaining.isEmpty && !orphan {
                do {
                    _ = try delete(type, namespace: namespace, name: name)
                } catch {
                    assertionFailure("garbage collection of \(ref.key): \(error)")
                }
            } else {
                var updated = object
                // An empty list is omitted, as Go's omitempty does.
                updated["metadata"]?["ownerReferences"] = remaining.isEmpty ? Optional<Value>.none : .array(remaining)
                let next = nextResourceVersion()
                updated["metadata"]?["resourceVersion"] = .string(String(next))
                put(updated, resource: ref.resource, key: ref.key)
                record("MODIFIED", resource: ref.resource, namespace: namespace ?? "", object: updated, previous: object, version: next)
            }
        }
    }

    private func removeCustomResources(of crd: Value) {
        guard let group = crd.value(at: "spec", "group")?.stringValue, let plural = crd.value(at: "spec", "names", "plural")?.stringValue else { return }
        let resource = GroupResource(group: group, resource: plural)
        for (_, object) in (objects[resource] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let next = nextResourceVersion()
            var removed = object
            removed["metadata"]?["resourceVersion"] = .string(String(next))
            record("DELETED", resource: resource, namespace: object.value(at: "metadata", "namespace")?.stringValue ?? "",
                   object: removed, previous: nil, version: next)
        }
        objects[resource] = nil
        sortedKeys[resource] = nil
        rebuildTypes()
    }

    /// The namespace controller's work, done at once: delete every object in the namespace.
    private func emptyNamespace(_ namespace: String) {
        for type in types where type.namespaced {
            let prefix = namespace + "/"
            for key in (objects[type.groupResource] ?? [:]).keys.sorted() where key.hasPrefix(prefix) {
                let name = String(key.dropFirst(prefix.count))
                // Objects of a resource served at several versions appear once per version; the first delete wins.
                guard objects[type.groupResource]?[key] != nil else { continue }
                do {
                    _ = try delete(type, namespace: namespace, name: name)
                } catch {
                    // Deleting what was just found cannot fail; anything else would be a bug worth seeing.
                    assertionFailure("namespace cleanup: \(error)")
                }
            }
        }
        finishNamespaceIfEmpty(namespace)
    }

    private func finishNamespaceIfEmpty(_ namespace: String) {
        let namespaces = GroupResource(group: "", resource: "namespaces")
        guard let ns = objects[namespaces]?["/" + namespace], ns.value(at: "metadata", "deletionTimestamp") != nil else { return }
        let prefix = namespace + "/"
        for (resource, bucket) in objects where resource != namespaces {
            if bucket.keys.contains(where: { $0.hasPrefix(prefix) }) { return }
        }
        let next = nextResourceVersion()
        var removed = ns
        removed["metadata"]?["resourceVersion"] = .string(String(next))
        removed["spec"] = ["finalizers": []]
        unput(resource: namespaces, key: "/" + namespace)
        record("DELETED", resource: namespaces, namespace: "", object: removed, previous: nil, version: next)
    }
}
