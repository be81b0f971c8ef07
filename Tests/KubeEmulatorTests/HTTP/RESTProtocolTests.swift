import XCTest
import FabricValue
@testable import KubeEmulator

/// The REST surface over real HTTP (URLSession): paths, codes, Status bodies, headers.
final class RESTProtocolTests: XCTestCase {
    func testCreateGetListAndErrorsOverHTTP() async throws {
        let harness = try await EmulatorHarness()
        let created = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: configMap("c"))
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.json.value(at: "metadata", "name"), "c")
        let got = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/c")
        XCTAssertEqual(got.status, 200)
        XCTAssertEqual(got.headers["content-type"], "application/json")
        let list = try await harness.request("GET", "/api/v1/configmaps")
        XCTAssertEqual(list.json["kind"], "ConfigMapList")
        let missing = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/nope")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.json, [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "configmaps \"nope\" not found",
            "reason": "NotFound", "details": ["name": "nope", "kind": "configmaps"], "code": 404,
        ])
        let again = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: configMap("c"))
        XCTAssertEqual(again.status, 409)
        XCTAssertEqual(again.json["reason"], "AlreadyExists")
        await harness.stop()
    }

    func testBadRequestsGetStatusErrors() async throws {
        let harness = try await EmulatorHarness()
        let invalidJSON = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", rawBody: Data("{nope".utf8))
        XCTAssertEqual(invalidJSON.status, 400)
        XCTAssertEqual(invalidJSON.json["reason"], "BadRequest")
        let wrongType = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", rawBody: Data("x".utf8), contentType: "text/plain")
        XCTAssertEqual(wrongType.status, 415)
        let unknown = try await harness.request("GET", "/apis/example.com/v1/widgets")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json["kind"], "Status")
        let method = try await harness.request("PUT", "/api/v1/namespaces/default/configmaps", body: configMap("c"))
        XCTAssertEqual(method.status, 405)
        XCTAssertEqual(method.json["reason"], "MethodNotAllowed")
        let patchType = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/c", body: [:], contentType: "application/json")
        XCTAssertEqual(patchType.status, 415)
        await harness.stop()
    }
}
