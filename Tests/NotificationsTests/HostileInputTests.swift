import Foundation
import XCTest
@testable import Notifications

/// Hostile input against the notification server: each is refused or closed and the server keeps answering.
final class HostileInputTests: XCTestCase {
    func testMalformedHugeEndlessAndHalfOpenInputLeaveTheServerResponsive() async throws {
        let running = try await RunningServer.start()
        defer { Task { await running.stop() } }
        let script = """
        import socket, sys, time
        port = int(sys.argv[1])
        def exchange(data, read=True):
            s = socket.create_connection(("127.0.0.1", port), timeout=20)
            try:
                s.sendall(data)
            except OSError:
                pass
            answer = b""
            if read:
                try:
                    answer = s.recv(200)
                except OSError as error:
                    answer = str(error).encode()
            s.close()
            return answer.split(b"\\r\\n")[0].decode(errors="replace")
        print("malformed:", exchange(b"GARBAGE / HTTP/9\\r\\n\\r\\n"))
        print("huge header:", exchange(b"GET /api/v1/fabrics HTTP/1.1\\r\\nHost: x\\r\\nX-Big: " + b"a" * (1024 * 1024) + b"\\r\\n\\r\\n"))
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.sendall(b"POST /api/v1/sources/refresh HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n")
        answer = b""
        try:
            for _ in range(4096):
                s.sendall(b"400\\r\\n" + b"z" * 1024 + b"\\r\\n")
        except OSError:
            pass
        try:
            answer = s.recv(200)
        except OSError as error:
            answer = str(error).encode()
        s.close()
        print("endless chunked:", answer.split(b"\\r\\n")[0].decode(errors="replace"))
        half_open = [socket.create_connection(("127.0.0.1", port)) for _ in range(500)]
        for h in half_open:
            h.sendall(b"GET /api/v1/fab")
        print("after half-open:", exchange(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"))
        for h in half_open:
            h.close()
        """
        let output = try await ExternalProcess.python(script, ["\(running.port)"], timeout: 120)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, output.stdout + output.stderr)
        XCTAssertTrue(lines[0].hasPrefix("malformed: HTTP/1.1 4"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("huge header: HTTP/1.1 431") || lines[1].hasPrefix("huge header: HTTP/1.1 4") || lines[1].contains("reset"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("endless chunked: HTTP/1.1 413") || lines[2].contains("reset") || lines[2].contains("Broken pipe"), lines[2])
        XCTAssertEqual(lines[3], "after half-open: HTTP/1.1 200 OK")
        let (status, _) = try await ExternalProcess.curl(["\(running.base)/api/v1/fabrics"])
        XCTAssertEqual(status, 200)
    }
}
