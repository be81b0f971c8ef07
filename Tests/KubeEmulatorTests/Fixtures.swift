import XCTest
import FabricValue
@testable import KubeEmulator

/// The Fabric CRD of DESIGN.md, trimmed to what the tests exercise.
let fabricCRD: Value = [
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": ["name": "fabrics.wiring.githedgehog.com"],
    "spec": [
        "group": "wiring.githedgehog.com",
        "names": ["plural": "fabrics", "singular": "fabric", "kind": "Fabric", "listKind": "FabricList", "shortNames": ["fab"]],
        "scope": "Namespaced",
        "versions": [[
            "name": "v1alpha2", "served": true, "storage": true,
            "subresources": ["status": [:]],
            "additionalPrinterColumns": [
                ["name": "ASN", "type": "integer", "jsonPath": ".spec.asn"],
                ["name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"],
            ],
            "schema": ["openAPIV3Schema": [
                "type": "object",
                "properties": [
                    "apiVersion": ["type": "string"], "kind": ["type": "string"], "metadata": ["type": "object"],
                    "spec": [
                        "type": "object", "required": ["asn"],
                        "properties": [
                            "description": ["type": "string", "maxLength": 64],
                            "asn": ["type": "integer", "minimum": 1, "maximum": 4294967295],
                            "spineCount": ["type": "integer", "minimum": 0],
                            "leafCount": ["type": "integer", "minimum": 0],
                            "role": ["type": "string", "enum": ["spine", "leaf"]],
                            "tags": ["type": "array", "items": ["type": "string"]],
                            "links": ["type": "array", "items": ["type": "object", "properties": ["name": ["type": "string"], "speed": ["type": "string"]]]],
                            "ports": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "items": ["type": "object", "properties": [
                                "name": ["type": "string", "pattern": "^E1/[0-9]+$"], "speed": ["type": "string"],
                            ]]],
                            "sync": ["type": "object", "properties": [
                                "enabled": ["type": "boolean", "default": true],
                                "interval": ["type": "integer", "default": 300],
                                "prune": ["type": "boolean"],
                            ]],
                            "extra": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                        ],
                    ],
                    "status": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                ],
            ]],
        ]],
    ],
]

func fabric(_ name: String = "dc1", namespace: String = "default", spec: Value = ["asn": 65000]) -> Value {
    ["apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric", "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec]
}

func configMap(_ name: String, namespace: String = "default", data: Value = ["a": "1"], labels: Value? = nil) -> Value {
    var metadata: Value = ["name": .string(name), "namespace": .string(namespace)]
    if let labels { metadata["labels"] = labels }
    return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data]
}

/// A store with the Fabric CRD installed.
func storeWithFabrics(historyLimit: Int = 1_000) throws -> EmulatorStore {
    let store = EmulatorStore(configuration: .init(historyLimit: historyLimit))
    _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: WriteOptions(fieldManager: "test"))
    return store
}

extension EmulatorStore {
    /// A served type by plural, for brevity in tests.
    func type(_ plural: String) -> ResourceType {
        guard let found = resourceTypes.first(where: { $0.plural == plural }) else {
            XCTFail("no resource \(plural)")
            return ResourceType.builtIns[0]
        }
        return found
    }
}

extension Value {
    var resourceVersion: String { value(at: "metadata", "resourceVersion")?.stringValue ?? "" }
    var generation: Int64? { value(at: "metadata", "generation")?.intValue }
}

let writer = WriteOptions(fieldManager: "test")

func assertAPIError<T>(_ expression: @autoclosure () throws -> T, code: Int, reason: String,
                       file: StaticString = #filePath, line: UInt = #line, _ check: (APIError) -> Void = { _ in }) {
    do {
        _ = try expression()
        XCTFail("expected \(code) \(reason)", file: file, line: line)
    } catch let error as APIError {
        XCTAssertEqual(error.code, code, error.message, file: file, line: line)
        XCTAssertEqual(error.reason, reason, error.message, file: file, line: line)
        check(error)
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}
