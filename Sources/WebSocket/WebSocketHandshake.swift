/// What the server accepts in an opening handshake beyond RFC 6455's fixed rules.
public struct WebSocketHandshakeOptions: Sendable {
    /// Origins allowed to connect (e.g. `https://noc.example.com`), compared case-insensitively;
    /// nil allows any. A request without `Origin` (not a browser) is always allowed: the check
    /// exists against cross-site pages, which browsers always label.
    public var allowedOrigins: [String]?
    /// Subprotocols the server speaks, most preferred first; the first one the client also offers is chosen.
    public var subprotocols: [String]

    public init(allowedOrigins: [String]? = nil, subprotocols: [String] = []) {
        self.allowedOrigins = allowedOrigins
        self.subprotocols = subprotocols
    }
}

/// The outcome of an opening handshake: the 101 response's headers, or an error response.
public enum WebSocketHandshakeResult: Sendable {
    /// Answer `101 Switching Protocols` with `headers`.
    case accept(headers: [(name: String, value: String)], subprotocol: String?)
    /// Answer `status` with `reason` as the body and `headers` added (426 carries `Sec-WebSocket-Version`, 405 `Allow`).
    case reject(status: Int, reason: String, headers: [(name: String, value: String)])

    public var status: Int {
        switch self {
        case .accept: 101
        case .reject(let status, _, _): status
        }
    }
}

/// The server side of the opening handshake (RFC 6455 §4.2), a pure function of the request, so
/// any HTTP server can call it before handing the connection over.
public enum WebSocketHandshake {
    /// The GUID of RFC 6455 §1.3 that every accept value hashes with the client's key.
    static let magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `base64(SHA-1(key + GUID))`.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.digest(Array((key + magic).utf8)))
    }

    /// Judges an upgrade request. `httpVersion` is as on the request line (`HTTP/1.1`); header
    /// names match case-insensitively and repeated headers count as one comma-separated list.
    public static func evaluate(
        method: String,
        httpVersion: String,
        headers: some Sequence<(name: String, value: String)>,
        options: WebSocketHandshakeOptions = WebSocketHandshakeOptions()
    ) -> WebSocketHandshakeResult {
        let fields = Array(headers)
        func values(_ name: String) -> [String] {
            fields.filter { lowercasedASCII($0.name) == name }.map(\.value)
        }
        func tokens(_ name: String) -> [String] {
            values(name).flatMap { $0.split(separator: ",") }.map { lowercasedASCII(trimmed(Substring($0))) }
        }
        func reject(_ status: Int, _ reason: String, _ extra: [(name: String, value: String)] = []) -> WebSocketHandshakeResult {
            .reject(status: status, reason: reason, headers: extra)
        }

        guard method == "GET" else {
            return reject(405, "a WebSocket handshake must be a GET request", [("Allow", "GET")])
        }
        guard isAtLeastHTTP11(httpVersion) else {
            return reject(400, "a WebSocket handshake needs HTTP/1.1 or later")
        }
        guard tokens("upgrade").contains("websocket") else {
            return reject(400, "missing 'Upgrade: websocket'")
        }
        guard tokens("connection").contains("upgrade") else {
            return reject(400, "'Connection' must contain the 'upgrade' token")
        }
        let versions = values("sec-websocket-version").map { trimmed(Substring($0)) }
        guard versions == ["13"] else {
            return reject(426, "only WebSocket version 13 is supported", [("Sec-WebSocket-Version", "13")])
        }
        let keys = values("sec-websocket-key").map { trimmed(Substring($0)) }
        guard keys.count == 1, let key = keys.first, let nonce = Base64.decode(key), nonce.count == 16 else {
            return reject(400, "'Sec-WebSocket-Key' must be the base64 of 16 bytes")
        }
        if let allowed = options.allowedOrigins, let origin = values("origin").first {
            let normalized = normalizedOrigin(origin)
            guard allowed.contains(where: { normalizedOrigin($0) == normalized }) else {
                return reject(403, "origin '\(origin)' is not allowed")
            }
        }

        var response: [(name: String, value: String)] = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", acceptValue(forKey: key)),
        ]
        let offered = values("sec-websocket-protocol").flatMap { $0.split(separator: ",") }.map { trimmed($0) }
        let chosen = options.subprotocols.first { offered.contains($0) }
        if let chosen { response.append(("Sec-WebSocket-Protocol", chosen)) }
        return .accept(headers: response, subprotocol: chosen)
    }

    private static func isAtLeastHTTP11(_ version: String) -> Bool {
        guard version.hasPrefix("HTTP/") else { return false }
        let numbers = version.dropFirst(5).split(separator: ".", omittingEmptySubsequences: false)
        guard let major = numbers.first.flatMap({ Int($0) }) else { return false }
        let minor = numbers.count > 1 ? Int(numbers[1]) ?? -1 : 0
        return major > 1 || (major == 1 && minor >= 1)
    }

    private static func normalizedOrigin(_ origin: String) -> String {
        var value = lowercasedASCII(trimmed(Substring(origin)))
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}

func trimmed(_ text: Substring) -> String {
    String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
}

/// Lowercases A–Z only: header names and tokens are ASCII, and Unicode case rules must not apply.
func lowercasedASCII(_ text: String) -> String {
    String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}
