import XCTest
import FabricValue
@testable import KubeEmulator

/// PUT is guarded by resourceVersion exactly as the real API guards it.
final class OptimisticConcurrencyTests: XCTestCase {
    func testStaleResourceVersionIsA409Conflict() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        let first = try store.create(configmaps, namespace: "default", body: configMap("c"), options: writer).object
        var newer = first
        newer["data"] = ["a": "2"]
        _ = try store.update(configmaps, namespace: "default", name: "c", body: newer, options: writer)
        var stale = first
        stale["data"] = ["a": "3"]
        assertAPIError(try store.update(configmaps, namespace: "default", name: "c", body: stale, options: writer), code: 409, reason: "Conflict") { error in
            XCTAssertEqual(error.message, "Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again")
            XCTAssertEqual(error.kind, "configmaps")
        }
    }

    func testAnotherObjectsUIDIsAConflict() throws {
        let store = EmulatorStore()
        var body = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer).object
        body["metadata"]?["uid"] = "00000000-0000-0000-0000-000000000000"
        assertAPIError(try store.update(store.type("configmaps"), namespace: "default", name: "c", body: body, options: writer), code: 409, reason: "Conflict") { error in
            XCTAssertTrue(error.message.contains("Precondition failed: UID in precondition"), error.message)
        }
    }

    func testConfigMapsAllowAnUnconditionalPut() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        _ = try store.create(configmaps, namespace: "default", body: configMap("c"), options: writer)
        let updated = try store.update(configmaps, namespace: "default", name: "c", body: configMap("c", data: ["a": "9"]), options: writer).object
        XCTAssertEqual(updated.value(at: "data", "a"), "9")
    }

    func testCustomResourcesRequireAResourceVersionOnPut() throws {
        let store = try storeWithFabrics()
        let fabrics = store.type("fabrics")
        _ = try store.create(fabrics, namespace: "default", body: fabric(), options: writer)
        assertAPIError(try store.update(fabrics, namespace: "default", name: "dc1", body: fabric(), options: writer), code: 422, reason: "Invalid") { error in
            XCTAssertEqual(error.causes.first?.field, "metadata.resourceVersion")
            XCTAssertEqual(error.message, "Fabric.wiring.githedgehog.com \"dc1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update")
        }
    }

    func testMergePatchCarryingAStaleResourceVersionConflicts() throws {
        let store = EmulatorStore()
        let configmaps = store.type("configmaps")
        let first = try store.create(configmaps, namespace: "default", body: configMap("c"), options: writer).object
        _ = try store.patch(configmaps, namespace: "default", name: "c", patch: ["data": ["b": "2"]], patchType: .merge, options: writer)
        let patch: Value = ["metadata": ["resourceVersion": .string(first.resourceVersion)], "data": ["b": "3"]]
        assertAPIError(try store.patch(configmaps, namespace: "default", name: "c", patch: patch, patchType: .merge, options: writer), code: 409, reason: "Conflict")
    }

    func testUpdatingAMissingObjectIsNotFound() throws {
        let store = EmulatorStore()
        assertAPIError(try store.update(store.type("configmaps"), namespace: "default", name: "nope", body: configMap("nope"), options: writer), code: 404, reason: "NotFound") { error in
            XCTAssertEqual(error.message, "configmaps \"nope\" not found")
        }
    }

    func testCreatingTwiceIsAlreadyExists() throws {
        let store = EmulatorStore()
        _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer)
        assertAPIError(try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer), code: 409, reason: "AlreadyExists") { error in
            XCTAssertEqual(error.message, "configmaps \"c\" already exists")
        }
    }

    func testCreatingInAMissingNamespaceIsNotFoundNamingTheNamespace() throws {
        let store = EmulatorStore()
        assertAPIError(try store.create(store.type("configmaps"), namespace: "x", body: configMap("c", namespace: "x"), options: writer), code: 404, reason: "NotFound") { error in
            XCTAssertEqual(error.message, "namespaces \"x\" not found")
        }
    }

    func testGenerateNameMakesAUniqueName() throws {
        let store = EmulatorStore()
        let body: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "fabric-"]]
        let a = try store.create(store.type("configmaps"), namespace: "default", body: body, options: writer).object
        let b = try store.create(store.type("configmaps"), namespace: "default", body: body, options: writer).object
        let nameA = a.value(at: "metadata", "name")?.stringValue ?? ""
        XCTAssertTrue(nameA.hasPrefix("fabric-"))
        XCTAssertEqual(nameA.count, "fabric-".count + 5)
        XCTAssertNotEqual(nameA, b.value(at: "metadata", "name")?.stringValue)
    }

    func testBodyNamespaceMustMatchTheRequest() throws {
        let store = EmulatorStore()
        assertAPIError(try store.create(store.type("configmaps"), namespace: "kube-system", body: configMap("c"), options: writer), code: 400, reason: "BadRequest")
    }
}
