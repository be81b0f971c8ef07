import XCTest
import FabricValue
@testable import KubeEmulator

/// `metadata.generation` moves only with the spec, as the real API does, and status lives apart.
final class GenerationTests: XCTestCase {
    func testCustomResourceStartsAtGenerationOneAndBumpsOnlyOnSpecChanges() throws {
        let store = try storeWithFabrics()
        let fabrics = store.type("fabrics")
        let created = try store.create(fabrics, namespace: "default", body: fabric(), options: writer).object
        XCTAssertEqual(created.generation, 1)

        var labelled = created
        labelled["metadata"]?["labels"] = ["team": "net"]
        let afterLabel = try store.update(fabrics, namespace: "default", name: "dc1", body: labelled, options: writer).object
        XCTAssertEqual(afterLabel.generation, 1, "metadata changes do not bump generation")
        XCTAssertNotEqual(afterLabel.resourceVersion, created.resourceVersion)

        var changed = afterLabel
        changed["spec"]?["asn"] = 65001
        let afterSpec = try store.update(fabrics, namespace: "default", name: "dc1", body: changed, options: writer).object
        XCTAssertEqual(afterSpec.generation, 2)
    }

    func testStatusWritesDoNotBumpGenerationAndMainWritesIgnoreStatus() throws {
        let store = try storeWithFabrics()
        let fabrics = store.type("fabrics")
        var object = try store.create(fabrics, namespace: "default", body: fabric(), options: writer).object
        object["status"] = ["syncStatus": "in_sync"]
        object["spec"]?["asn"] = 1
        let statusWrite = try store.update(fabrics, namespace: "default", name: "dc1", body: object, subresource: "status", options: writer).object
        XCTAssertEqual(statusWrite.generation, 1)
        XCTAssertEqual(statusWrite.value(at: "status", "syncStatus"), "in_sync")
        XCTAssertEqual(statusWrite.value(at: "spec", "asn"), 65000, "a status write changes only status")

        var main = statusWrite
        main["status"] = ["syncStatus": "error"]
        let mainWrite = try store.update(fabrics, namespace: "default", name: "dc1", body: main, options: writer).object
        XCTAssertEqual(mainWrite.value(at: "status", "syncStatus"), "in_sync", "a main write keeps the stored status")
        XCTAssertEqual(mainWrite.resourceVersion, statusWrite.resourceVersion, "nothing changed, so nothing was written")
    }

    func testCreateClearsStatusOfKindsWithAStatusSubresource() throws {
        let store = try storeWithFabrics()
        var body = fabric()
        body["status"] = ["syncStatus": "in_sync"]
        let created = try store.create(store.type("fabrics"), namespace: "default", body: body, options: writer).object
        XCTAssertNil(created["status"])
    }

    func testConfigMapsHaveNoGeneration() throws {
        let store = EmulatorStore()
        let created = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer).object
        XCTAssertNil(created.generation)
        XCTAssertNotNil(created.value(at: "metadata", "uid"))
        XCTAssertNotNil(created.value(at: "metadata", "creationTimestamp"))
    }

    func testResourceVersionIsClusterWideAndMonotonic() throws {
        let store = EmulatorStore()
        var versions: [Int64] = []
        for index in 0..<5 {
            let object = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c\(index)"), options: writer).object
            versions.append(Int64(object.resourceVersion)!)
        }
        let ns = try store.create(store.type("namespaces"), namespace: nil, body: ["metadata": ["name": "other"]], options: writer).object
        versions.append(Int64(ns.resourceVersion)!)
        XCTAssertEqual(versions, versions.sorted())
        XCTAssertEqual(Set(versions).count, versions.count)
        XCTAssertEqual(store.currentResourceVersion, versions.last)
    }

    func testUnchangedUpdateWritesNothing() throws {
        let store = EmulatorStore()
        let created = try store.create(store.type("configmaps"), namespace: "default", body: configMap("c"), options: writer).object
        let before = store.currentResourceVersion
        let same = try store.update(store.type("configmaps"), namespace: "default", name: "c", body: created, options: writer).object
        XCTAssertEqual(same.resourceVersion, created.resourceVersion)
        XCTAssertEqual(store.currentResourceVersion, before)
    }
}
