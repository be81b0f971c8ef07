import FabricDiff
import FabricValue
import XCTest

/// create / update / unchanged / prune, matched by inventory id, in a stable order.
final class PlannerTests: XCTestCase {
    func switchObject(_ name: String, asn: Int64, version: String = "v1beta1") -> Value {
        .object(Object([
            ("apiVersion", .string("wiring.githedgehog.com/" + version)), ("kind", "Switch"),
            ("metadata", .object(Object([("name", .string(name)), ("namespace", "default")]))),
            ("spec", .object(Object([("asn", .int(asn))]))),
        ]))
    }

    func id(_ name: String) -> ObjectID {
        ObjectID(group: "wiring.githedgehog.com", version: "v1beta1", kind: "Switch", namespace: "default", name: name)
    }

    func testPlansEachActionInDesiredOrderThenPrunesByID() {
        var liveUnchanged = switchObject("leaf-02", asn: 2)
        liveUnchanged["status"] = json(#"{"state":"ready"}"#)
        let live: [ObjectID: Value] = [
            id("leaf-02"): liveUnchanged,
            id("leaf-03"): switchObject("leaf-03", asn: 30),
            id("old-b"): switchObject("old-b", asn: 9),
            id("old-a"): switchObject("old-a", asn: 9),
        ]
        let plan = Planner.plan(
            desired: [switchObject("leaf-03", asn: 31), switchObject("leaf-01", asn: 1), switchObject("leaf-02", asn: 2)],
            live: live,
            inventory: [id("old-b"), id("leaf-02"), id("old-a"), id("leaf-03")])
        XCTAssertEqual(plan.entries.map { "\($0.action.rawValue) \($0.id.name)" },
                       ["update leaf-03", "create leaf-01", "unchanged leaf-02", "prune old-a", "prune old-b"])
        XCTAssertEqual(plan.entries[0].changes, [FieldChange(path: "spec.asn", old: 30, new: 31)])
        XCTAssertTrue(plan.hasChanges)
        XCTAssertEqual(plan.count(of: .prune), 2)
    }

    func testPrunesOnlyWhatTheInventoryListsNeverOtherLiveObjects() {
        let plan = Planner.plan(desired: [], live: [id("foreign"): switchObject("foreign", asn: 1)], inventory: [])
        XCTAssertEqual(plan.entries, [])
        XCTAssertFalse(plan.hasChanges)
    }

    func testMatchesLiveObjectsReadAtAnotherVersion() {
        let liveID = ObjectID(group: "wiring.githedgehog.com", version: "v1alpha2", kind: "Switch", namespace: "default", name: "leaf-01")
        let plan = Planner.plan(desired: [switchObject("leaf-01", asn: 1)], live: [liveID: switchObject("leaf-01", asn: 1, version: "v1alpha2")],
                                inventory: [liveID])
        XCTAssertEqual(plan.entries.map(\.action), [.unchanged])
    }

    func testSecretChangesAreRedactedInThePlan() {
        let desired = json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default"},"data":{"password":"bmV3"}}"#)
        let live = json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default"},"data":{"password":"b2xk"}}"#)
        let secretID = ObjectID(group: "", version: "v1", kind: "Secret", namespace: "default", name: "s")
        let plan = Planner.plan(desired: [desired], live: [secretID: live], inventory: [])
        XCTAssertEqual(plan.entries.first?.changes, [
            FieldChange(path: "data.password", old: .string("*** (sha256:\(String(SHA256.hexDigest(Array("b2xk".utf8)).prefix(8))))"),
                        new: .string("*** (sha256:\(String(SHA256.hexDigest(Array("bmV3".utf8)).prefix(8))))")),
        ])
        XCTAssertFalse(PlanPrinter.text(plan).contains("bmV3"))
        XCTAssertFalse(PlanPrinter.json(plan).contains("b2xk"))
    }

    func testInventoryIDRoundTripsFluxForm() {
        let core = ObjectID(group: "", version: "v1", kind: "ConfigMap", namespace: "default", name: "c")
        XCTAssertEqual(core.inventoryID, "default_c__ConfigMap")
        XCTAssertEqual(id("leaf-01").inventoryID, "default_leaf-01_wiring.githedgehog.com_Switch")
        XCTAssertEqual(ObjectID(inventoryID: "default_c__ConfigMap", version: "v1"), core)
        let cluster = ObjectID(group: "", version: "v1", kind: "Namespace", namespace: "", name: "fab")
        XCTAssertEqual(ObjectID(inventoryID: cluster.inventoryID, version: "v1"), cluster)
        XCTAssertNil(ObjectID(inventoryID: "not-an-id", version: "v1"))
    }
}
