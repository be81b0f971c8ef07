import XCTest
import FabricValue
@testable import KubeEmulator

/// Label and field selectors, table-driven.
final class SelectorTests: XCTestCase {
    func testLabelSelectorsMatchAsTheAPIDoes() throws {
        let labels = ["app": "fabricsync", "tier": "control", "fabric.githedgehog.com/name": "dc1"]
        let cases: [(String, Bool)] = [
            ("", true),
            ("app=fabricsync", true),
            ("app==fabricsync", true),
            ("app!=fabricsync", false),
            ("app!=other", true),
            ("missing!=x", true),
            ("tier in (control, data)", true),
            ("tier in (data)", false),
            ("tier notin (data)", true),
            ("missing notin (data)", true),
            ("tier notin (control)", false),
            ("fabric.githedgehog.com/name", true),
            ("missing", false),
            ("!missing", true),
            ("!app", false),
            ("app=fabricsync,tier in (control),!missing", true),
            ("app=fabricsync,tier=data", false),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try LabelSelector(parsing: text).matches(labels), expected, text)
        }
    }

    func testMalformedLabelSelectorsAreBadRequests() {
        for text in ["a in b", "a=(", "a b c", "a in (x y)"] {
            assertAPIError(try LabelSelector(parsing: text), code: 400, reason: "BadRequest")
        }
    }

    func testFieldSelectors() throws {
        let object: Value = ["metadata": ["name": "a", "namespace": "default"]]
        XCTAssertTrue(try FieldSelector(parsing: "metadata.name=a").matches(object))
        XCTAssertTrue(try FieldSelector(parsing: "metadata.name==a,metadata.namespace=default").matches(object))
        XCTAssertFalse(try FieldSelector(parsing: "metadata.name!=a").matches(object))
        assertAPIError(try FieldSelector(parsing: "spec.asn=1"), code: 400, reason: "BadRequest") { error in
            XCTAssertEqual(error.message, "field label not supported: spec.asn")
        }
    }
}
