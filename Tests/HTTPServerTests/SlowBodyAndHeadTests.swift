import HTTPServer
import XCTest

/// A body that stops arriving is answered 408; HEAD on a stream sends the head alone.
final class SlowBodyAndHeadTests: XCTestCase {
    func testBodyThatStopsArrivingGets408() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(500)
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let reply = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
            return try client.receiveUntilClosed()
        }
        await server.stop()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), reply)
    }

    func testBodyTrickledAByteAtATimeStillTimesOut() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .seconds(1)
        let server = try await LoopbackTestServer.start(basicRouter(), configuration: configuration)
        let reply = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
            let sender = Thread {
                for _ in 0..<100 {
                    guard client.send("x") else { return }
                    usleep(200_000)
                }
            }
            sender.start()
            return try client.receiveUntilClosed()
        }
        await server.stop()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), reply)
    }

    func testHeadOnAStreamRouteSendsHeadOnlyAndKeepsTheConnection() async throws {
        var router = basicRouter()
        router.get("/events") { _ in
            .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
                try await writer.write("data: never sent for HEAD\n\n")
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let (head, next) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("HEAD /events HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            var received = ""
            while !received.contains("hello") { received += String(decoding: try client.receive(), as: UTF8.self) }
            let parts = received.components(separatedBy: "\r\n\r\n")
            return (parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
        await server.stop()
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200 OK\r\n"), head)
        XCTAssertTrue(head.contains("Content-Type: text/event-stream"), head)
        XCTAssertTrue(next.hasPrefix("HTTP/1.1 200 OK\r\n"), "no body came before the next answer: \(next)")
        XCTAssertTrue(next.hasSuffix("hello"), next)
    }

    func testJSONHelperAndQueryParametersReachTheHandler() async throws {
        var router = Router()
        router.get("/api/v1/fabrics/{namespace}/{name}") { request in
            .json(["namespace": .string(request.pathParameters["namespace"] ?? ""), "name": .string(request.pathParameters["name"] ?? ""),
                   "watch": .string(request.query["watch"] ?? ""), "labels": .array(request.queryValues("l").map { .string($0) })])
        }
        let server = try await LoopbackTestServer.start(router)
        let output = try await curl(["-i", "\(server.baseURL)/api/v1/fabrics/ns/my%20fabric?watch=true&l=a&l=b"])
        await server.stop()
        XCTAssertTrue(output.stdout.contains("Content-Type: application/json"), output.stdout)
        XCTAssertTrue(output.stdout.hasSuffix(#"{"namespace":"ns","name":"my fabric","watch":"true","labels":["a","b"]}"#), output.stdout)
    }
}
