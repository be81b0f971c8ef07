import FabricValue

/// `apiVersion` + `kind`, the name by which an object says what it is.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// From an object's `apiVersion` (`v1`, `wiring.githedgehog.com/v1beta1`) and `kind`.
    public init(apiVersion: String, kind: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            self.init(group: String(apiVersion[..<slash]), version: String(apiVersion[apiVersion.index(after: slash)...]), kind: kind)
        } else {
            self.init(group: "", version: apiVersion, kind: kind)
        }
    }

    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { "\(kind).\(groupVersion)" }
}

/// One resource the server serves: how a kind maps to its REST path.
public struct APIResource: Sendable, Equatable {
    public var group: String
    public var version: String
    public var kind: String
    /// The plural used in paths: `switches`.
    public var name: String
    public var namespaced: Bool
    public var verbs: [String]
    /// Subresources served for it (`status`, `scale`).
    public var subresources: Set<String>

    public init(group: String, version: String, kind: String, name: String, namespaced: Bool, verbs: [String] = [], subresources: Set<String> = []) {
        self.group = group
        self.version = version
        self.kind = kind
        self.name = name
        self.namespaced = namespaced
        self.verbs = verbs
        self.subresources = subresources
    }

    public var groupVersionKind: GroupVersionKind { GroupVersionKind(group: group, version: version, kind: kind) }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path (`namespace` nil on a namespaced resource: across all namespaces)
    /// or, with a name, the object's path; with a subresource, that subresource's.
    public func path(namespace: String? = nil, name objectName: String? = nil, subresource: String? = nil) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/\(PathEscaping.segment(namespace))" }
        path += "/\(name)"
        if let objectName {
            path += "/\(PathEscaping.segment(objectName))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    /// Reads an `APIResourceList` (the answer of `/api/v1` or `/apis/{g}/{v}`).
    /// Subresource entries (`switches/status`) are folded into their resource.
    public static func parseList(_ list: Value) throws(DiscoveryError) -> [APIResource] {
        guard list["kind"]?.stringValue == "APIResourceList" || list["resources"] != nil,
              let groupVersion = list["groupVersion"]?.stringValue else {
            throw DiscoveryError("not an APIResourceList: \(JSONWriter.string(list).prefix(200))")
        }
        let gvk = GroupVersionKind(apiVersion: groupVersion, kind: "")
        var resources: [APIResource] = []
        var subresources: [String: Set<String>] = [:]
        for item in list["resources"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue, let kind = item["kind"]?.stringValue else {
                throw DiscoveryError("\(groupVersion): a resource without name or kind")
            }
            if let slash = name.firstIndex(of: "/") {
                subresources[String(name[..<slash]), default: []].insert(String(name[name.index(after: slash)...]))
                continue
            }
            resources.append(APIResource(group: item["group"]?.stringValue ?? gvk.group, version: item["version"]?.stringValue ?? gvk.version,
                                          kind: kind, name: name, namespaced: item["namespaced"]?.boolValue ?? false,
                                          verbs: (item["verbs"]?.arrayValue ?? []).compactMap(\.stringValue)))
        }
        for index in resources.indices { resources[index].subresources = subresources[resources[index].name] ?? [] }
        return resources
    }
}

public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

enum PathEscaping {
    /// Percent-escapes what may not stand in a path segment (names are DNS-like, but be safe).
    static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "@"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
