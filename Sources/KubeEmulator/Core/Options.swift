import FabricValue

/// How a write treats fields the schema does not know (`fieldValidation`).
public enum FieldValidation: String, Sendable {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"

    /// The query parameter's value, case as the API accepts it; unset means `Warn` (the default since 1.23).
    public init(parameter: String?) throws(APIError) {
        guard let parameter, !parameter.isEmpty else { self = .warn; return }
        guard let value = FieldValidation(rawValue: parameter) else {
            throw APIError.badRequest("fieldValidation parameter unsupported: \(parameter); allowed values are Ignore, Warn, Strict")
        }
        self = value
    }
}

/// What every write takes besides its body.
public struct WriteOptions: Sendable {
    public var dryRun: Bool
    public var fieldManager: String?
    public var fieldValidation: FieldValidation
    public var force: Bool
    /// The manager name of a write that names none is the client's user agent up to its first `/`, as the API derives it.
    public var userAgent: String?

    public init(dryRun: Bool = false, fieldManager: String? = nil, fieldValidation: FieldValidation = .warn,
                force: Bool = false, userAgent: String? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
        self.force = force
        self.userAgent = userAgent
    }

    var manager: String {
        if let fieldManager, !fieldManager.isEmpty { return fieldManager }
        guard let userAgent, !userAgent.isEmpty else { return "unknown" }
        return String(userAgent.prefix { $0 != "/" })
    }
}

public enum PatchType: String, Sendable {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"
}

public struct ListOptions: Sendable {
    public var labelSelector: LabelSelector
    public var fieldSelector: FieldSelector
    public var limit: Int?
    public var continueToken: String?

    public init(labelSelector: LabelSelector = .everything, fieldSelector: FieldSelector = .everything, limit: Int? = nil, continueToken: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
    }
}

public struct WatchOptions: Sendable {
    public var labelSelector: LabelSelector
    public var fieldSelector: FieldSelector
    /// nil or "0": start with synthetic ADDED events for what exists; otherwise resume after that version.
    public var resourceVersion: String?
    /// `sendInitialEvents=true` (client-go's WatchList): the current state as ADDED events, then a
    /// BOOKMARK annotated `k8s.io/initial-events-end: "true"`, then changes.
    public var sendInitialEvents: Bool

    public init(labelSelector: LabelSelector = .everything, fieldSelector: FieldSelector = .everything, resourceVersion: String? = nil,
                sendInitialEvents: Bool = false) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.sendInitialEvents = sendInitialEvents
    }
}

public struct DeleteOptions: Sendable {
    public var dryRun: Bool
    public var preconditionResourceVersion: String?
    public var preconditionUID: String?
    public var propagationPolicy: String?

    public init(dryRun: Bool = false, preconditionResourceVersion: String? = nil, preconditionUID: String? = nil, propagationPolicy: String? = nil) {
        self.dryRun = dryRun
        self.preconditionResourceVersion = preconditionResourceVersion
        self.preconditionUID = preconditionUID
        self.propagationPolicy = propagationPolicy
    }
}

/// The answer to a write: the object as stored (or as it would be, under dry run).
public struct WriteResult: Sendable {
    /// 201 for a creation, 200 otherwise.
    public var code: Int
    public var object: Value
    /// `Warning` headers (`unknown field "spec.foo"`), without the `299 - ` framing.
    public var warnings: [String]

    public init(code: Int, object: Value, warnings: [String] = []) {
        self.code = code
        self.object = object
        self.warnings = warnings
    }
}
