import XCTest
@testable import Notifications

/// `--auth-token-file`: the token from a header, a query parameter or a cookie; open health
/// endpoints; the Origin rule for cookie-authenticated writes; CORS.
final class AuthenticationTests: XCTestCase {
    let token = "s3cret-token"

    func start(_ configure: (inout NotificationServerOptions) -> Void = { _ in }) async throws -> RunningServer {
        try await RunningServer.start { options in
            options.authToken = token
            configure(&options)
        }
    }

    func testWithoutATokenEveryAPIEndpointAnswers401() async throws {
        let running = try await start()
        defer { Task { await running.stop() } }
        for path in ["/api/v1/fabrics", "/api/v1/fabrics/hedgehog/dc1", "/api/v1/events", "/metrics", "/", "/api/v1/ws"] {
            let (status, body) = try await ExternalProcess.curl(["\(running.base)\(path)"])
            XCTAssertEqual(status, 401, path)
            XCTAssertEqual(body.json?["error"]?["code"], "unauthorized", path)
            XCTAssertFalse(body.contains(token))
        }
        let (wrong, _) = try await ExternalProcess.curl(["-H", "Authorization: Bearer nope", "\(running.base)/api/v1/fabrics"])
        XCTAssertEqual(wrong, 401)
    }

    func testHealthAndReadinessStayOpen() async throws {
        let running = try await start()
        defer { Task { await running.stop() } }
        let health = try await ExternalProcess.curl(["\(running.base)/healthz"]).status
        let ready = try await ExternalProcess.curl(["\(running.base)/readyz"]).status
        XCTAssertEqual(health, 200)
        XCTAssertEqual(ready, 200)
    }

    func testTheTokenIsAcceptedFromHeaderQueryAndCookie() async throws {
        let running = try await start()
        defer { Task { await running.stop() } }
        let header = try await ExternalProcess.curl(["-H", "Authorization: Bearer \(token)", "\(running.base)/api/v1/fabrics"]).status
        let query = try await ExternalProcess.curl(["\(running.base)/api/v1/fabrics?token=\(token)"]).status
        let cookie = try await ExternalProcess.curl(["--cookie", "access_token=\(token)", "\(running.base)/api/v1/fabrics"]).status
        XCTAssertEqual([header, query, cookie], [200, 200, 200])
    }

    func testAWebSocketAuthenticatesWithTheTokenQueryParameter() async throws {
        let running = try await start()
        defer { Task { await running.stop() } }
        let script = WebSocketProtocolTests.prelude + """
        async def main():
            try:
                async with websockets.connect(url) as ws:
                    print("no token: open")
            except websockets.exceptions.InvalidStatus as error:
                print("no token:", error.response.status_code)
            async with websockets.connect(url + "?token=" + sys.argv[2]) as ws:
                print("token:", (await recv(ws))["type"])
        asyncio.run(main())
        """
        let output = try await ExternalProcess.python(script, ["\(running.port)", token])
        XCTAssertEqual(output.stdout, "no token: 401\ntoken: connection_ack\n", output.stderr)
    }

    func testACookieAuthenticatedPostNeedsAMatchingOrigin() async throws {
        let running = try await start { $0.corsOrigins = ["https://noc.example.com"] }
        defer { Task { await running.stop() } }
        let url = "\(running.base)/api/v1/fabrics/hedgehog/dc1/sync"
        let noOrigin = try await ExternalProcess.curl(["-X", "POST", "--cookie", "access_token=\(token)", url])
        XCTAssertEqual(noOrigin.status, 403)
        XCTAssertEqual(noOrigin.body.json?["error"]?["code"], "forbidden")
        let crossSite = try await ExternalProcess.curl(["-X", "POST", "--cookie", "access_token=\(token)", "-H", "Origin: https://evil.example", url]).status
        XCTAssertEqual(crossSite, 403)
        let sameHost = try await ExternalProcess.curl(["-X", "POST", "--cookie", "access_token=\(token)", "-H", "Origin: http://127.0.0.1:\(running.port)", url]).status
        XCTAssertEqual(sameHost, 202)
        let allowed = try await ExternalProcess.curl(["-X", "POST", "--cookie", "access_token=\(token)", "-H", "Origin: https://noc.example.com", url]).status
        XCTAssertEqual(allowed, 202)
        // A bearer header cannot be sent cross-site without CORS consent, so it needs no Origin.
        let bearer = try await ExternalProcess.curl(["-X", "POST", "-H", "Authorization: Bearer \(token)", url]).status
        XCTAssertEqual(bearer, 202)
        XCTAssertEqual(running.directory.syncRequests.withLock { $0.count }, 3)
    }

    func testCORSPreflightAndHeadersOnlyForAllowedOrigins() async throws {
        let running = try await start { $0.corsOrigins = ["https://noc.example.com"] }
        defer { Task { await running.stop() } }
        let preflight = try await ExternalProcess.run("/usr/bin/curl", ["-s", "-i", "-X", "OPTIONS", "-H", "Origin: https://noc.example.com",
                                                                  "-H", "Access-Control-Request-Method: POST", "\(running.base)/api/v1/fabrics/hedgehog/dc1/sync"])
        XCTAssertTrue(preflight.stdout.hasPrefix("HTTP/1.1 204"), preflight.stdout)
        XCTAssertTrue(preflight.stdout.contains("Access-Control-Allow-Origin: https://noc.example.com"), preflight.stdout)
        XCTAssertTrue(preflight.stdout.contains("Access-Control-Allow-Headers: Authorization"), preflight.stdout)
        let refused = try await ExternalProcess.curl(["-X", "OPTIONS", "-H", "Origin: https://evil.example", "\(running.base)/api/v1/fabrics"]).status
        XCTAssertEqual(refused, 403)
        let get = try await ExternalProcess.run("/usr/bin/curl", ["-s", "-i", "-H", "Origin: https://noc.example.com", "-H", "Authorization: Bearer \(token)", "\(running.base)/api/v1/fabrics"])
        XCTAssertTrue(get.stdout.contains("Access-Control-Allow-Origin: https://noc.example.com"), get.stdout)
    }

    func testMetricsListenServesMetricsApartWithoutTheToken() async throws {
        let running = try await start { options in
            options.metricsHost = "127.0.0.1"
            options.metricsPort = 0
        }
        defer { Task { await running.stop() } }
        let port = try XCTUnwrap(running.metricsPort)
        let apart = try await ExternalProcess.curl(["http://127.0.0.1:\(port)/metrics"])
        XCTAssertEqual(apart.status, 200)
        XCTAssertTrue(apart.body.contains("fabricsync_queue_depth"))
        let main = try await ExternalProcess.curl(["\(running.base)/metrics"]).status
        XCTAssertEqual(main, 401)
    }

    func testTokensCompareInConstantTimeAndExactly() {
        XCTAssertTrue(AccessControl.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        XCTAssertFalse(AccessControl.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        XCTAssertFalse(AccessControl.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        XCTAssertFalse(AccessControl.constantTimeEqual(Array("".utf8), Array("a".utf8)))
    }
}
