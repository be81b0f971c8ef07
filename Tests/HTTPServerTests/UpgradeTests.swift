import HTTPServer
import XCTest

/// The upgrade hook: after 101 the raw connection belongs to the protocol handler, bytes both ways.
final class UpgradeTests: XCTestCase {
    private func uppercaseEchoRouter() -> Router {
        var router = basicRouter()
        router.get("/upgrade") { request in
            guard request.headers.containsToken("upgrade", in: "Connection"), request.headers["Upgrade"] == "shout" else {
                return .error(426, "upgrade to shout")
            }
            return .upgrade(headers: ["Upgrade": "shout", "Connection": "Upgrade"]) { connection in
                while let bytes = await connection.read() {
                    let shouted = bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
                    do { try await connection.write(shouted) } catch { return }
                }
            }
        }
        return router
    }

    func testUpgradedConnectionCarriesRawBytesBothWays() async throws {
        let server = try await LoopbackTestServer.start(uppercaseEchoRouter())
        let (head, first, second, rest) = try await blocking {
            let client = try RawClient(port: server.port)
            // The first protocol bytes ride in the same packet as the request.
            client.send("GET /upgrade HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhello")
            var received = ""
            while !received.contains("\r\n\r\nHELLO") { received += String(decoding: try client.receive(), as: UTF8.self) }
            let parts = received.components(separatedBy: "\r\n\r\n")
            client.send("again")
            var second = ""
            while second.count < 5 { second += String(decoding: try client.receive(), as: UTF8.self) }
            shutdown(client.fd, Int32(SHUT_WR))
            return (parts[0], parts[1], second, try client.receiveUntilClosed())
        }
        await server.stop()
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), head)
        XCTAssertTrue(head.contains("Upgrade: shout"), head)
        XCTAssertFalse(head.contains("Content-Length"), head)
        XCTAssertEqual(first, "HELLO")
        XCTAssertEqual(second, "AGAIN")
        XCTAssertEqual(rest, "", "the handler returned at end of input and the connection closed")
    }

    func testShutdownClosesUpgradedConnections() async throws {
        let server = try await LoopbackTestServer.start(uppercaseEchoRouter())
        let client = try await blocking { () -> RawClient in
            let client = try RawClient(port: server.port)
            client.send("GET /upgrade HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n")
            _ = try client.receive()
            return client
        }
        await server.stop(grace: .seconds(5))
        let rest = try await blocking { try client.receiveUntilClosed() }
        XCTAssertEqual(rest, "")
    }
}
