import XCTest
import FabricValue
@testable import KubeEmulator

/// The JSONPath subset of printer columns and `kubectl wait --for=jsonpath`.
final class JSONPathTests: XCTestCase {
    let object: Value = [
        "metadata": ["name": "dc1", "labels": ["fabric.githedgehog.com/name": "dc1"]],
        "spec": ["asn": 65000, "ports": [["name": "E1/1", "speed": 25], ["name": "E1/2", "speed": 100]]],
        "status": ["conditions": [["type": "Reconciling", "status": "False"], ["type": "Ready", "status": "True"]]],
    ]

    func testPathsSelectWhatKubectlSelects() throws {
        let cases: [(String, [Value])] = [
            (".spec.asn", [65000]),
            ("{.spec.asn}", [65000]),
            ("$.spec.asn", [65000]),
            (".spec.missing", []),
            (".spec.ports[1].name", ["E1/2"]),
            (".spec.ports[-1].name", ["E1/2"]),
            (".spec.ports[*].name", ["E1/1", "E1/2"]),
            (".status.conditions[?(@.type==\"Ready\")].status", ["True"]),
            (".status.conditions[?(@.type=='Reconciling')].status", ["False"]),
            (".status.conditions[?(@.type!=\"Ready\")].type", ["Reconciling"]),
            (".spec.ports[?(@.speed>50)].name", ["E1/2"]),
            (".metadata.labels['fabric.githedgehog.com/name']", ["dc1"]),
        ]
        for (path, expected) in cases {
            XCTAssertEqual(try JSONPath(path).evaluate(object), expected, path)
        }
    }

    func testMalformedPathsAreRefused() {
        for path in [".spec[", ".status.conditions[?(@.type==\"Ready\"]", ".a[x:y]"] {
            XCTAssertThrowsError(try JSONPath(path), path)
        }
    }
}
