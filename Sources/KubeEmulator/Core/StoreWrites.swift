import Foundation
import FabricValue

extension EmulatorStore {
    /// POST: creates the object (201). `generateName` is honoured; the namespace must exist.
    public func create(_ type: ResourceType, namespace: String?, body: Value, options: WriteOptions) throws(APIError) -> WriteResult {
        lock.lock()
        defer { lock.unlock() }
        var warnings: [String] = []
        var object = try checkedBody(body, type: type, namespace: namespace, urlName: nil)
        if object.value(at: "metadata", "resourceVersion")?.stringValue.map({ !$0.isEmpty }) == true {
            throw APIError.badRequest("resourceVersion should not be set on objects to be created")
        }
        object = try processSchema(object, type: type, validation: options.fieldValidation, warnings: &warnings)
        let ownership = Write(manager: options.manager, scope: scope(type, subresource: nil), subresource: "", apiVersion: type.apiVersion, now: timestamp(), schema: .root(for: type))
        object = FieldOwnership.recordUpdate(old: nil, new: object, write: ownership.fields)
        return try insert(object, type: type, options: options, warnings: warnings)
    }

    /// PUT on the object or its `/status`.
    public func update(_ type: ResourceType, namespace: String?, name: String, body: Value, subresource: String? = nil,
                       options: WriteOptions) throws(APIError) -> WriteResult {
        lock.lock()
        defer { lock.unlock() }
        let old = try existing(type, namespace, name)
        let object = try checkedBody(body, type: type, namespace: namespace, urlName: name)
        let requested = object.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
        if requested.isEmpty && (type.isCustom || type.plural == "customresourcedefinitions") {
            throw APIError.invalid(kind: type.kind, group: type.group, name: name, causes: [
                APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update", field: "metadata.resourceVersion"),
            ])
        }
        return try commitUpdate(type, old: old, candidate: object, subresource: subresource, options: options, ownership: .update)
    }

