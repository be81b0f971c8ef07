import Dispatch
import Glibc

/// Opens client connections: TCP connect, the opening handshake, then a `WebSocketConnection`
/// in the client role (frames masked, server frames required unmasked). For fabricsync's own
/// terminal client and load benchmark; `ws://` only (TLS is left to a proxy).
public enum WebSocketClient {
    public static func connect(
        host: String,
        port: Int,
        path: String = "/",
        headers: [(name: String, value: String)] = [],
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        timeout: Duration = .seconds(10)
    ) async throws(WebSocketClientError) -> WebSocketConnection {
        let request = HandshakeRequest(host: host, port: port, path: path, headers: headers, timeout: timeout)
        // Connecting and the handshake block, so they run off the cooperative pool.
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(Int32, [UInt8]), WebSocketClientError>, Never>) in
            DispatchQueue.global().async {
                do throws(WebSocketClientError) {
                    continuation.resume(returning: .success(try request.open()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        let (fd, leftover) = try outcome.get()
        return WebSocketConnection(transport: SocketTransport(fd: fd, initialBytes: leftover), configuration: configuration, role: .client)
    }
}

private struct HandshakeRequest: Sendable {
    var host: String
    var port: Int
    var path: String
    var headers: [(name: String, value: String)]
    var timeout: Duration

    /// A connected socket past the handshake, and any bytes the server sent after its 101 head.
    func open() throws(WebSocketClientError) -> (Int32, [UInt8]) {
        let fd = try connectSocket()
        do {
            let key = WebSocketClientHandshake.makeKey()
            try sendAll(fd, WebSocketClientHandshake.request(host: host, port: port, path: path, key: key, headers: headers))
            let (head, leftover) = try readHead(fd)
            try WebSocketClientHandshake.validate(responseHead: head, key: key)
            return (fd, leftover)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    private func connectSocket() throws(WebSocketClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw WebSocketClientError(code: "resolve", message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            // The timeouts bound the blocking connect and handshake; the transport then goes non-blocking.
            var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var noDelay: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno
            Glibc.close(fd)
        }
        throw WebSocketClientError(code: "connect", message: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(WebSocketClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else {
                throw WebSocketClientError(code: "send", message: "sending the handshake failed: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    private func readHead(_ fd: Int32) throws(WebSocketClientError) -> (String, [UInt8]) {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 64 * 1024 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count == 0 ? "connection closed" : String(cString: strerror(errno))
                throw WebSocketClientError(code: "handshake", message: "no handshake response: \(reason)")
            }
            let searchFrom = max(0, received.count - 3)
            received += buffer[0..<count]
            if let end = firstIndex(of: terminator, in: received, from: searchFrom) {
                return (String(decoding: received[..<end], as: UTF8.self), Array(received[(end + 4)...]))
            }
        }
        throw WebSocketClientError(code: "handshake", message: "handshake response head over 64 KiB")
    }

    private func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for index in start...(bytes.count - pattern.count) where bytes[index..<index + pattern.count].elementsEqual(pattern) {
            return index
        }
        return nil
    }
}
