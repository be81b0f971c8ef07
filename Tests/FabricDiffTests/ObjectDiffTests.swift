import FabricDiff
import FabricValue
import XCTest

/// The field-level diff: one row per rule, desired vs live → the changes reported.
final class ObjectDiffTests: XCTestCase {
    struct Row {
        var name: String
        var desired: String
        var live: String
        /// (path, old as JSON or nil, new as JSON or nil)
        var changes: [(String, String?, String?)]
    }

    let rows: [Row] = [
        Row(name: "identical objects", desired: #"{"spec":{"asn":65101}}"#, live: #"{"spec":{"asn":65101}}"#, changes: []),
        Row(name: "changed scalar", desired: #"{"spec":{"asn":65102}}"#, live: #"{"spec":{"asn":65101}}"#,
            changes: [("spec.asn", "65101", "65102")]),
        Row(name: "nested maps", desired: #"{"spec":{"boot":{"mac":"0c:20:12:fe:01:00","serial":"x"}}}"#,
            live: #"{"spec":{"boot":{"mac":"0c:20:12:fe:01:01","serial":"x"}}}"#,
            changes: [("spec.boot.mac", #""0c:20:12:fe:01:01""#, #""0c:20:12:fe:01:00""#)]),
        Row(name: "field missing live is an addition", desired: #"{"spec":{"role":"server-leaf","asn":1}}"#, live: #"{"spec":{"asn":1}}"#,
            changes: [("spec.role", nil, #""server-leaf""#)]),
        Row(name: "fields only live are not drift (server defaults, other managers)",
            desired: #"{"spec":{"asn":1}}"#, live: #"{"spec":{"asn":1,"redundancy":{}},"metadata":{"finalizers":["x"]}}"#, changes: []),
        Row(name: "server-owned fields ignored even when the desired object has them",
            desired: #"{"metadata":{"name":"a","uid":"1","resourceVersion":"5","generation":1,"creationTimestamp":"t","managedFields":[]},"status":{"x":1}}"#,
            live: #"{"metadata":{"name":"a","uid":"2","resourceVersion":"9","generation":4,"creationTimestamp":"u","managedFields":[{"manager":"m"}]},"status":{"x":2}}"#,
            changes: []),
        Row(name: "last-applied annotation ignored",
            desired: #"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}}}"#,
            live: #"{"metadata":{}}"#, changes: []),
        Row(name: "keyed list compares by name, order ignored",
            desired: #"{"spec":{"ports":[{"name":"E1/2","speed":"25G"},{"name":"E1/1","speed":"100G"}]}}"#,
            live: #"{"spec":{"ports":[{"name":"E1/1","speed":"25G","fec":"none"},{"name":"E1/2","speed":"25G"}]}}"#,
            changes: [("spec.ports[name=E1/1].speed", #""25G""#, #""100G""#)]),
        Row(name: "keyed list element added and removed",
            desired: #"{"spec":{"ports":[{"name":"E1/1"},{"name":"E1/3"}]}}"#,
            live: #"{"spec":{"ports":[{"name":"E1/1"},{"name":"E1/2"}]}}"#,
            changes: [("spec.ports[name=E1/3]", nil, #"{"name":"E1/3"}"#), ("spec.ports[name=E1/2]", #"{"name":"E1/2"}"#, nil)]),
        Row(name: "plain list compares by index", desired: #"{"spec":{"tags":["a","b"]}}"#, live: #"{"spec":{"tags":["a","c"]}}"#,
            changes: [("spec.tags[1]", #""c""#, #""b""#)]),
        Row(name: "longer list reports added indices", desired: #"{"spec":{"tags":["a","b","c"]}}"#, live: #"{"spec":{"tags":["a"]}}"#,
            changes: [("spec.tags[1]", nil, #""b""#), ("spec.tags[2]", nil, #""c""#)]),
        Row(name: "shorter list reports removed indices", desired: #"{"spec":{"tags":["a"]}}"#, live: #"{"spec":{"tags":["a","b"]}}"#,
            changes: [("spec.tags[1]", #""b""#, nil)]),
        Row(name: "list of objects without names compares by index, defaults inside ignored",
            desired: #"{"spec":{"links":[{"port":"s1/E1"},{"port":"s2/E1"}]}}"#,
            live: #"{"spec":{"links":[{"port":"s1/E1","mtu":9000},{"port":"s2/E2"}]}}"#,
            changes: [("spec.links[1].port", #""s2/E2""#, #""s2/E1""#)]),
        Row(name: "type change reported whole", desired: #"{"spec":{"asn":"65000"}}"#, live: #"{"spec":{"asn":65000}}"#,
            changes: [("spec.asn", "65000", #""65000""#)]),
        Row(name: "map replaced by scalar", desired: #"{"spec":{"boot":"pxe"}}"#, live: #"{"spec":{"boot":{"mac":"x"}}}"#,
            changes: [("spec.boot", #"{"mac":"x"}"#, #""pxe""#)]),
        Row(name: "int and double of equal value are equal", desired: #"{"spec":{"mtu":9000}}"#, live: #"{"spec":{"mtu":9000.0}}"#, changes: []),
        Row(name: "empty map, empty list and null equal an absent field",
            desired: #"{"spec":{"a":{},"b":[],"c":null}}"#, live: #"{"spec":{}}"#, changes: []),
        Row(name: "odd keys print bracketed",
            desired: #"{"metadata":{"labels":{"fabric.githedgehog.com/name":"dc1"}}}"#,
            live: #"{"metadata":{"labels":{"fabric.githedgehog.com/name":"dc2"}}}"#,
            changes: [(#"metadata.labels["fabric.githedgehog.com/name"]"#, #""dc2""#, #""dc1""#)]),
        Row(name: "desired null against a live value is a change", desired: #"{"spec":{"a":null}}"#, live: #"{"spec":{"a":1}}"#,
            changes: [("spec.a", "1", "null")]),
    ]

    func testEachRuleReportsExactlyTheExpectedChanges() {
        for row in rows {
            let got = ObjectDiff.compare(desired: json(row.desired), live: json(row.live))
            let want = row.changes.map { FieldChange(path: $0.0, old: $0.1.map { json($0) }, new: $0.2.map { json($0) }) }
            XCTAssertEqual(got, want, row.name)
        }
    }

    func testSecretStringDataComparesWithStoredBase64Data() {
        let desired = json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"value":"hello"}}"#)
        let same = json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"value":"aGVsbG8="}}"#)
        let other = json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"value":"aGVsbG9v"}}"#)
        XCTAssertEqual(ObjectDiff.compare(desired: desired, live: same), [])
        XCTAssertEqual(ObjectDiff.compare(desired: desired, live: other).map(\.path), ["data.value"])
    }

    func testNormalizedDropsServerOwnedFieldsAndKeepsTheRest() {
        let live = json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","uid":"u","resourceVersion":"1","generation":2,"creationTimestamp":"t","selfLink":"/x","managedFields":[],"labels":{"a":"b"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"data":{"k":"v"},"status":{}}"#)
        let want = json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","labels":{"a":"b"}},"data":{"k":"v"}}"#)
        XCTAssertEqual(Normalizer.normalized(live), want)
    }
}
