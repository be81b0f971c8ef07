import FabricSource
import FabricValue
import XCTest

/// How an issue is written for people and for notifications.
final class ValidationIssueFormatTests: XCTestCase {
    func testPrintsLikeACompilerAndEncodesForNotifications() {
        let issue = ValidationIssue(.invalidValue, at: SourceMark(file: "dc1/fabric.yaml", line: 8, column: 8),
                                    field: FieldPath("spec", "asn"), "must be between 1 and 4294967295, found 0")
        XCTAssertEqual(issue.description, "dc1/fabric.yaml:8:8: spec.asn: must be between 1 and 4294967295, found 0")
        XCTAssertEqual(issue.jsonValue, json(#"{"file":"dc1/fabric.yaml","line":8,"column":8,"path":"spec.asn","message":"must be between 1 and 4294967295, found 0"}"#))
        XCTAssertEqual(ValidationIssue(.notAnObject, at: SourceMark(file: "a.yaml", line: 1, column: 1), field: .root, "x").description,
                       "a.yaml:1:1: (document): x")
    }
}
