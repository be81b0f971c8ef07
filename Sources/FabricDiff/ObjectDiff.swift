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
/// - A field set before and no longer in the desired object is not reported:
///   server-side apply removes it at apply time through its managed fields.
/// - `apiVersion` is not compared (the same object may be read at another version).
/// - For Secrets, `stringData` is compared in its stored form (base64 in `data`).
public enum ObjectDiff {
    public static func compare(desired: Value, live: Value) -> [FieldChange] {
        var walker = Walker()
        guard case .object(var root) = desired, case .object(let liveRoot) = live else {
            walker.compareValues(desired, live)
            return walker.changes
        }
        if Normalizer.isSecret(desired), case .object(let stored) = Normalizer.secretStoredForm(desired) { root = stored }
        // The walk skips what the server owns in place rather than copying a
        // normalized object: this runs for every object on every reconcile.
        for (key, value) in root {
            switch key {
            // Identity (kind, name) was matched by the caller; `apiVersion` differs
            // harmlessly when the live object was read at another served version.
            case "apiVersion", "status": continue
            case "metadata":
                guard case .object(let metadata) = value, case .object(let liveMetadata)? = liveRoot["metadata"] else { break }
                walker.push(.key(key))
                walker.compareMetadata(metadata, liveMetadata)
                walker.pop()
                continue
            default: break
            }
            walker.compareMember(key, value, in: liveRoot)
        }
        return walker.changes
    }

    /// One path component while walking; printed only when a change is found.
    enum Step {
        case key(String)
        case index(Int)
        case named(String)
    }

    struct Walker {
        var path: [Step] = []
        var changes: [FieldChange] = []

        mutating func push(_ step: Step) { path.append(step) }
        mutating func pop() { path.removeLast() }

        mutating func record(old: Value?, new: Value?) {
            changes.append(FieldChange(path: ObjectDiff.render(path), old: old, new: new))
        }

        mutating func compareMetadata(_ desired: Object, _ live: Object) {
            for (key, value) in desired where !Normalizer.serverOwnedMetadata.contains(key) {
                if key == "annotations", case .object(let annotations) = value {
                    var kept = Object()
                    for (name, text) in annotations where !Normalizer.toolAnnotations.contains(name) { kept[name] = text }
                    compareMember(key, .object(kept), in: live)
                } else {
                    compareMember(key, value, in: live)
                }
            }
        }

        mutating func compareMember(_ key: String, _ value: Value, in live: Object) {
            push(.key(key))
            if let liveValue = live[key] {
                compareValues(value, liveValue)
            } else if !ObjectDiff.isEmptyLike(value) {
                record(old: nil, new: value)
            }
            pop()
        }

        mutating func compareValues(_ desired: Value, _ live: Value) {
            switch (desired, live) {
            case (.object(let d), .object(let l)):
                for (key, value) in d { compareMember(key, value, in: l) }
            case (.array(let d), .array(let l)):
                if let desiredKeys = ObjectDiff.names(of: d), let liveKeys = ObjectDiff.names(of: l) {
                    compareKeyed(d, desiredKeys, l, liveKeys)
                } else {
                    compareIndexed(d, l)
                }
            default:
                if !ObjectDiff.sameScalar(desired, live) { record(old: live, new: desired) }
            }
        }

        mutating func compareKeyed(_ desired: [Value], _ desiredKeys: [String], _ live: [Value], _ liveKeys: [String]) {
            var liveByKey: [String: Value] = [:]
            for (key, element) in zip(liveKeys, live) { liveByKey[key] = element }
            var desiredKeySet = Set<String>()
            for (key, element) in zip(desiredKeys, desired) {
                desiredKeySet.insert(key)
                push(.named(key))
                if let liveElement = liveByKey[key] { compareValues(element, liveElement) } else { record(old: nil, new: element) }
                pop()
            }
            for (key, element) in zip(liveKeys, live) where !desiredKeySet.contains(key) {
                push(.named(key))
                record(old: element, new: nil)
                pop()
            }
        }

        mutating func compareIndexed(_ desired: [Value], _ live: [Value]) {
            for index in 0..<max(desired.count, live.count) {
                push(.index(index))
                if index >= live.count {
                    record(old: nil, new: desired[index])
                } else if index >= desired.count {
                    record(old: live[index], new: nil)
                } else {
                    compareValues(desired[index], live[index])
                }
                pop()
            }
        }
    }

    static func render(_ path: [Step]) -> String {
        var out = ""
        for step in path {
            switch step {
            case .key(let key): out = appendingKey(key, to: out)
            case .index(let index): out += "[" + String(index) + "]"
            case .named(let name): out += "[name=" + name + "]"
            }
        }
        return out
    }

    /// The `name` of every element when all are objects with distinct string
    /// names (a keyed list); `nil` otherwise, or for an empty list.
    static func names(of list: [Value]) -> [String]? {
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

    static func isEmptyLike(_ value: Value) -> Bool {
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