    /// PATCH: JSON patch, merge patch, strategic merge patch (built-ins only, applied as a merge patch) or server-side apply.
    public func patch(_ type: ResourceType, namespace: String?, name: String, patch: Value, patchType: PatchType,
                      subresource: String? = nil, options: WriteOptions) throws(APIError) -> WriteResult {
        lock.lock()
        defer { lock.unlock() }
        if patchType == .apply { return try apply(type, namespace: namespace, name: name, config: patch, subresource: subresource, options: options) }
        if options.force {
            throw APIError.invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", causes: [
                APIError.Cause(reason: "FieldValueForbidden", message: "Forbidden: may not be specified for non-apply patch", field: "force"),
            ])
        }
        if patchType == .strategicMerge && type.isCustom { throw APIError.unsupportedPatchType() }
        let old = try existing(type, namespace, name)
        let current = converted(old, to: type)
        let patched: Value
        switch patchType {
        case .json: patched = try JSONPatch.apply(patch, to: current)
        case .strategicMerge:
            guard case .object = patch else { throw APIError.badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}") }
            patched = StrategicMergePatch.apply(patch, to: current)
        default:
            guard case .object = patch else { throw APIError.badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}") }
            patched = MergePatch.apply(patch, to: current)
        }
        let object = try checkedBody(patched, type: type, namespace: namespace, urlName: name)
        return try commitUpdate(type, old: old, candidate: object, subresource: subresource, options: options, ownership: .update)
    }

    private func apply(_ type: ResourceType, namespace: String?, name: String, config: Value, subresource: String?,
                       options: WriteOptions) throws(APIError) -> WriteResult {
        guard let manager = options.fieldManager, !manager.isEmpty else {
            throw APIError.invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", causes: [
                APIError.Cause(reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager"),
            ])
        }
        var config = try checkedBody(config, type: type, namespace: namespace, urlName: name)
        if config.value(at: "metadata", "managedFields") != nil {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        var warnings: [String] = []
        config = try pruneUnknown(config, type: type, validation: options.fieldValidation, warnings: &warnings)
        let write = Write(manager: manager, scope: scope(type, subresource: subresource), subresource: subresource ?? "",
                          apiVersion: type.apiVersion, now: timestamp(), schema: .root(for: type))
        let key = storageKey(type, namespace, name)
        guard let old = objects[type.groupResource]?[key] else {
            if subresource != nil { throw APIError.notFound(type.groupResource, name: name) }
            var object = try FieldOwnership.apply(config, to: nil, write: write.fields, force: options.force, resource: type.groupResource, name: name)
            if type.hasStatusSubresource { object["status"] = nil }
            object = try processSchema(object, type: type, validation: options.fieldValidation, warnings: &warnings)
            return try insert(object, type: type, options: options, warnings: warnings)
        }
        let requested = config.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
        if !requested.isEmpty && requested != old.value(at: "metadata", "resourceVersion")?.stringValue {
            throw APIError.staleResourceVersion(type.groupResource, name: name)
        }
        let merged = try FieldOwnership.apply(config, to: converted(old, to: type), write: write.fields, force: options.force,
                                              resource: type.groupResource, name: name)
        var result = try commitUpdate(type, old: old, candidate: merged, subresource: subresource, options: options, ownership: .alreadyRecorded)
        result.warnings = warnings + result.warnings
        return result
    }

    enum Ownership { case update, alreadyRecorded }

    struct Write {
        var manager: String
        var scope: FieldScope
        var subresource: String
        var apiVersion: String
        var now: String
        var schema: MergeSchema = .builtIn
        var fields: FieldOwnership.Write {
            FieldOwnership.Write(manager: manager, apiVersion: apiVersion, scope: scope, subresource: subresource, now: now, schema: schema)
        }
    }

    func scope(_ type: ResourceType, subresource: String?) -> FieldScope {
        if subresource == "status" { return .statusOnly }
        return type.hasStatusSubresource ? .mainExcludingStatus : .everything
    }

    func existing(_ type: ResourceType, _ namespace: String?, _ name: String) throws(APIError) -> Value {
        guard let old = objects[type.groupResource]?[storageKey(type, namespace, name)] else {
            throw APIError.notFound(type.groupResource, name: name)
        }
        return old
    }

    /// The shared end of every update: subresource rules, schema, ownership,
    /// generation, finalizers, the no-op short cut, then commit.
    private func commitUpdate(_ type: ResourceType, old: Value, candidate: Value, subresource: String?, options: WriteOptions,
                              ownership: Ownership) throws(APIError) -> WriteResult {
        let name = old.value(at: "metadata", "name")?.stringValue ?? ""
        let oldVersion = old.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
        let requested = candidate.value(at: "metadata", "resourceVersion")?.stringValue ?? ""
        if !requested.isEmpty && requested != oldVersion { throw APIError.staleResourceVersion(type.groupResource, name: name) }
        let oldUID = old.value(at: "metadata", "uid")?.stringValue ?? ""
        if let uid = candidate.value(at: "metadata", "uid")?.stringValue, !uid.isEmpty, uid != oldUID {
            throw APIError.conflict(type.groupResource, name: name, detail: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(oldUID)")
        }
        if let subresource, subresource != "status" || !type.hasStatusSubresource {
            throw APIError.notFound(type.groupResource, name: name)
        }
        var warnings: [String] = []
        var object: Value
        if subresource == "status" {
            object = old
            object["status"] = candidate["status"]
            if ownership == .alreadyRecorded { object["metadata"] = candidate["metadata"] }
        } else {
            object = candidate
            var metadata = candidate["metadata"]?.objectValue ?? Object()
            let oldMetadata = old["metadata"]?.objectValue ?? Object()
            for key in ["name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "selfLink"] {
                metadata[key] = oldMetadata[key]
            }
            metadata["generateName"] = metadata["generateName"] ?? oldMetadata["generateName"]
            if ownership == .update {
                let requestedFields = metadata["managedFields"]
                metadata["managedFields"] = requestedFields?.arrayValue?.isEmpty == true ? Optional<Value>.none : oldMetadata["managedFields"]
            }
            object["metadata"] = .object(metadata)
            if type.hasStatusSubresource { object["status"] = old["status"] }
        }
        object = try processSchema(object, type: type, validation: options.fieldValidation, warnings: &warnings)
        if ownership == .update {
            let write = Write(manager: options.manager, scope: scope(type, subresource: subresource), subresource: subresource ?? "",
                              apiVersion: type.apiVersion, now: timestamp(), schema: .root(for: type))
            object = FieldOwnership.recordUpdate(old: converted(old, to: type), new: object, write: write.fields)
        }
        object["apiVersion"] = old["apiVersion"]
        if type.tracksGeneration && subresource == nil && specChanged(old, object, type: type) {
            object["metadata"]?["generation"] = .int((old.value(at: "metadata", "generation")?.intValue ?? 0) + 1)
        }
        try checkFinalizers(old: old, new: object, type: type)
        object = try typeHooksOnUpdate(type, old: old, new: object)
        if object == old { return WriteResult(code: 200, object: converted(old, to: type), warnings: warnings) }
        let deleting = old.value(at: "metadata", "deletionTimestamp") != nil
        let finalized = deleting && (object.value(at: "metadata", "finalizers")?.arrayValue ?? []).isEmpty
        if options.dryRun { return WriteResult(code: 200, object: converted(object, to: type), warnings: warnings) }
        let version = nextResourceVersion()
        object["metadata"]?["resourceVersion"] = .string(String(version))
        let namespace = object.value(at: "metadata", "namespace")?.stringValue ?? ""
        let key = storageKey(type, namespace, name)
        if finalized {
            removeObject(type, key: key, object: object, version: version)
        } else {
            put(object, resource: type.groupResource, key: key)
            record("MODIFIED", resource: type.groupResource, namespace: namespace, object: object, previous: old, version: version)
            typeHooksAfterCommit(type, object: object)
        }
        return WriteResult(code: 200, object: converted(object, to: type), warnings: warnings)
    }

    /// Stores a new object: name, namespace, server fields, type hooks, ADDED event.
    private func insert(_ body: Value, type: ResourceType, options: WriteOptions, warnings: [String]) throws(APIError) -> WriteResult {
        var object = body
        var metadata = object["metadata"]?.objectValue ?? Object()
        var name = metadata["name"]?.stringValue ?? ""
        if name.isEmpty {
            guard let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty else {
                throw APIError.invalid(kind: type.kind, group: type.group, name: "", causes: [
                    APIError.Cause(reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name"),
                ])
            }
            name = prefix + randomSuffix()
            metadata["name"] = .string(name)
        }
        let namespace = metadata["namespace"]?.stringValue ?? ""
        if type.namespaced { try requireLiveNamespace(namespace, creating: type, name: name) }
        let key = storageKey(type, namespace, name)
        if objects[type.groupResource]?[key] != nil { throw APIError.alreadyExists(type.groupResource, name: name) }
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(timestamp())
        metadata["resourceVersion"] = nil
        metadata["generation"] = type.tracksGeneration ? Value.int(1) : Optional<Value>.none
        for key in ["deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] { metadata[key] = nil }
        object["metadata"] = .object(metadata)
        if type.hasStatusSubresource && type.plural != "namespaces" { object["status"] = nil }
        object = try typeHooksOnCreate(type, object)
        if options.dryRun { return WriteResult(code: 201, object: converted(object, to: type), warnings: warnings) }
        let version = nextResourceVersion()
        object["metadata"]?["resourceVersion"] = .string(String(version))
        put(object, resource: type.groupResource, key: key)
        record("ADDED", resource: type.groupResource, namespace: namespace, object: object, previous: nil, version: version)
        typeHooksAfterCommit(type, object: object)
        return WriteResult(code: 201, object: converted(object, to: type), warnings: warnings)
    }

    /// Body checks every write shares: an object of the right apiVersion and kind, in the request's namespace, with the URL's name.
    func checkedBody(_ body: Value, type: ResourceType, namespace: String?, urlName: String?) throws(APIError) -> Value {
        guard case .object = body else {
            throw APIError.badRequest("json: cannot unmarshal \(body.typeName) into Go value of type map[string]interface {}")
        }
        var object = body
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty {
            guard apiVersion == type.apiVersion else {
                throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))")
            }
        }
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != type.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
        object["apiVersion"] = .string(type.apiVersion)
        object["kind"] = .string(type.kind)
        var metadata = object["metadata"]?.objectValue ?? Object()
        if type.namespaced {
            let given = metadata["namespace"]?.stringValue ?? ""
            if !given.isEmpty, let namespace, given != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(namespace ?? given)
        } else {
            metadata["namespace"] = nil
        }
        if let urlName {
            let given = metadata["name"]?.stringValue ?? ""
            if given.isEmpty {
                metadata["name"] = .string(urlName)
            } else if given != urlName {
                throw APIError.badRequest("the name of the object (\(given)) does not match the name on the URL (\(urlName))")
            }
        }
        object["metadata"] = .object(metadata)
        return object
    }

    func requireLiveNamespace(_ namespace: String, creating type: ResourceType, name: String) throws(APIError) {
        guard let ns = objects[GroupResource(group: "", resource: "namespaces")]?["/" + namespace] else {
            throw APIError.notFound(GroupResource(group: "", resource: "namespaces"), name: namespace)
        }
        if ns.value(at: "metadata", "deletionTimestamp") != nil {
            throw APIError.forbidden(type.groupResource, name: name, detail: "unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }

    /// Everything but metadata (and status, where status is its own subresource) counts as spec for `generation`.
    func specChanged(_ old: Value, _ new: Value, type: ResourceType) -> Bool {
        func body(_ value: Value) -> Value {
            var copy = value
            copy["metadata"] = nil
            copy["apiVersion"] = nil
            if type.hasStatusSubresource { copy["status"] = nil }
            return copy
        }
        return body(old) != body(new)
    }

    func checkFinalizers(old: Value, new: Value, type: ResourceType) throws(APIError) {
        guard old.value(at: "metadata", "deletionTimestamp") != nil else { return }
        let before = Set((old.value(at: "metadata", "finalizers")?.arrayValue ?? []).compactMap(\.stringValue))
        let added = (new.value(at: "metadata", "finalizers")?.arrayValue ?? []).compactMap(\.stringValue).filter { !before.contains($0) }
        guard !added.isEmpty else { return }
        let name = new.value(at: "metadata", "name")?.stringValue ?? ""
        throw APIError.invalid(kind: type.kind, group: type.group, name: name, causes: [
            APIError.Cause(reason: "FieldValueForbidden", message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(added.map { "\"\($0)\"" }.joined(separator: ", "))}", field: "metadata.finalizers"),
        ])
    }

    private func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
