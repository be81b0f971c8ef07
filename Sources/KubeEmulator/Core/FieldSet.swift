import FabricValue

/// A set of field paths in structured-merge-diff's notation, the contents of
/// `metadata.managedFields[].fieldsV1`. A path is a list of elements written
/// as the API writes them: `f:spec`, `k:{"name":"E1/1"}`, `i:0`.
struct FieldSet: Sendable, Equatable {
    typealias Path = [String]

    var paths: Set<Path>

    init(_ paths: Set<Path> = []) { self.paths = paths }

    var isEmpty: Bool { paths.isEmpty }

    /// The fields an object sets: leaves (scalars, atomic lists, empty maps) and
    /// the items of keyed lists (see `MergeSchema`).
    static func of(_ value: Value, scope: FieldScope, schema: MergeSchema = .builtIn) -> FieldSet {
        var paths = Set<Path>()
        guard case .object(let root) = value else { return FieldSet() }
        for (key, child) in root where scope.includes(topLevel: key) {
            if key == "metadata" {
                guard case .object(let metadata) = child else { continue }
                for (metaKey, metaChild) in metadata where FieldSet.ownableMetadata.contains(metaKey) {
                    collect(metaChild, at: ["f:metadata", "f:" + metaKey], schema: .metadata(metaKey), into: &paths)
                }
            } else {
                collect(child, at: ["f:" + key], schema: schema.child(key), into: &paths)
            }
        }
        return FieldSet(paths)
    }

    /// Metadata a manager can own; the rest is the server's (name, uid, resourceVersion …).
    static let ownableMetadata: Set<String> = ["labels", "annotations", "finalizers", "ownerReferences"]

    private static func collect(_ value: Value, at path: Path, schema: MergeSchema, into paths: inout Set<Path>) {
        switch value {
        case .object(let object) where !object.isEmpty:
            for (key, child) in object { collect(child, at: path + ["f:" + key], schema: schema.child(key), into: &paths) }
        case .array(let items) where schema.isSet(items):
            for item in items { paths.insert(path + ["v:" + JSONWriter.string(item)]) }
        case .array(let items):
            guard let keys = schema.listKeys(items) else { paths.insert(path); return }
            for item in items {
                let itemPath = path + [keyElement(item, keys: keys)]
                paths.insert(itemPath)
                collect(item, at: itemPath, schema: schema.items, into: &paths)
            }
        default:
            paths.insert(path)
        }
    }

    /// `k:{"name":"E1/1"}`: the item's key fields, sorted by name, as structured-merge-diff writes them.
    static func keyElement(_ item: Value, keys: [String]) -> String {
        "k:" + JSONWriter.string(.object(Object(keys.map { ($0, item[$0] ?? .null) })))
    }

    /// Whether `item` is the one a `k:` element names.
    static func item(_ item: Value, matches element: String) -> Bool {
        // `try?`: an element that does not parse names no item.
        guard let key = try? JSONReader.parse(String(element.dropFirst(2))), case .object(let fields) = key else { return false }
        return fields.allSatisfy { item[$0.key] == $0.value }
    }

    /// The value at `path` inside `value`, or nil.
    static func value(at path: Path, in value: Value) -> Value? {
        var current = value
        for element in path {
            if element.hasPrefix("f:") {
                guard let next = current[String(element.dropFirst(2))] else { return nil }
                current = next
            } else if element.hasPrefix("k:") {
                guard let items = current.arrayValue, let index = items.firstIndex(where: { item($0, matches: element) }) else { return nil }
                current = items[index]
            } else if element.hasPrefix("v:") {
                guard let items = current.arrayValue, let index = items.firstIndex(where: { "v:" + JSONWriter.string($0) == element }) else { return nil }
                current = items[index]
            } else if element.hasPrefix("i:"), let index = Int(element.dropFirst(2)) {
                guard let items = current.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// `value` without the field at `path` (a keyed item is removed whole).
    static func removing(_ path: Path, from value: Value) -> Value {
        guard let element = path.first else { return value }
        let rest = Array(path.dropFirst())
        if element.hasPrefix("f:"), case .object(var object) = value {
            let key = String(element.dropFirst(2))
            guard let child = object[key] else { return value }
            object[key] = rest.isEmpty ? Optional<Value>.none : removing(rest, from: child)
            return .object(object)
        }
        if element.hasPrefix("v:"), case .array(var items) = value {
            items.removeAll { "v:" + JSONWriter.string($0) == element }
            return .array(items)
        }
        if element.hasPrefix("k:"), case .array(var items) = value,
           let index = items.firstIndex(where: { item($0, matches: element) }) {
            if rest.isEmpty { items.remove(at: index) } else { items[index] = removing(rest, from: items[index]) }
            return .array(items)
        }
        return value
    }

    /// The `FieldsV1` tree: `{"f:spec":{"f:asn":{}}}`, with `.` marking a member that also has children.
    var fieldsV1: Value {
        final class Node {
            var children: [String: Node] = [:]
            var order: [String] = []
            var isMember = false
        }
        let root = Node()
        for path in paths.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var node = root
            for element in path {
                if let child = node.children[element] {
                    node = child
                } else {
                    let child = Node()
                    node.children[element] = child
                    node.order.append(element)
                    node = child
                }
            }
            node.isMember = true
        }
        func render(_ node: Node) -> Value {
            var object = Object()
            if node.isMember && !node.children.isEmpty { object["."] = .object(Object()) }
            for element in node.order { object[element] = render(node.children[element]!) }
            return .object(object)
        }
        return render(root)
    }

    init(fieldsV1: Value) {
        var paths = Set<Path>()
        func walk(_ value: Value, _ path: Path) {
            guard case .object(let object) = value else { return }
            if object.isEmpty, !path.isEmpty { paths.insert(path); return }
            for (key, child) in object {
                if key == "." { paths.insert(path) } else { walk(child, path + [key]) }
            }
        }
        walk(fieldsV1, [])
        self.paths = paths
    }
}

/// Which part of an object a write may touch, for ownership.
enum FieldScope: Sendable {
    /// A main-resource write of a kind with a status subresource: everything but status.
    case mainExcludingStatus
    /// A main-resource write of a kind without a status subresource.
    case everything
    /// A `/status` write.
    case statusOnly

    func includes(topLevel key: String) -> Bool {
        switch self {
        case .mainExcludingStatus: return key != "apiVersion" && key != "kind" && key != "status"
        case .everything: return key != "apiVersion" && key != "kind"
        case .statusOnly: return key == "status"
        }
    }
}
