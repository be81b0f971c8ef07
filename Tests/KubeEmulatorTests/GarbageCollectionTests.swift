import XCTest
import FabricValue
@testable import KubeEmulator

/// Owner references: what the garbage collector does when an owner goes.
final class GarbageCollectionTests: XCTestCase {
    func testDependentsGoWithTheirLastOwner() throws {
        let store = try storeWithFabrics()
        let owner = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer).object
        let other = try store.create(store.type("configmaps"), namespace: "default", body: configMap("other-owner"), options: writer).object
        func reference(_ object: Value, kind: String) -> Value {
            ["apiVersion": object["apiVersion"] ?? "v1", "kind": .string(kind), "name": object.value(at: "metadata", "name") ?? "",
             "uid": object.value(at: "metadata", "uid") ?? ""]
        }
        var only = configMap("only-owned")
        only["metadata"]?["ownerReferences"] = [reference(owner, kind: "Fabric")]
        var shared = configMap("shared")
        shared["metadata"]?["ownerReferences"] = [reference(owner, kind: "Fabric"), reference(other, kind: "ConfigMap")]
        _ = try store.create(store.type("configmaps"), namespace: "default", body: only, options: writer)
        _ = try store.create(store.type("configmaps"), namespace: "default", body: shared, options: writer)

        _ = try store.delete(store.type("fabrics"), namespace: "default", name: "dc1")
        assertAPIError(try store.get(store.type("configmaps"), namespace: "default", name: "only-owned"), code: 404, reason: "NotFound")
        let kept = try store.get(store.type("configmaps"), namespace: "default", name: "shared")
        XCTAssertEqual(kept.value(at: "metadata", "ownerReferences")?.arrayValue?.count, 1)

        _ = try store.delete(store.type("configmaps"), namespace: "default", name: "other-owner")
        assertAPIError(try store.get(store.type("configmaps"), namespace: "default", name: "shared"), code: 404, reason: "NotFound")
    }

    func testOrphanPropagationKeepsDependents() throws {
        let store = EmulatorStore()
        let owner = try store.create(store.type("configmaps"), namespace: "default", body: configMap("owner"), options: writer).object
        var dependent = configMap("dependent")
        dependent["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.value(at: "metadata", "uid") ?? ""]]
        _ = try store.create(store.type("configmaps"), namespace: "default", body: dependent, options: writer)
        _ = try store.delete(store.type("configmaps"), namespace: "default", name: "owner", options: DeleteOptions(propagationPolicy: "Orphan"))
        let kept = try store.get(store.type("configmaps"), namespace: "default", name: "dependent")
        XCTAssertNil(kept.value(at: "metadata", "ownerReferences"), "the dangling reference is removed")
    }
}
