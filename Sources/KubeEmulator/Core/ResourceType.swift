import FabricValue

/// One served resource at one version: what discovery lists and what the
/// store needs to know to store it faithfully.
public struct ResourceType: Sendable, Equatable {
    public struct PrinterColumn: Sendable, Equatable {
        public var name: String
        public var type: String
        public var jsonPath: String
        public var description: String
        public var priority: Int
        public var format: String

        public init(name: String, type: String, jsonPath: String, description: String = "", priority: Int = 0, format: String = "") {
            self.name = name
            self.type = type
            self.jsonPath = jsonPath
            self.description = description
            self.priority = priority
            self.format = format
        }
    }

    public var group: String
    public var version: String
    public var plural: String
    public var singular: String
    public var kind: String
    public var listKind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Served with a `/status` subresource: main writes keep the old status, status writes keep the rest.
    public var hasStatusSubresource: Bool
    /// `metadata.generation` is kept (custom resources, workloads, CRDs; not ConfigMaps or Secrets).
    public var tracksGeneration: Bool
    /// Served from a CustomResourceDefinition (schema-validated; strategic merge patch refused).
    public var isCustom: Bool
    /// The version's `openAPIV3Schema`, for custom resources.
    public var schema: Value?
    public var printerColumns: [PrinterColumn]

    public init(group: String, version: String, plural: String, singular: String, kind: String, listKind: String? = nil,
                namespaced: Bool, shortNames: [String] = [], categories: [String] = [], hasStatusSubresource: Bool = false,
                tracksGeneration: Bool = false, isCustom: Bool = false, schema: Value? = nil, printerColumns: [PrinterColumn] = []) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.listKind = listKind ?? kind + "List"
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatusSubresource = hasStatusSubresource
        self.tracksGeneration = tracksGeneration
        self.isCustom = isCustom
        self.schema = schema
        self.printerColumns = printerColumns
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var groupResource: GroupResource { GroupResource(group: group, resource: plural) }
    public var verbs: [String] { ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] }
}

extension ResourceType {
    /// The built-in kinds the controller and its manifests touch. Kinds the
    /// emulator does not model deeply (RBAC, Deployments, PDBs) are stored as given.
    public static let builtIns: [ResourceType] = [
        ResourceType(group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
                     namespaced: false, shortNames: ["ns"], hasStatusSubresource: true),
        ResourceType(group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap",
                     namespaced: true, shortNames: ["cm"]),
        ResourceType(group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true),
        ResourceType(group: "", version: "v1", plural: "events", singular: "event", kind: "Event",
                     namespaced: true, shortNames: ["ev"]),
        ResourceType(group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
                     namespaced: true, shortNames: ["sa"]),
        ResourceType(group: "", version: "v1", plural: "services", singular: "service", kind: "Service",
                     namespaced: true, shortNames: ["svc"], categories: ["all"], hasStatusSubresource: true),
        ResourceType(group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod",
                     namespaced: true, shortNames: ["po"], categories: ["all"], hasStatusSubresource: true),
        ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease", namespaced: true),
        ResourceType(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
                     singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false,
                     shortNames: ["crd", "crds"], categories: ["api-extensions"], hasStatusSubresource: true, tracksGeneration: true),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole",
                     kind: "ClusterRole", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", singular: "clusterrolebinding",
                     kind: "ClusterRoleBinding", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role", kind: "Role", namespaced: true),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding",
                     kind: "RoleBinding", namespaced: true),
        ResourceType(group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment",
                     namespaced: true, shortNames: ["deploy"], categories: ["all"], hasStatusSubresource: true, tracksGeneration: true),
        ResourceType(group: "policy", version: "v1", plural: "poddisruptionbudgets", singular: "poddisruptionbudget",
                     kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"], hasStatusSubresource: true, tracksGeneration: true),
        ResourceType(group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event",
                     namespaced: true, shortNames: ["ev"]),
    ]
}

/// Orders API versions as Kubernetes does: GA before beta before alpha, higher numbers first (v2, v1, v1beta2, v1beta1, v1alpha1).
func kubeVersionPrecedes(_ a: String, _ b: String) -> Bool {
    func parse(_ v: String) -> (major: Int, stage: Int, minor: Int)? {
        guard v.hasPrefix("v") else { return nil }
        let rest = v.dropFirst()
        let digits = rest.prefix { $0.isNumber }
        guard let major = Int(digits) else { return nil }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return (major, 3, 0) }
        for (word, stage) in [("beta", 2), ("alpha", 1)] where tail.hasPrefix(word) {
            guard let minor = Int(tail.dropFirst(word.count)) else { return nil }
            return (major, stage, minor)
        }
        return nil
    }
    switch (parse(a), parse(b)) {
    case let (x?, y?):
        if x.stage != y.stage { return x.stage > y.stage }
        if x.major != y.major { return x.major > y.major }
        return x.minor > y.minor
    case (.some, nil): return true
    case (nil, .some): return false
    case (nil, nil): return a < b
    }
}
