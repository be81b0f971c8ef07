import FabricValue
import KubeClient
import XCTest

/// The libcurl transport's HTTP behaviour against python3's http.server on
/// loopback: methods and bodies, kept-alive connections, streamed bodies,
/// cancellation and timeouts.
final class CurlTransportTests: XCTestCase {
    private func plainServer() throws -> PythonHTTPSServer {
        let fixture = try TLSFixture.shared()
        let server = try PythonHTTPSServer(certificate: fixture.serverCertificate, key: fixture.serverKey, clientCA: nil, plainHTTP: true)
        addTeardownBlock { server.stop() }
        return server
    }

    private func url(_ server: PythonHTTPSServer, _ path: String) -> String { "http://127.0.0.1:\(server.port)\(path)" }

    func testSendsMethodHeadersAndBody() async throws {
        let server = try plainServer()
        let transport = CurlTransport()
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let request = TransportRequest(method: method, url: url(server, "/echo"),
                                           headers: ["Authorization": "Bearer abc", "Content-Type": "application/merge-patch+json"],
                                           body: Array(#"{"spec":{"x":1}}"#.utf8), timeout: .seconds(30))
            let response = try await transport.send(request)
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "application/json")
            let echoed = try JSONReader.parse(response.body)
            XCTAssertEqual(echoed["method"], .string(method))
            XCTAssertEqual(echoed["authorization"], .string("Bearer abc"))
            XCTAssertEqual(echoed["contentType"], .string("application/merge-patch+json"))
            XCTAssertEqual(echoed["body"], .string(#"{"spec":{"x":1}}"#))
        }
    }

    func testAnEmptyBodyIsSentAsAnEmptyBody() async throws {
        let server = try plainServer()
        let response = try await CurlTransport().send(TransportRequest(method: "POST", url: url(server, "/echo"), body: [], timeout: .seconds(30)))
        XCTAssertEqual(try JSONReader.parse(response.body)["body"], .string(""))
    }

    func testErrorStatusesAreResponsesWithTheirHeaders() async throws {
        let server = try plainServer()
        let response = try await CurlTransport().send(TransportRequest(method: "GET", url: url(server, "/status/429"), timeout: .seconds(30)))
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.headers["Retry-After"], "3")
    }

    func testSequentialRequestsReuseTheKeptAliveConnection() async throws {
        let server = try plainServer()
        let transport = CurlTransport()
        var ports: Set<Value> = []
        for _ in 0..<5 {
            let response = try await transport.send(TransportRequest(method: "GET", url: url(server, "/hello"), timeout: .seconds(30)))
            ports.insert(try JSONReader.parse(response.body)["port"] ?? .null)
        }
        XCTAssertEqual(ports.count, 1, "one client port means one connection: \(ports)")
    }

    func testAStreamDeliversBytesAsTheyArriveThenEnds() async throws {
        let server = try plainServer()
        var head: ResponseHead?
        var text = ""
        var chunks = 0
        for try await part in CurlTransport().stream(TransportRequest(method: "GET", url: url(server, "/stream"))) {
            switch part {
            case .head(let h): head = h
            case .body(let bytes):
                chunks += 1
                text += String(decoding: bytes, as: UTF8.self)
            }
        }
        XCTAssertEqual(head?.status, 200)
        XCTAssertEqual(text, (0..<5).map { #"{"n": \#($0)}"# + "\n" }.joined())
        XCTAssertGreaterThan(chunks, 1, "lines written 100 ms apart arrive as separate chunks")
    }

    func testLeavingAnEndlessStreamAbortsIt() async throws {
        let server = try plainServer()
        let stream = CurlTransport().stream(TransportRequest(method: "GET", url: url(server, "/forever")))
        var lines = 0
        for try await part in stream {
            if case .body(let bytes) = part { lines += bytes.filter { $0 == UInt8(ascii: "\n") }.count }
            if lines >= 2 { break }
        }
        stream.cancel()
        do {
            for try await _ in stream {}
            XCTFail("a cancelled stream ended normally")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .cancelled)
        }
    }

    func testCancellingTheTaskAbortsAStream() async throws {
        let server = try plainServer()
        let transport = CurlTransport()
        let started = expectation(description: "first bytes")
        let request = TransportRequest(method: "GET", url: url(server, "/forever"))
        let task = Task {
            var fulfilled = false
            for try await part in transport.stream(request) {
                if case .body = part, !fulfilled {
                    fulfilled = true
                    started.fulfill()
                }
            }
        }
        await fulfillment(of: [started], timeout: 30)
        task.cancel()
        let result = await task.result
        guard case .failure(let error as TransportError) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(error.kind, .cancelled)
    }

    func testATimeoutEndsASlowRequest() async throws {
        let server = try plainServer()
        do {
            _ = try await CurlTransport().send(TransportRequest(method: "GET", url: url(server, "/forever"), timeout: .milliseconds(300)))
            XCTFail("an endless response completed")
        } catch {
            XCTAssertEqual(error.kind, .timeout, error.description)
        }
    }

    func testARefusedConnectionIsAConnectionError() async throws {
        let server = try plainServer()
        server.stop()
        do {
            _ = try await CurlTransport().send(TransportRequest(method: "GET", url: url(server, "/hello"), timeout: .seconds(30)))
            XCTFail("connected to a stopped server")
        } catch {
            XCTAssertEqual(error.kind, .connection, error.description)
        }
    }
}

/// A stream that goes silent is ended, so a dead connection is noticed.
final class StreamIdleTimeoutTests: XCTestCase {
    func testASilentStreamEndsWithATimeout() async throws {
        let fixture = try TLSFixture.shared()
        let server = try PythonHTTPSServer(certificate: fixture.serverCertificate, key: fixture.serverKey, clientCA: nil, plainHTTP: true)
        addTeardownBlock { server.stop() }
        let transport = CurlTransport(options: .init(streamIdleTimeout: .seconds(1)))
        do {
            for try await _ in transport.stream(TransportRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/silent")) {}
            XCTFail("a silent stream ended normally")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .timeout, error.description)
        }
    }
}
