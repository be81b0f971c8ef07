import FabricValue
import HTTPServer

/// `/version`, `/api`, `/apis` and the per-version resource lists, in both
/// the legacy form and the aggregated form (`apidiscovery.k8s.io/v2`) kubectl 1.32 asks for first.
enum Discovery {
    static let version: Value = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.4", "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
        "gitTreeState": "clean", "buildDate": "2025-04-22T16:02:27Z", "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64",
    ]

    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    /// The groups in order of first appearance, each with its versions, preferred first.
    static func groupVersions(_ types: [ResourceType]) -> [(group: String, versions: [String])] {
        var result: [(String, [String])] = []
        for type in types {
            if let index = result.firstIndex(where: { $0.0 == type.group }) {
                if !result[index].1.contains(type.version) { result[index].1.append(type.version) }
            } else {
                result.append((type.group, [type.version]))
            }
        }
        return result.map { ($0.0, $0.1.sorted(by: kubeVersionPrecedes)) }
    }

    static func groups(_ types: [ResourceType], core: Bool, accept: String, serverAddress: String) -> HTTPResponse {
        let selected = groupVersions(types).filter { core ? $0.group.isEmpty : !$0.group.isEmpty }
        if accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2") {
            let items: [Value] = selected.map { entry in
                .object(Object([
                    ("metadata", .object(Object([("name", .string(entry.group)), ("creationTimestamp", .null)]))),
                    ("versions", .array(entry.versions.map { version in
                        .object(Object([
                            ("version", .string(version)),
                            ("resources", .array(types.filter { $0.group == entry.group && $0.version == version }.map(aggregatedResource))),
                            ("freshness", "Current"),
                        ]))
                    })),
                ]))
            }
            let body: Value = ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:], "items": .array(items)]
            var response = HTTPResponse.json(body)
            response.headers.set("Content-Type", aggregatedContentType)
            return response
        }
        if core {
            return .json(["kind": "APIVersions", "versions": ["v1"],
                          "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]])
        }
        let groups: [Value] = selected.map { entry in
            let versions: [Value] = entry.versions.map { ["groupVersion": .string("\(entry.group)/\($0)"), "version": .string($0)] }
            return ["name": .string(entry.group), "versions": .array(versions), "preferredVersion": versions[0]]
        }
        return .json(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)])
    }

    /// `APIGroup` for `/apis/{group}`, or nil when the group is not served.
    static func group(_ types: [ResourceType], name: String) -> Value? {
        guard let entry = groupVersions(types).first(where: { $0.group == name && !name.isEmpty }) else { return nil }
        let versions: [Value] = entry.versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(versions), "preferredVersion": versions[0]]
    }

    private static func aggregatedResource(_ type: ResourceType) -> Value {
        var resource = Object([
            ("resource", .string(type.plural)),
            ("responseKind", ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]),
            ("scope", type.namespaced ? "Namespaced" : "Cluster"),
            ("singularResource", .string(type.singular)),
            ("verbs", .array(type.verbs.map(Value.string))),
        ])
        if !type.shortNames.isEmpty { resource["shortNames"] = .array(type.shortNames.map(Value.string)) }
        if !type.categories.isEmpty { resource["categories"] = .array(type.categories.map(Value.string)) }
        if type.hasStatusSubresource {
            resource["subresources"] = [[
                "subresource": "status",
                "responseKind": ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)],
                "verbs": ["get", "patch", "update"],
            ]]
        }
        return .object(resource)
    }

    /// `APIResourceList` for one group version, or nil when nothing is served there.
    static func resourceList(_ types: [ResourceType], group: String, version: String) -> Value? {
        let served = types.filter { $0.group == group && $0.version == version }
        guard !served.isEmpty else { return nil }
        var resources: [Value] = []
        for type in served {
            var resource = Object([
                ("name", .string(type.plural)), ("singularName", .string(type.singular)), ("namespaced", .bool(type.namespaced)),
                ("kind", .string(type.kind)), ("verbs", .array(type.verbs.map(Value.string))),
            ])
            if !type.shortNames.isEmpty { resource["shortNames"] = .array(type.shortNames.map(Value.string)) }
            if !type.categories.isEmpty { resource["categories"] = .array(type.categories.map(Value.string)) }
            resources.append(.object(resource))
            if type.hasStatusSubresource {
                resources.append(["name": .string(type.plural + "/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                                  "kind": .string(type.kind), "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                "resources": .array(resources)]
    }
}
