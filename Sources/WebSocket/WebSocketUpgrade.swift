import HTTPServer

/// The HTTP server's upgraded connection as a WebSocket transport.
public struct UpgradedConnectionTransport: WebSocketTransport {
    public let connection: UpgradedConnection

    public init(_ connection: UpgradedConnection) {
        self.connection = connection
    }

    public func read() async -> [UInt8]? {
        await connection.read()
    }

    public func write(_ bytes: [UInt8]) async -> Bool {
        do {
            try await connection.write(bytes)
            return true
        } catch {
            return false // the typed error has one meaning: closed
        }
    }

    public func tryWrite(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        switch connection.tryWrite(bytes) {
        case .accepted: .accepted
        case .wouldBlock(let buffered): .wouldBlock(bufferedBytes: buffered)
        case .closed: .closed
        }
    }

    /// The server queues a close frame past a full queue (up to 256 bytes), so a slow client
    /// still learns why it is cut off (1013).
    public func writeFinal(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        switch connection.writeFinal(bytes) {
        case .accepted: .accepted
        case .wouldBlock(let buffered): .wouldBlock(bufferedBytes: buffered)
        case .closed: .closed
        }
    }

    /// Sends what is queued and closes cleanly; a client that stopped reading is cut off after
    /// the server's `closeFlushTimeout`.
    public func close() {
        connection.close()
    }
}

extension WebSocketConnection {
    /// The answer to a WebSocket upgrade request on any route: `101` handing the connection to
    /// `handler` as a `WebSocketConnection`, or the handshake's error (400, 403, 405, 426).
    ///
    /// When `handler` returns, a connection still open is closed with 1000 and the close
    /// handshake is finished before the socket is released.
    public static func upgrade(
        _ request: HTTPRequest,
        options: WebSocketHandshakeOptions = WebSocketHandshakeOptions(),
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        handler: @escaping @Sendable (WebSocketConnection, HTTPRequest) async -> Void
    ) -> HTTPResponse {
        let result = WebSocketHandshake.evaluate(
            method: request.method.rawValue,
            httpVersion: request.httpVersion.description,
            headers: request.headers.fields.map { (name: $0.name, value: $0.value) },
            options: options
        )
        switch result {
        case .accept(let headers, _):
            return .upgrade(headers: HTTPHeaders(headers.map { ($0.name, $0.value) })) { upgraded in
                let connection = WebSocketConnection(transport: UpgradedConnectionTransport(upgraded), configuration: configuration)
                await handler(connection, request)
                connection.close(code: .normalClosure)
                // Reads on to the peer's close frame; messages after our close are dropped.
                for await _ in connection.messages {}
                _ = await connection.closed()
            }
        case .reject(let status, let reason, let headers):
            var response = HTTPResponse.error(status, reason)
            for header in headers { response.headers.add(header.name, header.value) }
            return response
        }
    }
}
