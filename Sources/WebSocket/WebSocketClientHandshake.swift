/// The client side of the opening handshake (RFC 6455 §4.1), pure: the request to send and the
/// check of the server's answer. Used by `WebSocketClient` (the terminal client, load tests).
public enum WebSocketClientHandshake {
    /// A fresh `Sec-WebSocket-Key`: the base64 of 16 random bytes.
    public static func makeKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The request head for `path` (with its query) on `host:port`.
    public static func request(host: String, port: Int, path: String, key: String, headers: [(name: String, value: String)] = []) -> [UInt8] {
        var lines = [
            "GET \(path.isEmpty ? "/" : path) HTTP/1.1",
            "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)",
            "Sec-WebSocket-Version: 13",
        ]
        lines += headers.map { "\($0.name): \($0.value)" }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// Checks the server's response head (status line and headers, without the blank line):
    /// 101, `Upgrade: websocket`, `Connection: upgrade` and the accept value for `key`.
    public static func validate(responseHead: String, key: String) throws(WebSocketClientError) {
        let lines = responseHead.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first.map(String.init) ?? ""
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1.") else {
            throw WebSocketClientError(code: "bad-response", message: "not an HTTP/1.1 response: '\(statusLine)'")
        }
        guard statusParts[1] == "101" else {
            throw WebSocketClientError(code: "refused", message: "server answered '\(statusLine)' instead of 101")
        }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw WebSocketClientError(code: "bad-response", message: "malformed header line '\(line)'")
            }
            fields.append((lowercasedASCII(String(line[..<colon])), trimmed(line[line.index(after: colon)...])))
        }
        func tokens(_ name: String) -> [String] {
            fields.filter { $0.name == name }.flatMap { $0.value.split(separator: ",") }.map { lowercasedASCII(trimmed($0)) }
        }
        guard tokens("upgrade").contains("websocket"), tokens("connection").contains("upgrade") else {
            throw WebSocketClientError(code: "bad-response", message: "101 without 'Upgrade: websocket' and 'Connection: upgrade'")
        }
        let accept = fields.first { $0.name == "sec-websocket-accept" }?.value
        guard accept == WebSocketHandshake.acceptValue(forKey: key) else {
            throw WebSocketClientError(code: "bad-accept", message: "Sec-WebSocket-Accept does not match the key sent")
        }
    }
}

/// A client connection that could not be set up, with the system's or the server's reason.
public struct WebSocketClientError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
