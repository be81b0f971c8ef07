import Dispatch
import Glibc
import Synchronization

/// Opens client connections: TCP connect, the opening handshake, then a `WebSocketConnection`
/// in the client role (frames masked, server frames required unmasked). For fabricsync's own
/// terminal client and load benchmark; `ws://` only (TLS is left to a proxy).
///
/// Nothing blocks a thread (only name resolution, instant for addresses and `/etc/hosts`):
/// many clients can connect at once from the same process as the server they talk to.
public enum WebSocketClient {
    public static func connect(
        host: String,
        port: Int,
        path: String = "/",
        headers: [(name: String, value: String)] = [],
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        timeout: Duration = .seconds(10)
    ) async throws(WebSocketClientError) -> WebSocketConnection {
        let fd = try await connectSocket(host: host, port: port, timeout: timeout)
        let transport = SocketTransport(fd: fd)
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                transport.close() // makes the handshake's read end: reported as a timeout below
            } catch {
                return // cancelled: the handshake finished in time
            }
        }
        defer { timer.cancel() }
        do throws(WebSocketClientError) {
            let key = WebSocketClientHandshake.makeKey()
            guard await transport.write(WebSocketClientHandshake.request(host: host, port: port, path: path, key: key, headers: headers)) else {
                throw WebSocketClientError(code: "handshake", message: "connection closed while sending the handshake")
            }
            let (head, leftover) = try await readHead(transport, timeout: timeout)
            try WebSocketClientHandshake.validate(responseHead: head, key: key)
            transport.unread(leftover)
        } catch {
            transport.close()
            throw error
        }
        return WebSocketConnection(transport: transport, configuration: configuration, role: .client)
    }

    private static func readHead(_ transport: SocketTransport, timeout: Duration) async throws(WebSocketClientError) -> (String, [UInt8]) {
        var received: [UInt8] = []
        while received.count < 64 * 1024 {
            guard let bytes = await transport.read() else {
                throw WebSocketClientError(code: "handshake", message: "no handshake response within \(timeout) (connection closed or timed out)")
            }
            let searchFrom = max(0, received.count - 3)
            received += bytes
            if let end = headEnd(in: received, from: searchFrom) {
                return (String(decoding: received[..<end], as: UTF8.self), Array(received[(end + 4)...]))
            }
        }
        throw WebSocketClientError(code: "handshake", message: "handshake response head over 64 KiB")
    }

    /// Where `\r\n\r\n` starts.
    private static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in start...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func connectSocket(host: String, port: Int, timeout: Duration) async throws(WebSocketClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw WebSocketClientError(code: "resolve", message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        var addresses: [(family: Int32, type: Int32, proto: Int32, address: [UInt8])] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let entry = candidate {
            let info = entry.pointee
            addresses.append((info.ai_family, info.ai_socktype, info.ai_protocol,
                              Array(UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))))
            candidate = info.ai_next
        }
        freeaddrinfo(list)

        var lastError: Int32 = 0
        for entry in addresses {
            let fd = socket(entry.family, entry.type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), entry.proto)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            var noDelay: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let result = entry.address.withUnsafeBytes { raw in
                Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            if result == 0 { return fd }
            lastError = errno
            if lastError == EINPROGRESS {
                if await waitUntilWritable(fd, timeout: timeout) {
                    var socketError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                    if socketError == 0 { return fd }
                    lastError = socketError
                } else {
                    lastError = ETIMEDOUT
                }
            }
            Glibc.close(fd)
        }
        throw WebSocketClientError(code: "connect", message: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    /// Waits for a connecting socket to become writable (connected or failed), without a thread.
    private static func waitUntilWritable(_ fd: Int32, timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let queue = DispatchQueue(label: "fabricsync.websocket.connect")
            // Not Sendable in Dispatch's annotations; only cancelled, once, by whichever event comes first.
            nonisolated(unsafe) let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            let outcome = Once()
            source.setEventHandler {
                guard outcome.claim() else { return }
                source.cancel()
                continuation.resume(returning: true)
            }
            source.resume()
            let (seconds, attoseconds) = timeout.components
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))) {
                guard outcome.claim() else { return }
                source.cancel()
                continuation.resume(returning: false)
            }
        }
    }
}

/// True for the first caller only.
private final class Once: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
