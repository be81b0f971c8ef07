import FabricDiff
import FabricValue
import XCTest

/// A Hedgehog Switch as written in Git against the same Switch as the API
/// server returns it: no drift, until someone edits it.
final class RealisticObjectTests: XCTestCase {
    let desired = json("""
        {"apiVersion":"wiring.githedgehog.com/v1beta1","kind":"Switch",
         "metadata":{"name":"leaf-01","namespace":"default","labels":{"fabric.githedgehog.com/name":"dc1"}},
         "spec":{"role":"server-leaf","asn":65101,"ip":"172.30.10.1/32","protocolIP":"172.30.11.1/32","vtepIP":"172.30.12.1/32",
                 "boot":{"mac":"0c:20:12:fe:01:00"},"groups":["mclag-1"],"portBreakouts":{"E1/55":"4x25G"}}}
        """)

    var live: Value {
        json("""
            {"apiVersion":"wiring.githedgehog.com/v1beta1","kind":"Switch",
             "metadata":{"name":"leaf-01","namespace":"default","uid":"0b5c","resourceVersion":"1234","generation":2,
                         "creationTimestamp":"2026-11-01T10:00:00Z","finalizers":["wiring.githedgehog.com/finalizer"],
                         "labels":{"fabric.githedgehog.com/name":"dc1","fabric.githedgehog.com/namespace":"hedgehog-system"},
                         "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},
                         "managedFields":[{"manager":"fabricsync","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},
             "spec":{"role":"server-leaf","asn":65101.0,"ip":"172.30.10.1/32","protocolIP":"172.30.11.1/32","vtepIP":"172.30.12.1/32",
                     "boot":{"mac":"0c:20:12:fe:01:00"},"groups":["mclag-1"],"portBreakouts":{"E1/55":"4x25G"},
                     "redundancy":{},"profile":"vs","portSpeeds":{}},
             "status":{"applied":{"gen":2},"state":{"ready":true}}}
            """)
    }

    func testServerFieldsAndDefaultsAreNotDrift() {
        XCTAssertEqual(ObjectDiff.compare(desired: desired, live: live), [])
    }

    func testHandEditsAreDrift() {
        var edited = live
        edited["spec"]?["asn"] = 65199
        edited["spec"]?["groups"] = ["mclag-1", "mclag-2"]
        edited["spec"]?["portBreakouts"] = ["E1/55": "2x50G"]
        edited["metadata"]?["labels"]?["fabric.githedgehog.com/name"] = "dc2"
        XCTAssertEqual(ObjectDiff.compare(desired: desired, live: edited).map { "\($0.path): \(PlanPrinter.render($0.old)) → \(PlanPrinter.render($0.new))" }, [
            #"metadata.labels["fabric.githedgehog.com/name"]: dc2 → dc1"#,
            "spec.asn: 65199 → 65101",
            "spec.groups[1]: mclag-2 → (absent)",
            #"spec.portBreakouts["E1/55"]: 2x50G → 4x25G"#,
        ])
    }
}
