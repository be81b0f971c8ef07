import FabricValue

/// Secret values never leave the process in a plan: each one under `data` or
/// `stringData` is replaced by `***` and the first 8 hex digits of its
/// SHA-256, so a changed value still shows as changed.
public enum SecretRedaction {
    public static func redacted(_ changes: [FieldChange]) -> [FieldChange] {
        changes.map { change in
            guard isSecretValuePath(change.path) else { return change }
            return FieldChange(path: change.path, old: change.old.map(redacted), new: change.new.map(redacted))
        }
    }

    /// `***` and a short hash for a string; objects and lists redact every value inside.
    public static func redacted(_ value: Value) -> Value {
        switch value {
        case .object(let object):
            var out = Object()
            for (key, item) in object { out[key] = redacted(item) }
            return .object(out)
        case .array(let items):
            return .array(items.map(redacted))
        case .string(let text):
            return .string(marker(for: Array(text.utf8)))
        case .null:
            return .null
        default:
            return .string(marker(for: JSONWriter.data(value)))
        }
    }

    static func marker(for bytes: [UInt8]) -> String {
        "*** (sha256:" + String(SHA256.hexDigest(bytes).prefix(8)) + ")"
    }

    /// `data`, `data.key`, `data["a.b"]`, and the same under `stringData`.
    static func isSecretValuePath(_ path: String) -> Bool {
        for root in ["data", "stringData"] where path.hasPrefix(root) {
            let rest = path.dropFirst(root.count)
            if rest.isEmpty || rest.hasPrefix(".") || rest.hasPrefix("[") { return true }
        }
        return false
    }
}
