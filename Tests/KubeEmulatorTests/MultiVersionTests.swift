import XCTest
import FabricValue
@testable import KubeEmulator

/// A CRD served at several versions shares one storage, as with conversion strategy None.
final class MultiVersionTests: XCTestCase {
    func testObjectsAreReadableAtEveryServedVersion() throws {
        var crd = fabricCRD
        let schema: Value = ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]
        crd["spec"]?["versions"] = [
            ["name": "v1alpha2", "served": true, "storage": false, "schema": schema],
            ["name": "v1beta1", "served": true, "storage": true, "schema": schema],
        ]
        let store = EmulatorStore()
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: crd, options: writer)
        let old = try XCTUnwrap(store.resourceType(group: "wiring.githedgehog.com", version: "v1alpha2", plural: "fabrics"))
        let new = try XCTUnwrap(store.resourceType(group: "wiring.githedgehog.com", version: "v1beta1", plural: "fabrics"))
        _ = try store.create(old, namespace: "default", body: fabric(), options: writer)
        let read = try store.get(new, namespace: "default", name: "dc1")
        XCTAssertEqual(read["apiVersion"], "wiring.githedgehog.com/v1beta1")
        XCTAssertEqual(try store.list(new, namespace: nil)["items"]?.arrayValue?.count, 1)
        let stored = try store.get(store.type("customresourcedefinitions"), namespace: nil, name: "fabrics.wiring.githedgehog.com")
        XCTAssertEqual(stored.value(at: "status", "storedVersions"), ["v1beta1"])
    }

    func testWithoutAStatusSubresourceStatusChangesBumpGeneration() throws {
        var crd = fabricCRD
        crd["spec"]?["versions"] = [["name": "v1", "served": true, "storage": true,
                                     "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]
        let store = EmulatorStore()
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: crd, options: writer)
        let fabrics = try XCTUnwrap(store.resourceType(group: "wiring.githedgehog.com", version: "v1", plural: "fabrics"))
        var body = fabric()
        body["apiVersion"] = "wiring.githedgehog.com/v1"
        body["status"] = ["phase": "new"]
        let created = try store.create(fabrics, namespace: "default", body: body, options: writer).object
        XCTAssertEqual(created.value(at: "status", "phase"), "new", "no status subresource: status is part of the object")
        let patched = try store.patch(fabrics, namespace: "default", name: "dc1", patch: ["status": ["phase": "old"]], patchType: .merge, options: writer).object
        XCTAssertEqual(patched.generation, 2)
        assertAPIError(try store.patch(fabrics, namespace: "default", name: "dc1", patch: [:], patchType: .merge, subresource: "status", options: writer),
                       code: 404, reason: "NotFound")
    }
}
