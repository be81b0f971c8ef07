import FabricValue

extension EmulatorStore {
    /// Prune → default → validate for custom resources (the real API's order),
    /// plus the metadata checks every kind gets.
    func processSchema(_ object: Value, type: ResourceType, validation: FieldValidation, warnings: inout [String]) throws(APIError) -> Value {
        var result = try pruneUnknown(object, type: type, validation: validation, warnings: &warnings)
        var causes = metadataCauses(result, type: type)
        if type.isCustom, let schema = type.schema {
            result = SchemaPruning.applyDefaults(result, schema: schema)
            causes += SchemaValidator.validate(result, schema: schema)
        }
        if type.plural == "customresourcedefinitions" { causes += CRDRegistration.validate(result) }
        if !causes.isEmpty {
            let name = result.value(at: "metadata", "name")?.stringValue ?? ""
            throw APIError.invalid(kind: type.kind, group: type.group, name: name, causes: causes)
        }
        return result
    }

    /// Drops fields the schema does not know; `Strict` refuses them, `Warn` reports them.
    func pruneUnknown(_ object: Value, type: ResourceType, validation: FieldValidation, warnings: inout [String]) throws(APIError) -> Value {
        guard let schema = type.isCustom ? type.schema : BuiltInFields.schemas[type.group + "/" + type.plural] else { return object }
        let (pruned, unknown) = SchemaPruning.prune(object, schema: schema)
        guard !unknown.isEmpty else { return pruned }
        let messages = unknown.map { "unknown field \"\($0)\"" }
        switch validation {
        case .strict:
            throw APIError.badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): strict decoding error: \(messages.joined(separator: ", "))")
        case .warn:
            warnings += messages
        case .ignore:
            break
        }
        return pruned
    }

    func metadataCauses(_ object: Value, type: ResourceType) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        let name = object.value(at: "metadata", "name")?.stringValue ?? ""
        if !name.isEmpty {
            let valid = type.plural == "namespaces" ? NameRules.isDNSLabel(name) : NameRules.isDNSSubdomain(name)
            if !valid {
                let rule = type.plural == "namespaces" ? NameRules.labelMessage : NameRules.subdomainMessage
                causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \(rule)", field: "metadata.name"))
            }
        }
        for (key, value) in object.value(at: "metadata", "labels")?.objectValue ?? Object() {
            guard let text = value.stringValue else {
                causes.append(APIError.Cause(reason: "FieldValueTypeInvalid", message: "Invalid value: \(SchemaValidator.render(value)): label values must be strings", field: "metadata.labels"))
                continue
            }
            if !NameRules.isLabelValue(text) {
                causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(text)\": \(NameRules.labelValueMessage)", field: "metadata.labels"))
            }
            if !LabelSelector.isValidKey(key) {
                causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.'", field: "metadata.labels"))
            }
        }
        return causes
    }
}

/// The top-level fields of the built-in kinds, so that a typo such as `dat:` in a
/// ConfigMap is refused under `fieldValidation=Strict` (and dropped otherwise), as
/// Go's typed decoding does. Below the top level everything is kept.
enum BuiltInFields {
    static let fields: [String: [String]] = [
        "/configmaps": ["data", "binaryData", "immutable"],
        "/secrets": ["data", "stringData", "type", "immutable"],
        "/namespaces": ["spec", "status"],
        "/serviceaccounts": ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        "/services": ["spec", "status"],
        "/pods": ["spec", "status"],
        "/events": ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime",
                    "series", "action", "related", "reportingComponent", "reportingInstance"],
        "coordination.k8s.io/leases": ["spec"],
        "apiextensions.k8s.io/customresourcedefinitions": ["spec", "status"],
        "rbac.authorization.k8s.io/clusterroles": ["rules", "aggregationRule"],
        "rbac.authorization.k8s.io/roles": ["rules"],
        "rbac.authorization.k8s.io/clusterrolebindings": ["subjects", "roleRef"],
        "rbac.authorization.k8s.io/rolebindings": ["subjects", "roleRef"],
        "apps/deployments": ["spec", "status"],
        "policy/poddisruptionbudgets": ["spec", "status"],
        "events.k8s.io/events": ["eventTime", "series", "reportingController", "reportingInstance", "action", "reason", "regarding", "related",
                                 "note", "type", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"],
    ]

    static let schemas: [String: Value] = fields.mapValues { names in
        var properties = Object([("apiVersion", ["type": "string"]), ("kind", ["type": "string"]), ("metadata", ["type": "object"])])
        for name in names { properties[name] = ["x-kubernetes-preserve-unknown-fields": true] }
        return ["type": "object", "properties": .object(properties)]
    }
}

/// Kubernetes name rules (RFC 1123), with the API's own messages.
enum NameRules {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    static func isDNSLabel(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 63 else { return false }
        func alnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return alnum(scalars.first!) && alnum(scalars.last!) && scalars.allSatisfy { alnum($0) || $0 == "-" }
    }

    static func isDNSSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            let scalars = Array(part.unicodeScalars)
            guard let first = scalars.first, let last = scalars.last else { return false }
            func alnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
            return alnum(first) && alnum(last) && scalars.allSatisfy { alnum($0) || $0 == "-" }
        }
    }

    static func isLabelValue(_ text: String) -> Bool {
        if text.isEmpty { return true }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= 63 else { return false }
        func alnum(_ s: Unicode.Scalar) -> Bool { s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)) }
        return alnum(scalars.first!) && alnum(scalars.last!) && scalars.allSatisfy { alnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
