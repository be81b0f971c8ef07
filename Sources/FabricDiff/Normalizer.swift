import FabricValue

/// Drops what the API server owns, so that an object read back from a
/// cluster compares with (and exports as) what its author wrote.
public enum Normalizer {
    /// Fields under `metadata` written by the server, never by an author.
    public static let serverOwnedMetadata: Set<String> = [
        "managedFields", "resourceVersion", "uid", "generation", "creationTimestamp",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    /// Annotations written by tools rather than authors (kubectl's client-side apply record).
    public static let toolAnnotations: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration"]

    /// The object without `status`, the server-owned `metadata` fields and
    /// the tool annotations; an `annotations` map left empty is dropped too.
    public static func normalized(_ object: Value) -> Value {
        guard case .object(var root) = object else { return object }
        root["status"] = nil
        if case .object(var metadata)? = root["metadata"] {
            for key in serverOwnedMetadata where metadata.contains(key) { metadata[key] = nil }
            if case .object(var annotations)? = metadata["annotations"] {
                for key in toolAnnotations where annotations.contains(key) { annotations[key] = nil }
                metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
            }
            root["metadata"] = .object(metadata)
        }
        return .object(root)
    }

    /// What the API server stores for a Secret: `stringData` is write-only and
    /// merged into `data` as base64, so a desired Secret compares by its `data`.
    static func secretStoredForm(_ object: Value) -> Value {
        guard case .object(var root) = object, case .object(let stringData)? = root["stringData"] else { return object }
        var data = root["data"]?.objectValue ?? Object()
        for (key, value) in stringData {
            if let text = value.stringValue { data[key] = .string(Base64.encode(Array(text.utf8))) }
        }
        root["stringData"] = nil
        root["data"] = .object(data)
        return .object(root)
    }

    static func isSecret(_ object: Value) -> Bool {
        object["kind"]?.stringValue == "Secret" && object["apiVersion"]?.stringValue == "v1"
    }
}

/// Standard base64 with padding (RFC 4648 §4), encoding only.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
