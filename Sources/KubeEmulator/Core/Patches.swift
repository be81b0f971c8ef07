import FabricValue

/// RFC 7386 JSON merge patch: objects merge recursively, `null` removes, anything else replaces.
public enum MergePatch {
    public static func apply(_ patch: Value, to target: Value) -> Value {
        guard case .object(let patchObject) = patch else { return patch }
        var result: Object
        if case .object(let targetObject) = target { result = targetObject } else { result = Object() }
        for (key, patchValue) in patchObject {
            if patchValue.isNull {
                result[key] = nil
            } else {
                result[key] = apply(patchValue, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}

/// Strategic merge patch for the built-ins, applied as a merge patch: the
/// emulator has no patch-merge keys, so lists replace (kubectl, reading our
/// OpenAPI, computes patches that way). Directives such as `$patch`,
/// `$setElementOrder/…` and `$retainKeys` are dropped rather than stored.
public enum StrategicMergePatch {
    public static func apply(_ patch: Value, to target: Value) -> Value {
        MergePatch.apply(withoutDirectives(patch), to: target)
    }

    static func withoutDirectives(_ value: Value) -> Value {
        switch value {
        case .object(let object):
            if object["$patch"]?.stringValue == "delete" { return .null }
            var result = Object()
            for (key, child) in object where !key.hasPrefix("$") { result[key] = withoutDirectives(child) }
            return .object(result)
        case .array(let items):
            return .array(items.filter { $0["$patch"] == nil }.map(withoutDirectives))
        default:
            return value
        }
    }
}

/// RFC 6902 JSON patch: add, remove, replace, move, copy, test.
public enum JSONPatch {
    public static func apply(_ patch: Value, to target: Value) throws(APIError) -> Value {
        guard case .array(let operations) = patch else {
            throw APIError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue else { throw APIError.badRequest("the server rejected our request due to an error in our request: missing operation") }
            guard let pathText = operation["path"]?.stringValue else { throw unprocessable("missing path in \(op) operation") }
            let path = try pointer(pathText)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw unprocessable("missing value in add operation") }
                document = try insert(value, at: path, in: document, replacing: false)
            case "remove":
                document = try remove(at: path, in: document).document
            case "replace":
                guard let value = operation["value"] else { throw unprocessable("missing value in replace operation") }
                _ = try get(path, in: document)
                document = try insert(value, at: path, in: document, replacing: true)
            case "move", "copy":
                guard let fromText = operation["from"]?.stringValue else { throw unprocessable("missing from in \(op) operation") }
                let from = try pointer(fromText)
                let value: Value
                if op == "move" {
                    if path.count > from.count, Array(path.prefix(from.count)) == from { throw unprocessable("move operation cannot move a value into itself") }
                    let removed = try remove(at: from, in: document)
                    document = removed.document
                    value = removed.value
                } else {
                    value = try get(from, in: document)
                }
                document = try insert(value, at: path, in: document, replacing: false)
            case "test":
                let expected = operation["value"] ?? .null
                let actual = try get(path, in: document)
                guard actual == expected else { throw unprocessable("testing value \(pathText) failed: test failed") }
            default:
                throw unprocessable("unexpected kind of operation: \(op)")
            }
        }
        return document
    }

    private static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(message)")
    }

    static func pointer(_ text: String) throws(APIError) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw unprocessable("JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
    }

    private static func get(_ path: [String], in document: Value) throws(APIError) -> Value {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value") }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value") }
                current = items[index]
            default:
                throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value")
            }
        }
        return current
    }

    private static func insert(_ value: Value, at path: [String], in document: Value, replacing: Bool) throws(APIError) -> Value {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else { throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value") }
                object[token] = try insert(value, at: rest, in: child, replacing: replacing)
            }
            return .object(object)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" && !replacing { items.append(value); return .array(items) }
                guard let index = Int(token), index >= 0 else { throw unprocessable("invalid array index: \(token)") }
                if replacing {
                    guard items.indices.contains(index) else { throw unprocessable("replace operation does not apply: doc is missing key: \(token)") }
                    items[index] = value
                } else {
                    guard index <= items.count else { throw unprocessable("add operation does not apply: index out of range: \(index)") }
                    items.insert(value, at: index)
                }
            } else {
                guard let index = Int(token), items.indices.contains(index) else { throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value") }
                items[index] = try insert(value, at: rest, in: items[index], replacing: replacing)
            }
            return .array(items)
        default:
            throw unprocessable("doc is missing path: \"/\(path.joined(separator: "/"))\": missing value")
        }
    }

    private static func remove(at path: [String], in document: Value) throws(APIError) -> (document: Value, value: Value) {
        guard let token = path.first else { throw unprocessable("cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            guard let child = object[token] else { throw unprocessable("remove operation does not apply: doc is missing path: \"/\(path.joined(separator: "/"))\"") }
            if rest.isEmpty {
                object[token] = nil
                return (.object(object), child)
            }
            let (updated, removed) = try remove(at: rest, in: child)
            object[token] = updated
            return (.object(object), removed)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw unprocessable("remove operation does not apply: index out of range: \(token)") }
            if rest.isEmpty {
                let removed = items.remove(at: index)
                return (.array(items), removed)
            }
            let (updated, removed) = try remove(at: rest, in: items[index])
            items[index] = updated
            return (.array(items), removed)
        default:
            throw unprocessable("remove operation does not apply: doc is missing path: \"/\(path.joined(separator: "/"))\"")
        }
    }
}

extension StringProtocol {
    /// Foundation-free replacement (the core keeps to the standard library).
    func replacingAll(_ target: String, with replacement: String) -> String {
        String(self).split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
