import Foundation
import FabricValue

/// What a CustomResourceDefinition means to the emulator: the resource
/// types it serves, its validation, and the status the real API gives it.
enum CRDRegistration {
    static func resourceTypes(from crd: Value) -> [ResourceType] {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue, let names = spec["names"],
              let plural = names["plural"]?.stringValue, let kind = names["kind"]?.stringValue else { return [] }
        let singular = names["singular"]?.stringValue ?? kind.lowercased()
        let listKind = names["listKind"]?.stringValue ?? kind + "List"
        let shortNames = (names["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue)
        let categories = (names["categories"]?.arrayValue ?? []).compactMap(\.stringValue)
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        return (spec["versions"]?.arrayValue ?? []).compactMap { version -> ResourceType? in
            guard let name = version["name"]?.stringValue, version["served"]?.boolValue != false else { return nil }
            let columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> ResourceType.PrinterColumn? in
                guard let columnName = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
                return ResourceType.PrinterColumn(
                    name: columnName, type: column["type"]?.stringValue ?? "string", jsonPath: path,
                    description: column["description"]?.stringValue ?? "", priority: Int(column["priority"]?.intValue ?? 0),
                    format: column["format"]?.stringValue ?? "")
            }
            return ResourceType(group: group, version: name, plural: plural, singular: singular, kind: kind, listKind: listKind,
                                namespaced: namespaced, shortNames: shortNames, categories: categories,
                                hasStatusSubresource: version.value(at: "subresources", "status") != nil,
                                tracksGeneration: true, isCustom: true,
                                schema: version.value(at: "schema", "openAPIV3Schema"), printerColumns: columns)
        }
    }

    /// The checks the real API makes that a hand-written CRD most often fails.
    static func validate(_ crd: Value) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        let spec = crd["spec"] ?? .null
        let group = spec["group"]?.stringValue ?? ""
        let plural = spec.value(at: "names", "plural")?.stringValue ?? ""
        if group.isEmpty { causes.append(APIError.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.group")) }
        if plural.isEmpty { causes.append(APIError.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.names.plural")) }
        if (spec.value(at: "names", "kind")?.stringValue ?? "").isEmpty {
            causes.append(APIError.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.names.kind"))
        }
        let name = crd.value(at: "metadata", "name")?.stringValue ?? ""
        if !group.isEmpty, !plural.isEmpty, name != "\(plural).\(group)" {
            causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group", field: "metadata.name"))
        }
        let scope = spec["scope"]?.stringValue ?? ""
        if scope != "Cluster" && scope != "Namespaced" {
            causes.append(APIError.Cause(reason: "FieldValueNotSupported", message: "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\"", field: "spec.scope"))
        }
        let versions = spec["versions"]?.arrayValue ?? []
        if versions.isEmpty {
            causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: []: must have exactly one version marked as storage version", field: "spec.versions"))
        } else if versions.filter({ $0["storage"]?.boolValue == true }).count != 1 {
            causes.append(APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version", field: "spec.versions"))
        }
        for (index, version) in versions.enumerated() where version.value(at: "schema", "openAPIV3Schema") == nil {
            causes.append(APIError.Cause(reason: "FieldValueRequired", message: "Required value: schemas are required", field: "spec.versions[\(index)].schema.openAPIV3Schema"))
        }
        return causes
    }

    /// Fills the defaults the API server fills and the status its controllers write:
    /// names accepted, established, the stored version.
    static func established(_ crd: Value, now: String) -> Value {
        var object = crd
        guard var names = object.value(at: "spec", "names")?.objectValue else { return object }
        let kind = names["kind"]?.stringValue ?? ""
        if names["singular"] == nil { names["singular"] = .string(kind.lowercased()) }
        if names["listKind"] == nil { names["listKind"] = .string(kind + "List") }
        object["spec"]?["names"] = .object(names)
        let storage = (object.value(at: "spec", "versions")?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }?["name"]
        var stored = (object.value(at: "status", "storedVersions")?.arrayValue ?? [])
        if let storage, !stored.contains(storage) { stored.append(storage) }
        let previous = object.value(at: "status", "conditions")?.arrayValue ?? []
        func condition(_ type: String, _ reason: String, _ message: String) -> Value {
            let since = previous.first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }?["lastTransitionTime"]
            return ["type": .string(type), "status": "True", "lastTransitionTime": since ?? .string(now), "reason": .string(reason), "message": .string(message)]
        }
        object["status"] = [
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
            "acceptedNames": .object(names),
            "storedVersions": .array(stored),
        ]
        return object
    }
}

extension EmulatorStore {
    func typeHooksOnCreate(_ type: ResourceType, _ object: Value) throws(APIError) -> Value {
        var object = object
        switch (type.group, type.plural) {
        case ("", "namespaces"):
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
        case ("", "secrets"), ("", "services"):
            object = builtInDefaults(type, object)
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            try checkCRDNamesAreFree(object)
            object = CRDRegistration.established(object, now: timestamp())
        default:
            break
        }
        return object
    }

    func typeHooksOnUpdate(_ type: ResourceType, old: Value, new: Value) throws(APIError) -> Value {
        if type.group.isEmpty && (type.plural == "secrets" || type.plural == "services") {
            var defaulted = new
            if type.plural == "services", defaulted.value(at: "spec", "clusterIP") == nil {
                defaulted["spec"]?["clusterIP"] = old.value(at: "spec", "clusterIP")
            }
            return builtInDefaults(type, defaulted)
        }
        guard type.plural == "customresourcedefinitions", old.value(at: "spec", "names") != new.value(at: "spec", "names")
            || old.value(at: "spec", "versions") != new.value(at: "spec", "versions") else { return new }
        return CRDRegistration.established(new, now: timestamp())
    }

    /// The API's defaulting for the built-ins the controller touches: a Secret's
    /// `stringData` folds into `data` and its type defaults to Opaque; a Service gets a cluster IP.
    func builtInDefaults(_ type: ResourceType, _ object: Value) -> Value {
        var object = object
        if type.plural == "secrets" {
            if (object["type"]?.stringValue ?? "").isEmpty { object["type"] = "Opaque" }
            if let stringData = object["stringData"]?.objectValue {
                var data = object["data"]?.objectValue ?? Object()
                for (key, value) in stringData {
                    data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
                }
                object["data"] = .object(data)
                object["stringData"] = nil
            }
        }
        if type.plural == "services", object.value(at: "spec", "type")?.stringValue != "ExternalName",
           (object.value(at: "spec", "clusterIP")?.stringValue ?? "").isEmpty {
            if object["spec"] == nil { object["spec"] = .object(Object()) }
            let suffix = resourceVersion + 1
            let ip = Value.string("10.96.\((suffix / 250) % 250).\(suffix % 250 + 2)")
            object["spec"]?["clusterIP"] = ip
            object["spec"]?["clusterIPs"] = [ip]
            if object.value(at: "spec", "type") == nil { object["spec"]?["type"] = "ClusterIP" }
        }
        return object
    }

    func typeHooksAfterCommit(_ type: ResourceType, object: Value) {
        if type.plural == "customresourcedefinitions" && type.group == "apiextensions.k8s.io" { rebuildTypes() }
    }

    /// Built-ins, then every stored CRD's served versions.
    func rebuildTypes() {
        let crds = objects[GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions")] ?? [:]
        types = ResourceType.builtIns + crds.keys.sorted().flatMap { CRDRegistration.resourceTypes(from: crds[$0]!) }
    }

    private func checkCRDNamesAreFree(_ crd: Value) throws(APIError) {
        let group = crd.value(at: "spec", "group")?.stringValue ?? ""
        let plural = crd.value(at: "spec", "names", "plural")?.stringValue ?? ""
        if types.contains(where: { $0.group == group && $0.plural == plural && !$0.isCustom }) {
            let name = crd.value(at: "metadata", "name")?.stringValue ?? ""
            throw APIError.invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, causes: [
                APIError.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"\(group)\": should be a domain with at least one dot", field: "spec.group"),
            ])
        }
    }
}
