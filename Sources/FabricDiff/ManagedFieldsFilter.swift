import FabricValue

/// Keeps only the fields one field manager owns, read from the object's
/// `metadata.managedFields` (`FieldsV1`): for `fabricsync export`, the fields
/// that came from the source, without the defaults the server filled in.
public enum ManagedFieldsFilter {
    /// The object reduced to what `manager` applied; nil when the object has
    /// no managedFields entry for that manager (then the caller falls back to `Normalizer`).
    public static func owned(by manager: String, in object: Value) -> Value? {
        let entries = object.value(at: "metadata", "managedFields")?.arrayValue ?? []
        let mine = entries.filter { $0["manager"]?.stringValue == manager }.compactMap { $0["fieldsV1"] }
        guard !mine.isEmpty else { return nil }
        let fields = mine.dropFirst().reduce(mine[0], merge)
        var kept = filter(object, by: fields)
        // Identity is always kept, whoever set it.
        kept["apiVersion"] = object["apiVersion"]
        kept["kind"] = object["kind"]
        var metadata = kept["metadata"]?.objectValue ?? Object()
        metadata["name"] = object.value(at: "metadata", "name")
        if let namespace = object.value(at: "metadata", "namespace") { metadata["namespace"] = namespace }
        kept["metadata"] = .object(metadata)
        return Self.ordered(kept, like: object)
    }

    static func filter(_ value: Value, by fields: Value) -> Value {
        guard let set = fields.objectValue, !set.isEmpty else { return value }
        switch value {
        case .object(let object):
            var result = Object()
            for (key, item) in object {
                if let sub = set["f:" + key] { result[key] = filter(item, by: sub) }
            }
            return .object(result)
        case .array(let items):
            var result: [Value] = []
            for (index, item) in items.enumerated() {
                if let sub = set["i:\(index)"] ?? matchingKey(item, in: set) ?? set["v:" + JSONWriter.string(item)] {
                    result.append(filter(item, by: sub))
                }
            }
            return .array(result)
        default:
            return value
        }
    }

    /// `k:{"name":"E1/1"}`: a list item whose key fields match.
    private static func matchingKey(_ item: Value, in set: Object) -> Value? {
        for (key, sub) in set where key.hasPrefix("k:") {
            guard let keys = try? JSONReader.parse(String(key.dropFirst(2))).objectValue else { continue }  // a malformed key matches nothing
            if keys.allSatisfy({ item[$0.key] == $0.value }) { return sub }
        }
        return nil
    }

    private static func merge(_ a: Value, _ b: Value) -> Value {
        guard case .object(var left) = a, case .object(let right) = b else { return a }
        for (key, value) in right { left[key] = left[key].map { merge($0, value) } ?? value }
        return .object(left)
    }

    /// Puts identity first, as people write manifests.
    private static func ordered(_ value: Value, like original: Value) -> Value {
        guard case .object(let object) = value else { return value }
        var result = Object()
        for key in ["apiVersion", "kind", "metadata"] where object.contains(key) { result[key] = object[key] }
        for key in original.objectValue?.keys ?? [] where !result.contains(key) && object.contains(key) { result[key] = object[key] }
        return .object(result)
    }
}
