import FabricValue

/// One field that differs between the desired and the live object.
/// `old == nil`: the field is missing live (an addition); `new == nil`: a list
/// element live that the desired list no longer has (a removal).
public struct FieldChange: Sendable, Hashable {
    /// `spec.ports[name=E1/1].speed`, `spec.tags[0]`, `metadata.labels["a.b/c"]`
    public var path: String
    public var old: Value?
    public var new: Value?

    public init(path: String, old: Value?, new: Value?) {
        self.path = path
        self.old = old
        self.new = new
    }
}

/// The structural diff of one desired object against its live counterpart.
///
/// Rules (Argo CD's and Flux's normalization, in short):
/// - Only fields present in the desired object are compared: fields present
///   live but never set by us (server defaults, other managers, `status`) are
///   not drift. Server-owned metadata in the desired object is ignored too.
/// - A desired `null`, `{}` or `[]` equals an absent live field (the API
///   server's `omitempty` drops them).
/// - Numbers compare by value: `1` equals `1.0`.
/// - Lists whose elements are all objects with a distinct string `name`
///   compare by that key (`spec.ports[name=E1/1].speed`), order ignored; live
///   elements whose key the desired list lacks are reported as removals
///   (server-side apply replaces such lists).
/// - Other lists compare element by element by index (`spec.tags[0]`); a list
///   that changed length reports the extra indices as additions or removals.
/// - A value whose type changed is reported whole at its path.
/// - `apiVersion` is not compared (the same object may be read at another version).
/// - For Secrets, `stringData` is compared in its stored form (base64 in `data`).
public enum ObjectDiff {
    public static func compare(desired: Value, live: Value) -> [FieldChange] {
        var prepared = Normalizer.normalized(desired)
        if Normalizer.isSecret(prepared) { prepared = Normalizer.secretStoredForm(prepared) }
        // Identity (kind, name) was matched by the caller; `apiVersion` differs
        // harmlessly when the live object was read at another served version.
        prepared["apiVersion"] = nil
        var changes: [FieldChange] = []
        compareValues(prepared, live, path: "", into: &changes)
        return changes
    }

    private static func compareValues(_ desired: Value, _ live: Value, path: String, into changes: inout [FieldChange]) {
        switch (desired, live) {
        case (.object(let d), .object(let l)):
            compareObjects(d, l, path: path, into: &changes)
        case (.array(let d), .array(let l)):
            if let desiredKeys = names(of: d), let liveKeys = names(of: l) {
                compareKeyed(d, desiredKeys, l, liveKeys, path: path, into: &changes)
            } else {
                compareIndexed(d, l, path: path, into: &changes)
            }
        default:
            if !sameScalar(desired, live) { changes.append(FieldChange(path: path, old: live, new: desired)) }
        }
    }

    private static func compareObjects(_ desired: Object, _ live: Object, path: String, into changes: inout [FieldChange]) {
        for (key, value) in desired {
            let childPath = appendingKey(key, to: path)
            if let liveValue = live[key] {
                compareValues(value, liveValue, path: childPath, into: &changes)
            } else if !isEmptyLike(value) {
                changes.append(FieldChange(path: childPath, old: nil, new: value))
            }
        }
    }

    private static func compareKeyed(_ desired: [Value], _ desiredKeys: [String], _ live: [Value], _ liveKeys: [String], path: String, into changes: inout [FieldChange]) {
        var liveByKey: [String: Value] = [:]
        for (key, element) in zip(liveKeys, live) { liveByKey[key] = element }
        var desiredKeySet = Set<String>()
        for (key, element) in zip(desiredKeys, desired) {
            desiredKeySet.insert(key)
            let elementPath = path + "[name=" + key + "]"
            if let liveElement = liveByKey[key] {
                compareValues(element, liveElement, path: elementPath, into: &changes)
            } else {
                changes.append(FieldChange(path: elementPath, old: nil, new: element))
            }
        }
        for (key, element) in zip(liveKeys, live) where !desiredKeySet.contains(key) {
            changes.append(FieldChange(path: path + "[name=" + key + "]", old: element, new: nil))
        }
    }

    private static func compareIndexed(_ desired: [Value], _ live: [Value], path: String, into changes: inout [FieldChange]) {
        for index in 0..<max(desired.count, live.count) {
            let elementPath = path + "[" + String(index) + "]"
            if index >= live.count {
                changes.append(FieldChange(path: elementPath, old: nil, new: desired[index]))
            } else if index >= desired.count {
                changes.append(FieldChange(path: elementPath, old: live[index], new: nil))
            } else {
                compareValues(desired[index], live[index], path: elementPath, into: &changes)
            }
        }
    }

    /// The `name` of every element when all are objects with distinct string
    /// names (a keyed list); `nil` otherwise, or for an empty list.
    private static func names(of list: [Value]) -> [String]? {
        guard !list.isEmpty else { return nil }
        var keys: [String] = []
        keys.reserveCapacity(list.count)
        var seen = Set<String>()
        for element in list {
            guard let name = element["name"]?.stringValue, seen.insert(name).inserted else { return nil }
            keys.append(name)
        }
        return keys
    }

    private static func isEmptyLike(_ value: Value) -> Bool {
        switch value {
        case .null: return true
        case .object(let o): return o.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    /// Equality with numbers compared by value (`1 == 1.0`), as JSON does.
    static func sameScalar(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }

    static func appendingKey(_ key: String, to path: String) -> String {
        if isPlain(key) { return path.isEmpty ? key : path + "." + key }
        return path + "[\"" + key.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"") + "\"]"
    }

    /// The same rule `FieldPath` prints by: identifiers after a dot, anything else bracketed.
    private static func isPlain(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        guard first == "_" || first == "$" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return key.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "-" || s == "$")
        }
    }
}
