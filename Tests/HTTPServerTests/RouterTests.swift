import XCTest
@testable import HTTPServer

final class RouterTests: XCTestCase {
    private func router() -> Router {
        var router = Router()
        router.get("/api/v1/fabrics") { _ in .text("list") }
        router.get("/api/v1/fabrics/{namespace}/{name}") { _ in .text("one") }
        router.post("/api/v1/fabrics/{namespace}/{name}/sync") { _ in .text("sync") }
        router.get("/api/v1/fabrics/default/special") { _ in .text("special") }
        router.get("/files/{rest...}") { _ in .text("files") }
        return router
    }

    private func pattern(_ match: Router.Match) -> String? {
        if case .found(let route, _) = match { return route.pattern }
        return nil
    }

    func testMatchesLiteralAndParameterSegments() {
        let cases: [(HTTPMethod, String, String?)] = [
            (.GET, "/api/v1/fabrics", "/api/v1/fabrics"),
            (.GET, "/api/v1/fabrics/", "/api/v1/fabrics"),
            (.GET, "/api/v1/fabrics/ns/a", "/api/v1/fabrics/{namespace}/{name}"),
            (.GET, "/api/v1/fabrics/default/special", "/api/v1/fabrics/default/special"),
            (.POST, "/api/v1/fabrics/ns/a/sync", "/api/v1/fabrics/{namespace}/{name}/sync"),
            (.HEAD, "/api/v1/fabrics", "/api/v1/fabrics"),
            (.GET, "/files", "/files/{rest...}"),
            (.GET, "/files/a/b/c", "/files/{rest...}"),
            (.GET, "/nothing", nil),
            (.GET, "/api/v1/fabrics/ns", nil),
        ]
        let router = router()
        for (method, path, expected) in cases {
            XCTAssertEqual(pattern(router.match(method: method, path: path)), expected, "\(method) \(path)")
        }
    }

    func testDecodesParameters() {
        guard case .found(_, let parameters) = router().match(method: .GET, path: "/api/v1/fabrics/my%20ns/a%2Fb") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(parameters, ["namespace": "my ns", "name": "a/b"])
        guard case .found(_, let rest) = router().match(method: .GET, path: "/files/a/b%20c") else { return XCTFail("no match") }
        XCTAssertEqual(rest, ["rest": "a/b c"])
    }

    func testUnknownPathIsNotFoundAndWrongMethodListsAllowed() {
        let router = router()
        guard case .notFound = router.match(method: .GET, path: "/missing") else { return XCTFail("expected 404") }
        guard case .methodNotAllowed(let allowed) = router.match(method: .DELETE, path: "/api/v1/fabrics") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, [.GET, .HEAD])
        guard case .methodNotAllowed(let post) = router.match(method: .GET, path: "/api/v1/fabrics/a/b/sync") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(post, [.POST])
    }
}
