import XCTest
import FabricValue
@testable import KubeEmulator

/// `dryRun=All`: the full answer, nothing stored, no version consumed, no event.
final class DryRunTests: XCTestCase {
    func testDryRunWritesNothing() async throws {
        let store = try storeWithFabrics()
        let fabrics = store.type("fabrics")
        let dry = WriteOptions(dryRun: true, fieldManager: "test")
        _ = try store.create(fabrics, namespace: "default", body: fabric("live"), options: writer)
        let version = store.currentResourceVersion
        let watcher = try store.watch(fabrics, namespace: nil, options: WatchOptions(resourceVersion: String(version)))

        let created = try store.create(fabrics, namespace: "default", body: fabric("dry", spec: ["asn": 1, "sync": [:]]), options: dry)
        XCTAssertEqual(created.code, 201)
        XCTAssertEqual(created.object.value(at: "spec", "sync", "interval"), 300, "defaults are applied in the answer")
        XCTAssertEqual(created.object.resourceVersion, "")
        assertAPIError(try store.get(fabrics, namespace: "default", name: "dry"), code: 404, reason: "NotFound")

        let patched = try store.patch(fabrics, namespace: "default", name: "live", patch: ["spec": ["asn": 7]], patchType: .merge, options: dry)
        XCTAssertEqual(patched.object.value(at: "spec", "asn"), 7)
        XCTAssertEqual(patched.object.generation, 2)
        XCTAssertEqual(try store.get(fabrics, namespace: "default", name: "live").value(at: "spec", "asn"), 65000)

        _ = try store.patch(fabrics, namespace: "default", name: "new", patch: fabric("new"), patchType: .apply,
                            options: WriteOptions(dryRun: true, fieldManager: "fabricsync", force: true))
        _ = try store.delete(fabrics, namespace: "default", name: "live", options: DeleteOptions(dryRun: true))
        XCTAssertNoThrow(try store.get(fabrics, namespace: "default", name: "live"))

        XCTAssertEqual(store.currentResourceVersion, version)
        XCTAssertEqual(watcher.drain(), [])
    }

    func testDryRunStillValidates() throws {
        let store = try storeWithFabrics()
        assertAPIError(try store.create(store.type("fabrics"), namespace: "default", body: fabric(spec: ["asn": 0]),
                                        options: WriteOptions(dryRun: true)), code: 422, reason: "Invalid")
    }
}
