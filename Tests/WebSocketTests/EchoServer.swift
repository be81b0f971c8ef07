import HTTPServer
@testable import WebSocket

/// A real server on 127.0.0.1:0 whose `/ws` route echoes every message, closes with code N when
/// sent `close:N:reason`, and when sent `flood:SIZE` sends SIZE-byte messages with `trySend` until
/// the peer is slow, then closes with 1013.
enum EchoServer {
    static func start(
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        options: WebSocketHandshakeOptions = WebSocketHandshakeOptions(),
        server: HTTPServerConfiguration = HTTPServerConfiguration()
    ) async throws -> LoopbackTestServer {
        var router = Router()
        router.get("/ws") { request in
            WebSocketConnection.upgrade(request, options: options, configuration: configuration) { connection, _ in
                for await message in connection.messages {
                    if case .text(let text) = message, text.hasPrefix("close:") {
                        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
                        connection.close(code: WebSocketCloseCode(UInt16(parts[1]) ?? 1000), reason: parts.count > 2 ? parts[2] : "")
                        continue
                    }
                    if case .text(let text) = message, text.hasPrefix("flood:") {
                        let payload = String(repeating: "x", count: Int(text.dropFirst(6)) ?? 1024)
                        var sent = 0
                        while sent < 100_000, connection.trySend(text: payload) == .sent { sent += 1 }
                        connection.close(code: .tryAgainLater, reason: "slow")
                        continue
                    }
                    do {
                        try await connection.send(message)
                    } catch {
                        break
                    }
                }
            }
        }
        return try await LoopbackTestServer.start(router, configuration: server)
    }
}
