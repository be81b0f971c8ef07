import HTTPServer
import XCTest
@testable import WebSocket

/// The server against Python's `websockets` client and a raw-socket client, over `EchoServer`.
final class InteropTests: XCTestCase {
    private static let maximumMessageSize = 4096

    private func startEchoServer(
        configuration: WebSocketConfiguration = WebSocketConfiguration(maximumMessageSize: maximumMessageSize),
        options: WebSocketHandshakeOptions = WebSocketHandshakeOptions(),
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) async throws -> LoopbackTestServer {
        try PythonClient.requireWebsockets()
        return try await EchoServer.start(configuration: configuration, options: options, server: server)
    }

    private func run(_ server: LoopbackTestServer, _ scenario: String, _ extra: String...) async throws -> [String: Any] {
        let reports = try await PythonClient.run(interopClientScript, [String(server.port), scenario] + extra)
        return try XCTUnwrap(reports.last, "\(scenario) reported nothing")
    }

    func testHandshakeAnswers101WithTheAcceptTheClientExpects() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "handshake")
        await server.stop()
        XCTAssertEqual(report["status"] as? String, "HTTP/1.1 101 Switching Protocols")
        XCTAssertEqual(report["accept"] as? String, report["expected"] as? String)
        XCTAssertEqual((report["upgrade"] as? String)?.lowercased(), "websocket")
    }

    func testAWrongVersionGets426NamingVersion13() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "badVersion")
        await server.stop()
        XCTAssertEqual((report["status"] as? String)?.hasPrefix("HTTP/1.1 426"), true, "\(report)")
        XCTAssertEqual(report["version"] as? String, "13")
    }

    func testEchoesTextAndBinaryInOrder() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "echo")
        await server.stop()
        XCTAssertEqual(report["inOrder"] as? Bool, true, "\(report)")
        XCTAssertEqual(report["count"] as? Int, 200)
        XCTAssertEqual(report["binaryEchoed"] as? Bool, true)
    }

    func testReassemblesAFragmentedMessage() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "fragmented")
        await server.stop()
        XCTAssertEqual(report["echo"] as? String, "fragmented ✓")
    }

    func testAnswersTheClientsPing() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "ping")
        await server.stop()
        XCTAssertEqual(report["pong"] as? Bool, true)
    }

    func testEchoesTheClientsCloseCode() async throws {
        let server = try await startEchoServer()
        let report = try await run(server, "clientClose")
        await server.stop()
        XCTAssertEqual(report["sentCode"] as? Int, 4000)
        XCTAssertEqual(report["receivedCode"] as? Int, 4000)
    }

    func testTheClientSeesTheServersCloseCodes() async throws {
        let server = try await startEchoServer()
        for code in [1000, 1001, 1008, 1011, 1013, 4001] {
            let report = try await run(server, "serverClose", String(code))
            XCTAssertEqual(report["code"] as? Int, code, "\(report)")
            XCTAssertEqual(report["reason"] as? String, "bye")
        }
        await server.stop()
    }

    func testClosesAnOversizeMessageWith1009() async throws {
        let server = try await startEchoServer()
        // Just over the limit, and far over it: the unread rest of a large message must not turn
        // the close into a reset that hides the 1009 from the client.
        for size in [Self.maximumMessageSize + 1, 8 << 20] {
            let report = try await run(server, "oversize", String(size))
            XCTAssertEqual(report["code"] as? Int, 1009, "\(size) bytes: \(report)")
        }
        await server.stop()
    }

    func testFailsHostileFramesWithTheRightCodeAndStaysUp() async throws {
        let server = try await startEchoServer()
        let cases: [(String, Int)] = [
            ("invalidUTF8", 1007),
            ("invalidUTF8Fragments", 1007),
            ("unmasked", 1002),
            ("hugeHeader", 1009),
            ("reservedBits", 1002),
            ("continuationFirst", 1002),
            ("badCloseCode", 1002),
        ]
        for (scenario, code) in cases {
            let report = try await run(server, scenario)
            XCTAssertEqual(report["code"] as? Int, code, "\(scenario): \(report)")
            XCTAssertEqual(report["tcpClosed"] as? Bool, true, scenario)
        }
        let after = try await run(server, "echo")
        await server.stop()
        XCTAssertEqual(after["inOrder"] as? Bool, true, "the server still serves after hostile clients")
    }

    func testRefusesAnOriginOutsideTheAllowList() async throws {
        let server = try await startEchoServer(options: WebSocketHandshakeOptions(allowedOrigins: ["https://noc.example.com"]))
        let refused = try await run(server, "origin", "https://evil.example.com")
        let allowed = try await run(server, "origin", "https://noc.example.com")
        await server.stop()
        XCTAssertEqual((refused["status"] as? String)?.hasPrefix("HTTP/1.1 403"), true, "\(refused)")
        XCTAssertEqual((allowed["status"] as? String)?.hasPrefix("HTTP/1.1 101"), true, "\(allowed)")
    }

    /// Timers shortened from the design's 30 s / 90 s so the test takes about a second.
    private let fastTimers = WebSocketConfiguration(pingInterval: .milliseconds(100), idleTimeout: .milliseconds(600), closeTimeout: .milliseconds(300))

    func testClosesAClientThatNeverAnswersPingsWith1001() async throws {
        let server = try await startEchoServer(configuration: fastTimers)
        let report = try await run(server, "silent")
        await server.stop()
        XCTAssertEqual(report["code"] as? Int, 1001, "\(report)")
        XCTAssertEqual(report["tcpClosed"] as? Bool, true)
    }

    func testKeepsAClientThatAnswersPingsPastTheIdleTimeout() async throws {
        let server = try await startEchoServer(configuration: fastTimers)
        let report = try await run(server, "keepalive", "1.5")
        await server.stop()
        XCTAssertEqual(report["echo"] as? String, "still here", "pongs alone keep the connection open")
    }

    func testASlowReaderIsReportedAndClosedWith1013AfterWhatWasQueued() async throws {
        // The reader stalls past the close deadline (but within the grace a waiting close frame
        // gets): the 1013 frame still follows the queued messages.
        let server = try await startEchoServer(configuration: WebSocketConfiguration(closeTimeout: .seconds(1)))
        let report = try await run(server, "stall", "1024", "1.5")
        await server.stop()
        XCTAssertEqual(report["code"] as? Int, 1013, "\(report)")
        XCTAssertEqual(report["tcpClosed"] as? Bool, true)
        XCTAssertGreaterThan(report["messages"] as? Int ?? 0, 0, "messages queued before the peer was found slow still arrive")
        XCTAssertLessThan(report["messages"] as? Int ?? .max, 100_000, "trySend must report the stalled peer long before the flood's bound")
    }

    func testAReaderStalledPastTheCloseTimeoutStillGets1013IfItResumesBeforeTheFlushDeadline() async throws {
        // The close frame goes past the full queue at once (`writeFinal`); the close handshake
        // times out after 1 s and the server closes its side, but the HTTP server keeps sending
        // the queue until its flush deadline (generous here), so the resumed reader gets it all.
        var http = HTTPServerConfiguration()
        http.closeFlushTimeout = .seconds(60)
        let server = try await startEchoServer(configuration: WebSocketConfiguration(closeTimeout: .seconds(1)), server: http)
        let report = try await run(server, "stall", "1024", "3")
        await server.stop()
        XCTAssertEqual(report["code"] as? Int, 1013, "\(report)")
        XCTAssertEqual(report["tcpClosed"] as? Bool, true)
        XCTAssertGreaterThan(report["messages"] as? Int ?? 0, 0, "messages queued before the close frame arrive first")
    }

    func testNegotiatesASubprotocolTheClientOffers() async throws {
        let server = try await startEchoServer(options: WebSocketHandshakeOptions(subprotocols: ["fabricsync.v1"]))
        let chosen = try await run(server, "subprotocol", "other,fabricsync.v1")
        let none = try await run(server, "subprotocol", "other")
        await server.stop()
        XCTAssertEqual(chosen["subprotocol"] as? String, "fabricsync.v1")
        XCTAssertTrue(none["subprotocol"] is NSNull, "no common subprotocol: the connection proceeds without one (\(none))")
    }
}
