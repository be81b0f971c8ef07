import FabricValue

/// How lists merge under server-side apply. Custom resources follow their
/// schema, as the real API does: `x-kubernetes-list-type: map` merges by the
/// `x-kubernetes-list-map-keys`, every other list is atomic. Built-in kinds,
/// whose schemas the emulator does not carry, merge lists of objects that all
/// have a distinct `name` by that key (containers, ports, volumes …).
struct MergeSchema: Sendable {
    /// The schema node here; nil inside built-ins or unknown-field regions.
    let node: Value?
    let isCustom: Bool

    static func root(for type: ResourceType) -> MergeSchema {
        MergeSchema(node: type.isCustom ? type.schema : nil, isCustom: type.isCustom)
    }

    /// Built-in heuristics everywhere (tests and kinds without a schema).
    static let builtIn = MergeSchema(node: nil, isCustom: false)

    func child(_ key: String) -> MergeSchema {
        guard let node else { return self }
        if let property = node["properties"]?[key] { return MergeSchema(node: property, isCustom: isCustom) }
        if let additional = node["additionalProperties"], case .object = additional { return MergeSchema(node: additional, isCustom: isCustom) }
        return MergeSchema(node: nil, isCustom: isCustom)
    }

    var items: MergeSchema {
        MergeSchema(node: node?["items"], isCustom: isCustom)
    }

    /// Metadata lists as the API types them: finalizers a set, ownerReferences a map keyed by uid.
    static func metadata(_ key: String) -> MergeSchema {
        switch key {
        case "finalizers": return MergeSchema(node: ["x-kubernetes-list-type": "set"], isCustom: true)
        case "ownerReferences": return MergeSchema(node: ["x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["uid"]], isCustom: true)
        default: return .builtIn
        }
    }

    /// Whether this list is `x-kubernetes-list-type: set`: distinct scalars, each owned on its own (`v:` elements).
    func isSet(_ items: [Value]) -> Bool {
        guard isCustom, node?["x-kubernetes-list-type"]?.stringValue == "set", !items.isEmpty else { return false }
        var seen = Set<String>()
        for item in items {
            switch item {
            case .object, .array: return false
            default: guard seen.insert(JSONWriter.string(item)).inserted else { return false }
            }
        }
        return true
    }

    /// The key fields of this list, or nil when it is atomic.
    func listKeys(_ items: [Value]) -> [String]? {
        guard !items.isEmpty else { return nil }
        let keys: [String]
        if isCustom {
            guard node?["x-kubernetes-list-type"]?.stringValue == "map",
                  let declared = node?["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue), !declared.isEmpty else { return nil }
            keys = declared.sorted()
        } else {
            keys = ["name"]
        }
        var seen = Set<String>()
        for item in items {
            guard case .object = item, keys.allSatisfy({ item[$0] != nil }), seen.insert(FieldSet.keyElement(item, keys: keys)).inserted else { return nil }
        }
        return keys
    }
}
