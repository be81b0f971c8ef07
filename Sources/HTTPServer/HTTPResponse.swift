import FabricValue

/// A response: a whole body, a chunked stream written over time, or a protocol upgrade.
public struct HTTPResponse: Sendable {
    public typealias StreamBody = @Sendable (HTTPStreamWriter) async throws -> Void
    public typealias UpgradeHandler = @Sendable (UpgradedConnection) async -> Void

    enum Kind: Sendable {
        case complete
        case stream(StreamBody)
        case upgrade(UpgradeHandler)
    }

    public var status: Int
    public var headers: HTTPHeaders
    /// The body of a complete response; ignored for streams and upgrades.
    public var body: [UInt8]
    var kind: Kind

    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.kind = .complete
    }

    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    public static func json(_ value: Value, status: Int = 200) -> HTTPResponse {
        json(bytes: JSONWriter.data(value), status: status)
    }

    public static func json(bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    /// A chunked response (close-delimited for HTTP/1.0 clients). The head is sent at once;
    /// `body` then writes through the writer and the response ends when it returns.
    /// If it throws, the connection is closed without the final chunk, so the client sees a truncated body.
    public static func stream(status: Int = 200, headers: HTTPHeaders = [:], body: @escaping StreamBody) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.kind = .stream(body)
        return response
    }

    /// Answers `101 Switching Protocols` with `headers`, then hands the raw connection to `handler`.
    /// The connection is closed when `handler` returns.
    public static func upgrade(headers: HTTPHeaders, handler: @escaping UpgradeHandler) -> HTTPResponse {
        var response = HTTPResponse(status: 101, headers: headers)
        response.kind = .upgrade(handler)
        return response
    }

    /// The server's own error answers: a short JSON body `{"error":{"code","message"}}`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body: Value = ["error": ["code": .int(Int64(status)), "message": .string(message)]]
        return json(body, status: status)
    }
}

/// Standard reason phrases; clients ignore them but people read them.
func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 101: return "Switching Protocols"
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 204: return "No Content"
    case 206: return "Partial Content"
    case 301: return "Moved Permanently"
    case 302: return "Found"
    case 304: return "Not Modified"
    case 307: return "Temporary Redirect"
    case 308: return "Permanent Redirect"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 406: return "Not Acceptable"
    case 408: return "Request Timeout"
    case 409: return "Conflict"
    case 410: return "Gone"
    case 411: return "Length Required"
    case 412: return "Precondition Failed"
    case 413: return "Content Too Large"
    case 414: return "URI Too Long"
    case 415: return "Unsupported Media Type"
    case 417: return "Expectation Failed"
    case 422: return "Unprocessable Content"
    case 426: return "Upgrade Required"
    case 429: return "Too Many Requests"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    case 505: return "HTTP Version Not Supported"
    default: return "Status \(status)"
    }
}
