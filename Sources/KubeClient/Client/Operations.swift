import FabricValue

/// How a delete reaches an object's dependents.
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// A listed collection: its objects and the resourceVersion to watch from.
public struct ObjectList: Sendable, Equatable {
    public var items: [Value]
    public var resourceVersion: String
}

/// What an object says it is and where it lives.
struct ObjectReference {
    var apiVersion: String
    var kind: String
    var name: String?
    var namespace: String?

    init(_ object: Value) throws(KubeError) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
              let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw .invalidObject("the object has no apiVersion or kind")
        }
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = object.value(at: "metadata", "name")?.stringValue
        self.namespace = object.value(at: "metadata", "namespace")?.stringValue
    }

    func requireName() throws(KubeError) -> String {
        guard let name, !name.isEmpty else { throw .invalidObject("the \(kind) has no metadata.name") }
        return name
    }
}

extension KubeClient {
    /// The namespace a namespaced call uses: the one given, else the config's.
    func namespace(for resource: APIResource, _ given: String?) -> String? {
        resource.namespaced ? (given.flatMap { $0.isEmpty ? nil : $0 } ?? config.namespace) : nil
    }

    private static func dryRunQuery(_ dryRun: Bool) -> [(String, String)] { dryRun ? [("dryRun", "All")] : [] }

    public func get(apiVersion: String, kind: String, namespace: String? = nil, name: String) async throws(KubeError) -> Value {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        return try await json(APIRequest(method: "GET", path: resource.path(namespace: self.namespace(for: resource, namespace), name: name)))
    }

    /// The object, or nil when it does not exist.
    public func getIfPresent(apiVersion: String, kind: String, namespace: String? = nil, name: String) async throws(KubeError) -> Value? {
        do {
            return try await get(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// Every object of a kind, fetched in pages of `pageSize` (`limit`/`continue`).
    /// `namespace` nil on a namespaced kind lists all namespaces. A continue
    /// token that expired mid-way (410) starts the list over, as client-go's pager does.
    public func list(apiVersion: String, kind: String, namespace: String? = nil, allNamespaces: Bool = false, labelSelector: String? = nil,
                     fieldSelector: String? = nil, pageSize: Int = 500) async throws(KubeError) -> ObjectList {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let path = resource.path(namespace: allNamespaces ? nil : self.namespace(for: resource, namespace))
        var restarts = 0
        while true {
            var items: [Value] = []
            var continueToken: String?
            var resourceVersion = ""
            do {
                repeat {
                    var query: [(String, String)] = [("limit", String(pageSize))]
                    if let continueToken { query.append(("continue", continueToken)) }
                    if let labelSelector { query.append(("labelSelector", labelSelector)) }
                    if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
                    let page = try await json(APIRequest(method: "GET", path: path, query: query))
                    for item in page["items"]?.arrayValue ?? [] {
                        // Items of a list omit apiVersion and kind; put them back so each stands alone.
                        var object = item
                        if object["apiVersion"] == nil { object["apiVersion"] = .string(apiVersion) }
                        if object["kind"] == nil { object["kind"] = .string(kind) }
                        items.append(object)
                    }
                    if resourceVersion.isEmpty { resourceVersion = page.value(at: "metadata", "resourceVersion")?.stringValue ?? "" }
                    continueToken = page.value(at: "metadata", "continue")?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                } while continueToken != nil
                return ObjectList(items: items, resourceVersion: resourceVersion)
            } catch let error where error.isGone && continueToken != nil && restarts < 3 {
                restarts += 1
            }
        }
    }

    public func create(_ object: Value, namespace: String? = nil, dryRun: Bool = false) async throws(KubeError) -> Value {
        let reference = try ObjectReference(object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path = resource.path(namespace: self.namespace(for: resource, namespace ?? reference.namespace))
        return try await json(APIRequest(method: "POST", path: path, query: Self.dryRunQuery(dryRun), body: JSONWriter.data(object),
                                         contentType: "application/json"))
    }

    /// Replaces an object (PUT); with `metadata.resourceVersion` set, a stale copy gets 409 Conflict.
    public func update(_ object: Value, namespace: String? = nil, subresource: String? = nil, dryRun: Bool = false) async throws(KubeError) -> Value {
        let reference = try ObjectReference(object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path = resource.path(namespace: self.namespace(for: resource, namespace ?? reference.namespace), name: try reference.requireName(),
                                 subresource: subresource)
        return try await json(APIRequest(method: "PUT", path: path, query: Self.dryRunQuery(dryRun), body: JSONWriter.data(object),
                                         contentType: "application/json"))
    }

    /// Server-side apply: the server merges `object` into what it holds,
    /// `fieldManager` owning the fields it sets; `force` takes fields other managers own.
    public func apply(_ object: Value, namespace: String? = nil, fieldManager: String = "fabricsync", force: Bool = true,
                      dryRun: Bool = false) async throws(KubeError) -> Value {
        let reference = try ObjectReference(object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind)
        let path = resource.path(namespace: self.namespace(for: resource, namespace ?? reference.namespace), name: try reference.requireName())
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        query += Self.dryRunQuery(dryRun)
        // Apply is idempotent: the same patch twice leaves the same object.
        return try await json(APIRequest(method: "PATCH", path: path, query: query, body: JSONWriter.data(object),
                                         contentType: "application/apply-patch+yaml", idempotent: true))
    }

    /// A JSON merge patch, of the object or of a subresource (`status`).
    public func mergePatch(apiVersion: String, kind: String, namespace: String? = nil, name: String, patch: Value,
                           subresource: String? = nil, dryRun: Bool = false) async throws(KubeError) -> Value {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let path = resource.path(namespace: self.namespace(for: resource, namespace), name: name, subresource: subresource)
        return try await json(APIRequest(method: "PATCH", path: path, query: Self.dryRunQuery(dryRun), body: JSONWriter.data(patch),
                                         contentType: "application/merge-patch+json"))
    }

    /// Merge-patches the `/status` subresource (the Fabric's status).
    public func patchStatus(apiVersion: String, kind: String, namespace: String? = nil, name: String, status: Value,
                            dryRun: Bool = false) async throws(KubeError) -> Value {
        try await mergePatch(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name,
                             patch: .object(Object([("status", status)])), subresource: "status", dryRun: dryRun)
    }

    /// Deletes an object. Returns false when it was already gone.
    @discardableResult
    public func delete(apiVersion: String, kind: String, namespace: String? = nil, name: String,
                       propagation: PropagationPolicy = .background, preconditionUID: String? = nil, dryRun: Bool = false) async throws(KubeError) -> Bool {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let path = resource.path(namespace: self.namespace(for: resource, namespace), name: name)
        var options = Object([("apiVersion", "v1"), ("kind", "DeleteOptions"), ("propagationPolicy", .string(propagation.rawValue))])
        if let preconditionUID { options["preconditions"] = .object(Object([("uid", .string(preconditionUID))])) }
        if dryRun { options["dryRun"] = .array(["All"]) }
        do {
            _ = try await send(APIRequest(method: "DELETE", path: path, query: Self.dryRunQuery(dryRun), body: JSONWriter.data(.object(options)),
                                          contentType: "application/json"))
            return true
        } catch let error where error.isNotFound {
            return false
        }
    }
}
