import XCTest
@testable import Notifications

/// `--max-clients` (503) and `--max-clients-per-ip` (429), counted over WebSocket and SSE clients together.
final class ClientLimitTests: XCTestCase {
    /// Holds SSE streams open with curl until the test ends.
    func holdStreams(_ count: Int, _ running: RunningServer) async throws -> [ExternalProcess.Started] {
        var held: [ExternalProcess.Started] = []
        for _ in 0..<count { held.append(try ExternalProcess.start("/usr/bin/curl", ["-sN", "--max-time", "20", "\(running.base)/api/v1/events"])) }
        for _ in 0..<500 where running.server.sseClientCount < count { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(running.server.sseClientCount, count)
        return held
    }

    func testPastMaxClientsTheServerAnswers503() async throws {
        let running = try await RunningServer.start { $0.maxClients = 2; $0.maxClientsPerIP = 0 }
        defer { Task { await running.stop() } }
        let held = try await holdStreams(2, running)
        defer { held.forEach { $0.terminate() } }
        let sse = try await ExternalProcess.curl(["--max-time", "5", "\(running.base)/api/v1/events"])
        XCTAssertEqual(sse.status, 503)
        XCTAssertEqual(sse.body.json?["error"]?["code"], "too_many_clients")
        let script = WebSocketProtocolTests.prelude + """
        async def main():
            try:
                async with websockets.connect(url) as ws:
                    print("open")
            except websockets.exceptions.InvalidStatus as error:
                print(error.response.status_code)
        asyncio.run(main())
        """
        let ws = try await ExternalProcess.python(script, ["\(running.port)"])
        XCTAssertEqual(ws.stdout, "503\n", ws.stderr)
    }

    func testPastThePerAddressLimitTheServerAnswers429AndAFreedSlotIsReused() async throws {
        let running = try await RunningServer.start { $0.maxClientsPerIP = 1; $0.sseHeartbeat = .milliseconds(200) }  // a write is what notices a reader gone
        defer { Task { await running.stop() } }
        let held = try await holdStreams(1, running)
        let refused = try await ExternalProcess.curl(["--max-time", "5", "\(running.base)/api/v1/events"]).status
        XCTAssertEqual(refused, 429)
        held.forEach { $0.terminate() }
        for _ in 0..<500 where running.server.sseClientCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let again = try await ExternalProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", "\(running.base)/api/v1/events"])
        XCTAssertEqual(again.stdout, "200")
    }
}
