import XCTest
@testable import Notifications

/// Close codes seen by a raw-socket Python client that writes frames by hand.
final class WebSocketCloseCodeTests: XCTestCase {
    /// `open_ws(port)`: handshake; `send(sock, opcode, payload, mask, length)`: one frame;
    /// `close_code(sock, rest)`: reads frames until the server's close frame and answers its code.
    static let rawClient = """
    import base64, os, socket, struct, sys
    port = int(sys.argv[1])
    def open_ws(rcvbuf=None):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall(("GET /api/v1/ws HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                   f"Sec-WebSocket-Key: {key}\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n").encode())
        buf = b""
        while b"\\r\\n\\r\\n" not in buf:
            buf += s.recv(4096)
        head, rest = buf.split(b"\\r\\n\\r\\n", 1)
        assert b" 101 " in head.split(b"\\r\\n")[0], head
        return s, rest
    def send(s, opcode, payload, mask=True, length=None):
        n = len(payload) if length is None else length
        header = bytes([0x80 | opcode])
        m = 0x80 if mask else 0
        if n < 126: header += bytes([m | n])
        elif n < 65536: header += bytes([m | 126]) + struct.pack("!H", n)
        else: header += bytes([m | 127]) + struct.pack("!Q", n)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            header += key
        s.sendall(header + payload)
    def close_code(s, rest):
        buf = rest
        s.settimeout(20)
        while True:
            while len(buf) < 2:
                chunk = s.recv(65536)
                if not chunk: return "eof"
                buf += chunk
            n = buf[1] & 0x7F; off = 2
            if n == 126: n = struct.unpack("!H", buf[2:4])[0] if len(buf) >= 4 else None; off = 4
            elif n == 127: n = struct.unpack("!Q", buf[2:10])[0] if len(buf) >= 10 else None; off = 10
            if n is None or len(buf) < off + n:
                chunk = s.recv(65536)
                if not chunk: return "eof"
                buf += chunk
                continue
            opcode, payload, buf = buf[0] & 0x0F, buf[off:off + n], buf[off + n:]
            if opcode == 8:
                return struct.unpack("!H", payload[:2])[0]

    """

    func closeCode(after action: String, configure: (inout NotificationServerOptions) -> Void = { _ in }) async throws -> String {
        let running = try await RunningServer.start(configure)
        defer { Task { await running.stop() } }
        let script = Self.rawClient + """
        s, rest = open_ws()
        \(action)
        print(close_code(s, rest))
        """
        let output = try await ExternalProcess.python(script, ["\(running.port)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAMessageOverTheLimitIsClosedWith1009() async throws {
        let code = try await closeCode(after: #"send(s, 1, b"x" * 1024, length=1024 * 1024)"#)
        XCTAssertEqual(code, "1009")
    }

    func testAFrameHeaderClaiming2To63BytesIsRefused() async throws {
        // The 64-bit length's top bit must be 0 (RFC 6455 §5.2): a protocol error before any payload.
        let script = #"s.sendall(bytes([0x81, 0xFF]) + struct.pack("!Q", 1 << 63) + os.urandom(4))"#
        let code = try await closeCode(after: script)
        XCTAssertTrue(["1002", "1009"].contains(code), code)
    }

    func testAnUnmaskedClientFrameIsAProtocolError() async throws {
        let code = try await closeCode(after: #"send(s, 1, b'{"type":"ping"}', mask=False)"#)
        XCTAssertEqual(code, "1002")
    }

    func testInvalidUTF8InATextFrameIsClosedWith1007() async throws {
        let code = try await closeCode(after: #"send(s, 1, b"\xff\xfe not utf-8")"#)
        XCTAssertEqual(code, "1007")
    }

    func testShutdownClosesWith1001() async throws {
        let running = try await RunningServer.start()
        let script = Self.rawClient + """
        s, rest = open_ws()
        print("open", flush=True)
        print(close_code(s, rest))
        """
        let python = try ExternalProcess.startPython(script, ["\(running.port)"])
        for _ in 0..<500 where running.server.webSocketClientCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(running.server.webSocketClientCount, 1)
        await running.stop()
        let output = try await python.finish(timeout: 30)
        XCTAssertEqual(output.stdout.split(separator: "\n").last, "1001", output.stderr)
    }

    func testAClientSilentPastTheIdleTimeoutIsClosed() async throws {
        let code = try await closeCode(after: "pass") {
            $0.webSocket.pingInterval = .milliseconds(200)
            $0.webSocket.idleTimeout = .milliseconds(600)
        }
        // The raw client never answers pings, so the idle timeout ends it (going away).
        XCTAssertEqual(code, "1001")
    }
}
