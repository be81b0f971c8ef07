import Foundation
import HTTPServer
import XCTest

/// curl, an independent client, talks to the server: keep-alive, chunked uploads, HTTP/1.0.
final class CurlClientTests: XCTestCase {
    private func echoRouter() -> Router {
        var router = Router()
        router.get("/hello") { _ in .text("hello") }
        router.add(.GET, "/inline", inline: { _ in .text("inline") })
        router.post("/echo") { request in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream", "X-Body-Length": "\(request.body.count)"], body: request.body)
        }
        return router
    }

    func testKeepAliveReusesOneConnectionForSeveralRequests() async throws {
        let server = try await LoopbackTestServer.start(echoRouter())
        let output = try await curl(["-v", "\(server.baseURL)/hello", "\(server.baseURL)/inline", "\(server.baseURL)/hello"])
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "helloinlinehello")
        XCTAssertTrue(output.stderr.contains("Re-using existing connection") || output.stderr.contains("Reusing existing"), output.stderr)
        XCTAssertEqual(output.stderr.components(separatedBy: "Connected to").count - 1, 1, "one TCP connection: \(output.stderr)")
    }

    func testChunkedUploadArrivesWhole() async throws {
        let server = try await LoopbackTestServer.start(echoRouter())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString)")
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(payload).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }  // temp file; leaving it is harmless
        let output = try await curl([
            "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
            "--data-binary", "@\(file.path)", "-D", "-", "-o", "/dev/null", "\(server.baseURL)/echo",
        ])
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("X-Body-Length: 200000"), output.stdout)
    }

    func testHTTP10ClientGetsItsAnswerAndTheConnectionCloses() async throws {
        let server = try await LoopbackTestServer.start(echoRouter())
        let output = try await curl(["--http1.0", "-v", "\(server.baseURL)/hello", "\(server.baseURL)/hello"])
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "hellohello")
        XCTAssertTrue(output.stderr.contains("HTTP/1.0"), output.stderr)
        XCTAssertFalse(output.stderr.contains("Re-using existing connection"), output.stderr)
    }

    func testHeadAnswersWithHeadersOnly() async throws {
        let server = try await LoopbackTestServer.start(echoRouter())
        let output = try await curl(["-I", "\(server.baseURL)/hello"])
        await server.stop()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.hasPrefix("HTTP/1.1 200 OK"), output.stdout)
        XCTAssertTrue(output.stdout.contains("Content-Length: 5"), output.stdout)
        XCTAssertTrue(output.stdout.contains("Date: "), output.stdout)
        XCTAssertTrue(output.stdout.contains("Server: fabricsync"), output.stdout)
    }
}
