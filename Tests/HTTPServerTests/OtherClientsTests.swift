import HTTPServer
import XCTest

/// Python's http.client as a second independent client, and binding to IPv6 loopback.
final class OtherClientsTests: XCTestCase {
    func testPythonHTTPClientKeepsOneConnectionForGetPostAndHead() async throws {
        let server = try await LoopbackTestServer.start(basicRouter())
        let script = """
            import http.client, json
            c = http.client.HTTPConnection("127.0.0.1", \(server.port), timeout=30)
            out = []
            c.request("GET", "/hello"); r = c.getresponse(); out.append([r.status, r.read().decode()]); first = c.sock
            c.request("POST", "/echo", body=b"x" * 100000, headers={"Content-Type": "application/octet-stream"})
            r = c.getresponse(); out.append([r.status, len(r.read())])
            c.request("HEAD", "/hello"); r = c.getresponse(); out.append([r.status, r.getheader("Content-Length"), r.read().decode()])
            c.request("GET", "/missing"); r = c.getresponse(); out.append([r.status, json.loads(r.read())["error"]["code"]])
            out.append(c.sock is first)
            print(json.dumps(out))
            """
        let output = try await python(script)
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                       #"[[200, "hello"], [200, 100000], [200, "5", ""], [404, 404], true]"#)
    }

    func testPythonReadsAStreamIncrementallyAndUploadsChunked() async throws {
        var router = basicRouter()
        router.get("/watch") { _ in
            .stream(headers: ["Content-Type": "application/json"]) { writer in
                for index in 1...3 {
                    try await writer.write(#"{"type":"ADDED","n":\#(index)}"# + "\n")
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let server = try await LoopbackTestServer.start(router)
        let script = """
            import http.client, json
            c = http.client.HTTPConnection("127.0.0.1", \(server.port), timeout=30)
            c.request("GET", "/watch"); r = c.getresponse()
            events = [json.loads(line)["n"] for line in r]
            c.request("POST", "/echo", body=iter([b"ab", b"cd", b"ef"]), encode_chunked=True)
            r2 = c.getresponse()
            print(json.dumps([r.getheader("Transfer-Encoding"), events, r2.read().decode()]))
            """
        let output = try await python(script)
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines), #"["chunked", [1, 2, 3], "abcdef"]"#)
    }

    func testBindsIPv6LoopbackAndReportsThePort() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "::1", port: 0), router: basicRouter())
        let port = try await server.start()
        XCTAssertGreaterThan(port, 0)
        XCTAssertEqual(server.port, port)
        let output = try await curl(["-g", "http://[::1]:\(port)/hello"])
        await server.shutdown(grace: .seconds(1))
        XCTAssertEqual(output.stdout, "hello", output.stderr)
    }

    func testAllAddressesAcceptIPv4AndIPv6() async throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "::", port: 0), router: basicRouter())
        let port = try await server.start()
        let v4 = try await curl(["http://127.0.0.1:\(port)/hello"])
        let v6 = try await curl(["-g", "http://[::1]:\(port)/hello"])
        await server.shutdown(grace: .seconds(1))
        XCTAssertEqual(v4.stdout, "hello", v4.stderr)
        XCTAssertEqual(v6.stdout, "hello", v6.stderr)
    }

    func testSingleHandlerServerSeesEveryMethodAndPath() async throws {
        let server = try await LoopbackTestServer.start { request in
            .text("\(request.method) \(request.path) \(request.remoteAddress) \(request.body.count)")
        }
        let get = try await curl(["\(server.baseURL)/any/where"])
        let put = try await curl(["-X", "PUT", "--data-binary", "abc", "\(server.baseURL)/x"])
        await server.stop()
        XCTAssertEqual(get.stdout, "GET /any/where 127.0.0.1 0", get.stderr)
        XCTAssertEqual(put.stdout, "PUT /x 127.0.0.1 3", put.stderr)
    }

    func testPortInUseIsATypedError() async throws {
        let first = try await LoopbackTestServer.start(basicRouter())
        let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: first.port), router: basicRouter())
        do {
            try await second.start()
            XCTFail("bound a port already in use")
        } catch {
            XCTAssertEqual(error.code, "address-in-use")
        }
        await first.stop()
    }
}
