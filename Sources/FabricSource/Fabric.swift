import FabricDiff
import FabricValue
import FabricYAML

/// The `wiring.githedgehog.com/v1alpha2` Fabric resource, defaults applied.
public struct Fabric: Sendable, Hashable {
    public static let group = "wiring.githedgehog.com"
    public static let apiVersion = "wiring.githedgehog.com/v1alpha2"
    public static let kind = "Fabric"

    public var name: String
    /// `default` when the document names none, as kubectl would do.
    public var namespace: String
    public var description: String?
    /// 1 … 4294967295.
    public var asn: Int64?
    public var spineCount: Int64?
    public var leafCount: Int64?
    public var sync: SyncSettings
    /// Where the members go; `nil`: the controller's own cluster.
    public var cluster: ClusterTarget?

    /// `namespace/name`, as notifications and the REST API name fabrics.
    public var id: String { namespace + "/" + name }

    public init(name: String, namespace: String = "default", description: String? = nil, asn: Int64? = nil,
                spineCount: Int64? = nil, leafCount: Int64? = nil, sync: SyncSettings = SyncSettings(), cluster: ClusterTarget? = nil) {
        self.name = name
        self.namespace = namespace
        self.description = description
        self.asn = asn
        self.spineCount = spineCount
        self.leafCount = leafCount
        self.sync = sync
        self.cluster = cluster
    }

    /// Whether a document is meant as a Fabric (any version of the group), so
    /// a wrong version is reported as such instead of making it a member.
    public static func isFabric(_ value: Value) -> Bool {
        guard value["kind"]?.stringValue == kind, let apiVersion = value["apiVersion"]?.stringValue else { return false }
        return ObjectID.split(apiVersion: apiVersion).group == group
    }

    /// The Fabric in `document` and every problem with it. The model is `nil`
    /// only when the document has no usable `metadata.name`; otherwise fields
    /// that fail validation keep their defaults and are reported.
    public static func decode(_ document: YAMLDocument) -> (fabric: Fabric?, issues: [ValidationIssue]) {
        var checker = DocumentChecker(document)
        let identity = ObjectValidation.check(&checker)
        if let apiVersion = document.value["apiVersion"]?.stringValue, apiVersion != Fabric.apiVersion, isFabric(document.value) {
            checker.report(.invalidValue, FieldPath("apiVersion"), "Fabric is served as \(Fabric.apiVersion), found \(DNSNames.quoted(apiVersion))")
        }
        if let name = identity?.name, name.utf8.count > 63 {
            checker.report(.invalidValue, FieldPath("metadata", "name"), "a Fabric name must be no more than 63 characters (it becomes a label value), found \(name.utf8.count)")
        }
        var fabric = identity.map { Fabric(name: $0.name, namespace: $0.namespace.isEmpty ? "default" : $0.namespace) }
        decodeSpec(&checker, into: &fabric)
        return (fabric, checker.issues)
    }

    private static func decodeSpec(_ checker: inout DocumentChecker, into fabric: inout Fabric?) {
        let spec = FieldPath("spec")
        guard let specObject = checker.object(at: spec) else { return }
        checker.rejectUnknownKeys(in: specObject, at: spec, known: ["description", "asn", "spineCount", "leafCount", "sync", "cluster"])
        var model = fabric ?? Fabric(name: "")
        model.description = checker.string(at: spec.appending("description"))
        model.asn = checker.integer(at: spec.appending("asn"), in: 1...4_294_967_295)
        model.spineCount = checker.integer(at: spec.appending("spineCount"), in: 0...Int64.max)
        model.leafCount = checker.integer(at: spec.appending("leafCount"), in: 0...Int64.max)
        model.sync = SyncSettings.decode(&checker, at: spec.appending("sync"))
        model.cluster = ClusterTarget.decode(&checker, at: spec.appending("cluster"))
        if fabric != nil { fabric = model }
    }
}

/// `spec.sync`.
public struct SyncSettings: Sendable, Hashable {
    public var enabled = true
    /// Seconds between periodic reconciles; 0: only on change.
    public var interval: Int64 = 300
    public var prune = true
    public var allowEmpty = false
    /// The namespace of members that name none (namespaced kinds only).
    public var targetNamespace = "default"

    public init(enabled: Bool = true, interval: Int64 = 300, prune: Bool = true, allowEmpty: Bool = false, targetNamespace: String = "default") {
        self.enabled = enabled
        self.interval = interval
        self.prune = prune
        self.allowEmpty = allowEmpty
        self.targetNamespace = targetNamespace
    }

    static func decode(_ checker: inout DocumentChecker, at path: FieldPath) -> SyncSettings {
        var settings = SyncSettings()
        guard let object = checker.object(at: path) else { return settings }
        checker.rejectUnknownKeys(in: object, at: path, known: ["enabled", "interval", "prune", "allowEmpty", "targetNamespace"])
        settings.enabled = checker.bool(at: path.appending("enabled")) ?? settings.enabled
        settings.interval = checker.integer(at: path.appending("interval"), in: 0...Int64.max) ?? settings.interval
        settings.prune = checker.bool(at: path.appending("prune")) ?? settings.prune
        settings.allowEmpty = checker.bool(at: path.appending("allowEmpty")) ?? settings.allowEmpty
        if let namespace = checker.string(at: path.appending("targetNamespace")) {
            if let problem = DNSNames.labelProblem(namespace) {
                checker.report(.invalidValue, path.appending("targetNamespace"), problem)
            } else {
                settings.targetNamespace = namespace
            }
        }
        return settings
    }
}

/// `spec.cluster`: the cluster a Fabric's members go to.
public struct ClusterTarget: Sendable, Hashable {
    /// A Secret in the Fabric's namespace holding a kubeconfig under `key`.
    public var kubeConfigSecretName: String
    /// `value` by default, as Flux uses.
    public var kubeConfigSecretKey: String

    public init(kubeConfigSecretName: String, kubeConfigSecretKey: String = "value") {
        self.kubeConfigSecretName = kubeConfigSecretName
        self.kubeConfigSecretKey = kubeConfigSecretKey
    }

    static func decode(_ checker: inout DocumentChecker, at path: FieldPath) -> ClusterTarget? {
        guard let object = checker.object(at: path) else { return nil }
        checker.rejectUnknownKeys(in: object, at: path, known: ["kubeConfigSecretRef"])
        let ref = path.appending("kubeConfigSecretRef")
        guard let refObject = checker.object(at: ref, required: true) else { return nil }
        checker.rejectUnknownKeys(in: refObject, at: ref, known: ["name", "key"])
        let name = checker.string(at: ref.appending("name"), required: true)
        if let name, let problem = DNSNames.subdomainProblem(name) { checker.report(.invalidValue, ref.appending("name"), problem) }
        var key = checker.string(at: ref.appending("key")) ?? "value"
        if let problem = DNSNames.secretKeyProblem(key) {
            checker.report(.invalidValue, ref.appending("key"), problem)
            key = "value"
        }
        guard let name else { return nil }
        return ClusterTarget(kubeConfigSecretName: name, kubeConfigSecretKey: key)
    }
}
