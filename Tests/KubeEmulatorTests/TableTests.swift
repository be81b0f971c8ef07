import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// Table rows and Go's human durations, as `kubectl get` prints them.
final class TableTests: XCTestCase {
    func testHumanDurationsMatchGo() {
        let cases: [(TimeInterval, String)] = [
            (-5, "<invalid>"), (-0.5, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (185, "3m5s"),
            (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (5 * 3600 + 120, "5h2m"), (8 * 3600, "8h"),
            (47 * 3600, "47h"), (48 * 3600, "2d"), (3 * 86400 + 4 * 3600, "3d4h"), (30 * 86400, "30d"),
            (800 * 86400, "2y70d"), (3000 * 86400, "8y"),
        ]
        for (interval, expected) in cases {
            XCTAssertEqual(TableConverter.humanDuration(interval), expected, "\(interval)")
        }
    }

    func testCellsFollowTheColumnType() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(TableConverter.cell(type: "integer", value: 3, now: now), 3)
        XCTAssertEqual(TableConverter.cell(type: "integer", value: "x", now: now), .null)
        XCTAssertEqual(TableConverter.cell(type: "string", value: true, now: now), "true")
        XCTAssertEqual(TableConverter.cell(type: "date", value: .string(formatTimestamp(now.addingTimeInterval(-90))), now: now), "90s")
        XCTAssertEqual(TableConverter.cell(type: "date", value: "yesterday", now: now), "<invalid>")
    }

    func testCustomResourceWithoutColumnsShowsNameAndAge() throws {
        var crd = fabricCRD
        crd["spec"]?["versions"] = [["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]
        let type = CRDRegistration.resourceTypes(from: crd)[0]
        let table = TableConverter.table(for: type, objects: [fabric()], includeObject: "None", resourceVersion: "1", continueToken: nil, now: Date())
        XCTAssertEqual(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["Name", "Age"])
        XCTAssertNil(table["rows"]?.arrayValue?.first?["object"])
    }

    func testEventsPrintLikeKubectlGetEvents() throws {
        let store = EmulatorStore()
        let event: Value = ["apiVersion": "v1", "kind": "Event", "metadata": ["name": "dc1.1"],
                            "involvedObject": ["kind": "Fabric", "name": "dc1", "namespace": "default"],
                            "reason": "ReconciliationSucceeded", "message": "applied 3 objects", "type": "Normal",
                            "eventTime": .string(formatTimestamp(Date().addingTimeInterval(-30)).replacingOccurrences(of: "Z", with: ".123456Z"))]
        let stored = try store.create(store.type("events"), namespace: "default", body: event, options: writer).object
        let table = TableConverter.table(for: store.type("events"), objects: [stored], includeObject: nil, resourceVersion: "1", continueToken: nil, now: Date())
        XCTAssertEqual(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["Last Seen", "Type", "Reason", "Object", "Message"])
        let cells = table["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
        XCTAssertEqual(Array(cells.dropFirst()), ["Normal", "ReconciliationSucceeded", "fabric/dc1", "applied 3 objects"])
        XCTAssertTrue(cells.first?.stringValue?.hasSuffix("s") == true, "\(cells)")
    }

    func testServicesShowTypeAddressAndPorts() throws {
        let store = EmulatorStore()
        let service: Value = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "fabricsync"],
                              "spec": ["ports": [["port": 8080, "protocol": "TCP"], ["port": 9090]]]]
        let stored = try store.create(store.type("services"), namespace: "default", body: service, options: writer).object
        let table = TableConverter.table(for: store.type("services"), objects: [stored], includeObject: nil, resourceVersion: "1", continueToken: nil, now: Date())
        let cells = table["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
        XCTAssertEqual(cells.count, 6)
        XCTAssertEqual(cells[1], "ClusterIP")
        XCTAssertEqual(cells[2], stored.value(at: "spec", "clusterIP"))
        XCTAssertEqual(cells[3], "<none>")
        XCTAssertEqual(cells[4], "8080/TCP,9090/TCP")
    }
}
