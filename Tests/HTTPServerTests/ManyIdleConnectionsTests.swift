import Glibc
import HTTPServer
import XCTest

/// 2,000 connections that open and then send nothing (or half a head) do not stop the server answering others.
final class ManyIdleConnectionsTests: XCTestCase {
    func testTwoThousandHalfOpenConnectionsWhileANormalRequestSucceeds() async throws {
        let limit = raiseOpenFileLimit()
        try XCTSkipIf(limit < 4500, "open-file hard limit \(limit) is below what 2,000 connections on both ends need")
        var configuration = HTTPServerConfiguration()
        configuration.headerReadTimeout = .seconds(3)
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let port = server.port
        let clients = try await blocking { () -> [RawClient] in
            var clients: [RawClient] = []
            for index in 0..<2000 {
                let client = try RawClient(port: port)
                // Every other one sends half a request head and stops.
                if index % 2 == 1 { client.send("GET /hello HTTP/1.1\r\nHo") }
                clients.append(client)
            }
            return clients
        }
        try await waitUntil("the server to hold 2,000 connections") { server.server.openConnectionCount >= 2000 }
        try await assertServerAnswers(port: port)
        let output = try await curl(["\(server.baseURL)/hello"])
        XCTAssertEqual(output.stdout, "hello", output.stderr)
        // The half-sent heads get their 408 and are closed; the silent ones wait for the idle timeout.
        try await waitUntil("the 1,000 half-sent heads to time out") { server.server.openConnectionCount <= 1000 }
        let timedOut = try await blocking { try clients[1].receiveUntilClosed() }
        XCTAssertTrue(timedOut.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), timedOut)
        XCTAssertEqual(server.server.openConnectionCount, 1000)
        try await assertServerAnswers(port: port)
        withExtendedLifetime(clients) {}
        await server.stop()
    }

    func testStartingAServerRaisesTheOpenFileLimitToTheHardLimit() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let hard = limit.rlim_max
        // Lower the soft limit as a fresh process has it, then let the server raise it.
        limit.rlim_cur = min(1024, hard)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let server = try await LoopbackTestServer.start(basicRouter())
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        await server.stop()
        XCTAssertEqual(limit.rlim_cur, hard)
    }

    func testConnectionsBeyondTheCapGet503() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 3
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let port = server.port
        let held = try await blocking { try (0..<3).map { _ in try RawClient(port: port) } }
        try await waitUntil("three connections held") { server.server.openConnectionCount == 3 }
        let refused = try await blocking { try RawClient(port: port).receiveUntilClosed() }
        XCTAssertTrue(refused.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), refused)
        // A client that sends its request at once reads the 503 too, not a reset.
        let viaCurl = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/hello"])
        XCTAssertEqual(viaCurl.stdout, "503", viaCurl.stderr)
        withExtendedLifetime(held) {}
        await server.stop()
    }
}
