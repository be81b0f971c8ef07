import KubeClient
import XCTest

/// The server's Status is kept whole in the error value.
final class KubeStatusTests: XCTestCase {
    func testDecodesReasonCodeMessageCausesAndDetails() {
        let body = #"""
            {"kind":"Status","apiVersion":"v1","status":"Failure","message":"Switch.wiring.githedgehog.com \"s1\" is invalid: spec.asn: Invalid value: -1",
             "reason":"Invalid","code":422,"details":{"name":"s1","group":"wiring.githedgehog.com","kind":"Switch",
             "causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1","field":"spec.asn"}]}}
            """#
        let status = KubeStatus(response: TransportResponse(status: 422, body: Array(body.utf8)))
        XCTAssertEqual(status.code, 422)
        XCTAssertEqual(status.reason, "Invalid")
        XCTAssertTrue(status.isInvalid)
        XCTAssertEqual(status.name, "s1")
        XCTAssertEqual(status.kind, "Switch")
        XCTAssertEqual(status.group, "wiring.githedgehog.com")
        XCTAssertEqual(status.causes, [KubeStatus.Cause(reason: "FieldValueInvalid", message: "Invalid value: -1", field: "spec.asn")])
        XCTAssertEqual(status.description, "Invalid (422): Switch.wiring.githedgehog.com \"s1\" is invalid: spec.asn: Invalid value: -1\n  spec.asn: Invalid value: -1")
    }

    func testABodyThatIsNoStatusBecomesTheMessage() {
        let cases: [(Int, String, String, String)] = [
            (502, "<html>Bad Gateway</html>", "", "<html>Bad Gateway</html>"),
            (404, "", "NotFound", "the server answered 404 with no explanation"),
            (503, "{\"not\":\"a status\"}", "ServiceUnavailable", "{\"not\":\"a status\"}"),
        ]
        for (code, body, reason, message) in cases {
            let status = KubeStatus(response: TransportResponse(status: code, body: Array(body.utf8)))
            XCTAssertEqual(status.code, code)
            XCTAssertEqual(status.reason, reason, body)
            XCTAssertEqual(status.message, message)
        }
    }

    func testRetryAfterComesFromDetailsOrTheHeader() {
        let withDetails = KubeStatus(response: TransportResponse(status: 429, body: Array(#"{"kind":"Status","code":429,"reason":"TooManyRequests","details":{"retryAfterSeconds":2}}"#.utf8)))
        XCTAssertEqual(withDetails.retryAfterSeconds, 2)
        let withHeader = KubeStatus(response: TransportResponse(status: 429, headers: ["Retry-After": "5"], body: []))
        XCTAssertEqual(withHeader.retryAfterSeconds, 5)
    }

    func testPredicates() {
        XCTAssertTrue(KubeStatus(code: 410, reason: "Expired").isGone)
        XCTAssertTrue(KubeStatus(code: 409, reason: "AlreadyExists").isAlreadyExists)
        XCTAssertFalse(KubeStatus(code: 409, reason: "AlreadyExists").isConflict)
        XCTAssertTrue(KubeStatus(code: 409, reason: "Conflict").isConflict)
        XCTAssertTrue(KubeStatus(code: 404, reason: "NotFound").isNotFound)
    }
}
