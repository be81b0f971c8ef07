import FabricDiff
import FabricValue
import XCTest

/// Exact text and JSON renderings of a plan.
final class PlanPrinterTests: XCTestCase {
    let leaf = ObjectID(group: "wiring.githedgehog.com", version: "v1beta1", kind: "Switch", namespace: "default", name: "leaf-01")
    let namespace = ObjectID(group: "", version: "v1", kind: "Namespace", namespace: "", name: "fab")

    var plan: Plan {
        var updated = leaf
        updated.name = "leaf-02"
        var pruned = leaf
        pruned.name = "leaf-03"
        var same = leaf
        same.name = "leaf-04"
        return Plan(entries: [
            PlanEntry(action: .create, id: leaf),
            PlanEntry(action: .create, id: namespace),
            PlanEntry(action: .update, id: updated, changes: [
                FieldChange(path: "spec.asn", old: 65101, new: 65102),
                FieldChange(path: "spec.ports[name=E1/1].speed", old: "25G", new: "100G"),
                FieldChange(path: "spec.tags[2]", old: nil, new: "edge"),
                FieldChange(path: "spec.tags[3]", old: "x", new: nil),
                FieldChange(path: "spec.vlan", old: 10, new: "10"),
                FieldChange(path: "spec.boot", old: json(#"{"mac":"a"}"#), new: "true"),
            ]),
            PlanEntry(action: .unchanged, id: same),
            PlanEntry(action: .prune, id: pruned),
        ])
    }

    func testTextShowsOneLinePerObjectAndPerChangedField() {
        XCTAssertEqual(PlanPrinter.text(plan), """
            + create wiring.githedgehog.com/v1beta1 Switch default/leaf-01
            + create v1 Namespace fab
            ~ update wiring.githedgehog.com/v1beta1 Switch default/leaf-02
              spec.asn: 65101 → 65102
              spec.ports[name=E1/1].speed: 25G → 100G
              spec.tags[2]: (absent) → edge
              spec.tags[3]: x → (absent)
              spec.vlan: 10 → "10"
              spec.boot: {"mac":"a"} → "true"
            - prune wiring.githedgehog.com/v1beta1 Switch default/leaf-03
            Plan: 2 to create, 1 to update, 1 to prune, 1 unchanged.

            """)
    }

    func testEmptyPlanPrintsOnlyTheSummary() {
        XCTAssertEqual(PlanPrinter.text(Plan()), "Plan: 0 to create, 0 to update, 0 to prune, 0 unchanged.\n")
    }

    func testStringsThatWouldReadAsAnotherTypeAreQuoted() {
        let rows: [(Value?, String)] = [
            (nil, "(absent)"), ("25G", "25G"), ("", #""""#), ("65000", #""65000""#), ("true", #""true""#),
            ("null", #""null""#), (" padded", #"" padded""#), ("(absent)", #""(absent)""#), ("a\nb", #""a\nb""#),
            ("[x]", #""[x]""#), (.int(7), "7"), (.double(1.5), "1.5"), (.bool(false), "false"), (.null, "null"),
            (json(#"["a",1]"#), #"["a",1]"#),
        ]
        for (value, want) in rows { XCTAssertEqual(PlanPrinter.render(value), want, want) }
    }

    func testJSONHasTheDocumentedShape() throws {
        let parsed = try JSONReader.parse(PlanPrinter.json(plan))
        XCTAssertEqual(parsed["summary"], json(#"{"create":2,"update":1,"prune":1,"unchanged":1}"#))
        let entries = try XCTUnwrap(parsed["entries"]?.arrayValue)
        XCTAssertEqual(entries.count, 5)
        XCTAssertEqual(entries[0], json(#"{"action":"create","id":"default_leaf-01_wiring.githedgehog.com_Switch","apiVersion":"wiring.githedgehog.com/v1beta1","kind":"Switch","namespace":"default","name":"leaf-01"}"#))
        XCTAssertEqual(entries[1]["namespace"], "")
        XCTAssertEqual(entries[2]["changes"]?.arrayValue?.prefix(3).map { $0 }, [
            json(#"{"path":"spec.asn","old":65101,"new":65102}"#),
            json(#"{"path":"spec.ports[name=E1/1].speed","old":"25G","new":"100G"}"#),
            json(#"{"path":"spec.tags[2]","new":"edge"}"#),
        ])
        XCTAssertEqual(entries[3]["action"], "unchanged")
        XCTAssertNil(entries[3]["changes"])
        XCTAssertEqual(PlanPrinter.json(plan), PlanPrinter.json(plan), "stable output")
    }
}

/// The whole JSON document, byte for byte, for a small plan: the shape scripts rely on.
final class PlanJSONGoldenTests: XCTestCase {
    func testSmallPlanPrintsExactly() {
        let id = ObjectID(group: "", version: "v1", kind: "ConfigMap", namespace: "default", name: "c")
        let plan = Plan(entries: [PlanEntry(action: .update, id: id, changes: [FieldChange(path: "data.k", old: "a", new: nil)])])
        XCTAssertEqual(PlanPrinter.json(plan), """
            {
              "summary": {
                "create": 0,
                "update": 1,
                "prune": 0,
                "unchanged": 0
              },
              "entries": [
                {
                  "action": "update",
                  "id": "default_c__ConfigMap",
                  "apiVersion": "v1",
                  "kind": "ConfigMap",
                  "namespace": "default",
                  "name": "c",
                  "changes": [
                    {
                      "path": "data.k",
                      "old": "a"
                    }
                  ]
                }
              ]
            }

            """)
    }
}
