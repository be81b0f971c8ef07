import FabricValue

/// OpenAPI v3 documents built from the served types: CRD schemas as they are,
/// built-ins as open objects, and on every write the `fieldValidation`
/// parameter, which is what tells kubectl to let the server validate.
enum OpenAPIDocument {
    static func index(_ types: [ResourceType]) -> Value {
        var paths = Object()
        for (group, versions) in Discovery.groupVersions(types) {
            for version in versions {
                let key = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
                let hash = document(for: key, types: types).map { fnv1a(JSONWriter.data($0)) } ?? "0"
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
            }
        }
        return ["paths": .object(paths)]
    }

    /// The document for `api/v1` or `apis/{group}/{version}`.
    static func document(for groupVersion: String, types: [ResourceType]) -> Value? {
        let parts = groupVersion.split(separator: "/").map(String.init)
        let group: String
        let version: String
        switch (parts.first, parts.count) {
        case ("api", 2): group = ""; version = parts[1]
        case ("apis", 3): group = parts[1]; version = parts[2]
        default: return nil
        }
        let served = types.filter { $0.group == group && $0.version == version }
        guard !served.isEmpty else { return nil }
        var paths = Object()
        var schemas = Object()
        for type in served {
            let schemaName = self.schemaName(type)
            var schema = type.schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            schema["x-kubernetes-group-version-kind"] = [["group": .string(type.group), "kind": .string(type.kind), "version": .string(type.version)]]
            schemas[schemaName] = schema
            let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            let collection = type.namespaced ? "\(prefix)/namespaces/{namespace}/\(type.plural)" : "\(prefix)/\(type.plural)"
            let gvk: Value = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
            paths[collection] = [
                "get": operation("list", type: type, gvk: gvk, schemaName: schemaName, write: false),
                "post": operation("post", type: type, gvk: gvk, schemaName: schemaName, write: true),
            ]
            paths[collection + "/{name}"] = [
                "get": operation("get", type: type, gvk: gvk, schemaName: schemaName, write: false),
                "put": operation("put", type: type, gvk: gvk, schemaName: schemaName, write: true),
                "patch": operation("patch", type: type, gvk: gvk, schemaName: schemaName, write: true),
                "delete": operation("delete", type: type, gvk: gvk, schemaName: schemaName, write: false),
            ]
            if type.hasStatusSubresource {
                paths[collection + "/{name}/status"] = [
                    "get": operation("get", type: type, gvk: gvk, schemaName: schemaName, write: false),
                    "put": operation("put", type: type, gvk: gvk, schemaName: schemaName, write: true),
                    "patch": operation("patch", type: type, gvk: gvk, schemaName: schemaName, write: true),
                ]
            }
        }
        return [
            "openapi": "3.0.0",
            "info": ["title": "Kubernetes", "version": "v1.32.4"],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    /// `com.githedgehog.wiring.v1alpha2.Fabric`, `io.k8s.api.core.v1.ConfigMap`.
    static func schemaName(_ type: ResourceType) -> String {
        if type.isCustom { return type.group.split(separator: ".").reversed().joined(separator: ".") + ".\(type.version).\(type.kind)" }
        let group = type.group.isEmpty ? "core" : String(type.group.split(separator: ".").first ?? "")
        return "io.k8s.api.\(group).\(type.version).\(type.kind)"
    }

    private static func operation(_ action: String, type: ResourceType, gvk: Value, schemaName: String, write: Bool) -> Value {
        var parameters: [Value] = []
        if write {
            parameters = [
                ["name": "dryRun", "in": "query", "description": "When present, indicates that modifications should not be persisted.", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "fieldManager", "in": "query", "description": "fieldManager is a name associated with the actor or entity that is making these changes.", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "fieldValidation", "in": "query", "description": "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields.", "schema": ["type": "string", "uniqueItems": true]],
            ]
            if action == "patch" {
                parameters.append(["name": "force", "in": "query", "description": "Force is going to \"force\" Apply requests.", "schema": ["type": "boolean", "uniqueItems": true]])
            }
        }
        let reference: Value = ["$ref": .string("#/components/schemas/\(schemaName)")]
        return [
            "operationId": .string("\(action)\(type.kind)"),
            "parameters": .array(parameters),
            "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": reference]]]],
            "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": gvk,
        ]
    }

    private static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16, uppercase: true)
    }
}
