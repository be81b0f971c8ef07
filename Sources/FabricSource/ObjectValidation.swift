import FabricDiff
import FabricValue
import FabricYAML

/// The checks every document gets, Fabric or member: it is a mapping with
/// `apiVersion`, `kind` and `metadata.name` as strings, names follow the
/// Kubernetes rules, and labels and annotations are maps of strings.
enum ObjectValidation {
    /// Kinds whose names are path segments rather than DNS subdomains (RBAC).
    static let pathSegmentNamedKinds: Set<String> = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]

    /// The checked identity of the document (namespace as written, or empty),
    /// or `nil` when it has none; problems go into `checker`.
    static func check(_ checker: inout DocumentChecker) -> ObjectID? {
        guard case .object = checker.document.value else {
            checker.report(.notAnObject, .root, "a document must be a mapping, found \(checker.document.value.typeName)")
            return nil
        }
        let apiVersion = checker.string(at: FieldPath("apiVersion"), required: true)
        if let apiVersion, apiVersion.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty)
            || apiVersion.filter({ $0 == "/" }).count > 1
        {
            checker.report(.invalidValue, FieldPath("apiVersion"), "\(DNSNames.quoted(apiVersion)) is not of the form group/version or version")
        }
        let kind = checker.string(at: FieldPath("kind"), required: true)
        var name: String?
        var namespace: String?
        if checker.object(at: FieldPath("metadata"), required: false) != nil || checker.value(at: FieldPath("metadata")) == nil {
            name = checker.string(at: FieldPath("metadata", "name"), required: true)
            namespace = checker.string(at: FieldPath("metadata", "namespace"))
        }
        if let name {
            let problem = pathSegmentNamedKinds.contains(kind ?? "") ? DNSNames.pathSegmentProblem(name)
                : kind == "Namespace" ? DNSNames.labelProblem(name) : DNSNames.subdomainProblem(name)
            if let problem { checker.report(.invalidValue, FieldPath("metadata", "name"), problem) }
        }
        if let namespace, let problem = DNSNames.labelProblem(namespace) {
            checker.report(.invalidValue, FieldPath("metadata", "namespace"), problem)
        }
        checkStringMap(&checker, FieldPath("metadata", "labels"), labelValues: true)
        checkStringMap(&checker, FieldPath("metadata", "annotations"), labelValues: false)
        guard let apiVersion, let kind, let name else { return nil }
        let (group, version) = ObjectID.split(apiVersion: apiVersion)
        return ObjectID(group: group, version: version, kind: kind, namespace: namespace ?? "", name: name)
    }

    private static func checkStringMap(_ checker: inout DocumentChecker, _ path: FieldPath, labelValues: Bool) {
        guard let map = checker.object(at: path) else { return }
        for (key, value) in map {
            let entry = path.appending(key)
            guard case .string(let text) = value else {
                checker.wrongType(entry, expected: "a string", found: value)
                continue
            }
            if labelValues, let problem = DNSNames.labelValueProblem(text) { checker.report(.invalidValue, entry, problem) }
        }
    }
}
