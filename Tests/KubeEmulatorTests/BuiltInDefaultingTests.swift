import XCTest
import FabricValue
@testable import KubeEmulator

/// Defaulting the real API does for the built-ins the controller writes.
final class BuiltInDefaultingTests: XCTestCase {
    func testSecretStringDataFoldsIntoDataAndTypeDefaultsToOpaque() throws {
        let store = EmulatorStore()
        let body: Value = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"], "stringData": ["value": "hi"]]
        let created = try store.create(store.type("secrets"), namespace: "default", body: body, options: writer).object
        XCTAssertEqual(created["type"], "Opaque")
        XCTAssertEqual(created["data"], ["value": "aGk="])
        XCTAssertNil(created["stringData"])
    }

    func testServicesGetAClusterIPThatSurvivesUpdates() throws {
        let store = EmulatorStore()
        let body: Value = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "notify"], "spec": ["ports": [["port": 80]]]]
        let created = try store.create(store.type("services"), namespace: "default", body: body, options: writer).object
        let ip = created.value(at: "spec", "clusterIP")?.stringValue ?? ""
        XCTAssertTrue(ip.hasPrefix("10.96."), ip)
        let updated = try store.update(store.type("services"), namespace: "default", name: "notify", body: body, options: writer).object
        XCTAssertEqual(updated.value(at: "spec", "clusterIP")?.stringValue, ip)
    }
}
