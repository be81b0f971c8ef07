import XCTest
import FabricValue
@testable import KubeEmulator

/// DELETE with finalizers, namespace cascades and CRD removal.
final class DeletionTests: XCTestCase {
    let finalizer = "fabric.githedgehog.com/finalizer"

    func testFinalizersHoldTheObjectUntilTheLastIsRemoved() throws {
        let store = try storeWithFabrics()
        let fabrics = store.type("fabrics")
        var body = fabric()
        body["metadata"]?["finalizers"] = [.string(finalizer)]
        _ = try store.create(fabrics, namespace: "default", body: body, options: writer)
        let watcher = try store.watch(fabrics, namespace: nil, options: WatchOptions(resourceVersion: String(store.currentResourceVersion)))

        let marked = try store.delete(fabrics, namespace: "default", name: "dc1").object
        XCTAssertNotNil(marked.value(at: "metadata", "deletionTimestamp"))
        XCTAssertEqual(marked.value(at: "metadata", "deletionGracePeriodSeconds"), 0)
        XCTAssertEqual(marked.generation, 2, "marking for deletion bumps generation")
        XCTAssertNoThrow(try store.get(fabrics, namespace: "default", name: "dc1"))

        assertAPIError(try store.patch(fabrics, namespace: "default", name: "dc1", patch: ["metadata": ["finalizers": [.string(finalizer), "other"]]], patchType: .merge, options: writer),
                       code: 422, reason: "Invalid")
        _ = try store.patch(fabrics, namespace: "default", name: "dc1", patch: [["op": "remove", "path": "/metadata/finalizers"]], patchType: .json, options: writer)
        assertAPIError(try store.get(fabrics, namespace: "default", name: "dc1"), code: 404, reason: "NotFound")
        XCTAssertEqual(watcher.drain().map(\.type), ["MODIFIED", "DELETED"])
    }

    func testDeleteWithoutFinalizersAnswersASuccessStatus() throws {
        let store = EmulatorStore()
        let created = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer).object
        let status = try store.delete(store.type("configmaps"), namespace: "default", name: "c").object
        XCTAssertEqual(status["status"], "Success")
        XCTAssertEqual(status.value(at: "details", "uid"), created.value(at: "metadata", "uid"))
        assertAPIError(try store.delete(store.type("configmaps"), namespace: "default", name: "c"), code: 404, reason: "NotFound")
    }

    func testPreconditionsAreChecked() throws {
        let store = EmulatorStore()
        _ = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer)
        assertAPIError(try store.delete(store.type("configmaps"), namespace: "default", name: "c", options: DeleteOptions(preconditionResourceVersion: "1")), code: 409, reason: "Conflict")
    }

    func testDeletingANamespaceRemovesItsObjects() throws {
        let store = try storeWithFabrics()
        _ = try store.create(store.type("namespaces"), namespace: nil, body: ["metadata": ["name": "fab"]], options: writer)
        _ = try store.create(store.type("configmaps"), namespace: "fab", body: configMap("c", namespace: "fab"), options: writer)
        var held = fabric(namespace: "fab")
        held["metadata"]?["finalizers"] = [.string(finalizer)]
        _ = try store.create(store.type("fabrics"), namespace: "fab", body: held, options: writer)

        let terminating = try store.delete(store.type("namespaces"), namespace: nil, name: "fab").object
        XCTAssertEqual(terminating.value(at: "status", "phase"), "Terminating")
        assertAPIError(try store.get(store.type("configmaps"), namespace: "fab", name: "c"), code: 404, reason: "NotFound")
        XCTAssertNoThrow(try store.get(store.type("namespaces"), namespace: nil, name: "fab"), "held by the fabric's finalizer")
        assertAPIError(try store.create(store.type("configmaps"), namespace: "fab", body: configMap("d", namespace: "fab"), options: writer), code: 403, reason: "Forbidden")

        _ = try store.patch(store.type("fabrics"), namespace: "fab", name: "dc1", patch: ["metadata": ["finalizers": nil]], patchType: .merge, options: writer)
        assertAPIError(try store.get(store.type("namespaces"), namespace: nil, name: "fab"), code: 404, reason: "NotFound")
    }

    func testDeletingACRDRemovesItsResourcesAndStopsServingThem() throws {
        let store = try storeWithFabrics()
        _ = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer)
        _ = try store.delete(store.type("customresourcedefinitions"), namespace: nil, name: "fabrics.wiring.githedgehog.com")
        XCTAssertNil(store.resourceType(group: "wiring.githedgehog.com", version: "v1alpha2", plural: "fabrics"))
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)
        XCTAssertEqual(try store.list(store.type("fabrics"), namespace: nil)["items"], [])
    }

    func testCRDsAreEstablishedOnCreate() throws {
        let store = try storeWithFabrics()
        let crd = try store.get(store.type("customresourcedefinitions"), namespace: nil, name: "fabrics.wiring.githedgehog.com")
        let conditions = crd.value(at: "status", "conditions")?.arrayValue ?? []
        XCTAssertEqual(conditions.compactMap { $0["type"]?.stringValue }.sorted(), ["Established", "NamesAccepted"])
        XCTAssertTrue(conditions.allSatisfy { $0["status"] == "True" })
        XCTAssertEqual(crd.value(at: "status", "storedVersions"), ["v1alpha2"])
        XCTAssertEqual(crd.value(at: "status", "acceptedNames", "kind"), "Fabric")
    }
}
