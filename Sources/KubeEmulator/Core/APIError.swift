import FabricValue

/// A failed request, as the real API server reports it: a `Status` object
/// with an HTTP code, a machine-readable reason and a human message in the
/// server's own wording (clients such as kubectl print it verbatim).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String

        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public var code: Int
    public var reason: String
    public var message: String
    public var name: String?
    public var group: String?
    public var kind: String?
    public var causes: [Cause]
    /// Seconds a client should wait (429 and 503 carry `Retry-After`).
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, name: String? = nil, group: String? = nil,
                kind: String? = nil, causes: [Cause] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `Status` object sent as the response body.
    public var status: Value {
        var details = Object()
        if let name, !name.isEmpty { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { cause in
                var object = Object()
                object["reason"] = .string(cause.reason)
                object["message"] = .string(cause.message)
                if !cause.field.isEmpty { object["field"] = .string(cause.field) }
                return .object(object)
            })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        var object = Object()
        object["kind"] = "Status"
        object["apiVersion"] = "v1"
        object["metadata"] = .object(Object())
        object["status"] = "Failure"
        object["message"] = .string(message)
        object["reason"] = .string(reason)
        if !details.isEmpty { object["details"] = .object(details) }
        object["code"] = .int(Int64(code))
        return .object(object)
    }
}

extension APIError {
    /// `configmaps "x" not found`, `fabrics.wiring.githedgehog.com "dc1" not found`.
    static func notFound(_ resource: GroupResource, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found",
                 name: name, group: resource.group, kind: resource.resource)
    }

    static func alreadyExists(_ resource: GroupResource, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists",
                 name: name, group: resource.group, kind: resource.resource)
    }

    static func conflict(_ resource: GroupResource, name: String, detail: String) -> APIError {
        APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(resource) \"\(name)\": \(detail)",
                 name: name, group: resource.group, kind: resource.resource)
    }

    static func staleResourceVersion(_ resource: GroupResource, name: String) -> APIError {
        conflict(resource, name: name, detail: "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// `Fabric.wiring.githedgehog.com "dc1" is invalid: spec.asn: Invalid value: …`
    static func invalid(kind: String, group: String, name: String, causes: [Cause]) -> APIError {
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        let lines = causes.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }
        let summary = lines.count == 1 ? lines[0] : "[" + lines.joined(separator: ", ") + "]"
        return APIError(code: 422, reason: "Invalid", message: "\(qualified) \"\(name)\" is invalid: \(summary)",
                        name: name, group: group, kind: kind, causes: causes)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ message: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    /// What the real API answers to a strategic merge patch on a custom resource.
    static func unsupportedPatchType() -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func forbidden(_ resource: GroupResource, name: String, detail: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "\(resource) \"\(name)\" is forbidden: \(detail)",
                 name: name, group: resource.group, kind: resource.resource)
    }

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}

/// A resource by group and plural name, printed as the API prints it in
/// messages: `configmaps`, `fabrics.wiring.githedgehog.com`.
public struct GroupResource: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var resource: String

    public init(group: String, resource: String) {
        self.group = group
        self.resource = resource
    }

    public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }
}
