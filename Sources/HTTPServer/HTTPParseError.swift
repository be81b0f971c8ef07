/// Why a request could not be read, with the status the server answers before it closes the connection.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status) \(message)" }

    static func badRequest(_ message: String) -> HTTPParseError { HTTPParseError(status: 400, message: message) }
    static func contentTooLarge(_ message: String) -> HTTPParseError { HTTPParseError(status: 413, message: message) }
    static func uriTooLong(_ message: String) -> HTTPParseError { HTTPParseError(status: 414, message: message) }
    static func headersTooLarge(_ message: String) -> HTTPParseError { HTTPParseError(status: 431, message: message) }
    static func notImplemented(_ message: String) -> HTTPParseError { HTTPParseError(status: 501, message: message) }
    static func versionNotSupported(_ message: String) -> HTTPParseError { HTTPParseError(status: 505, message: message) }
}

/// The sizes past which a request is refused. Defaults follow common servers' choices.
public struct HTTPLimits: Sendable, Equatable {
    /// Request line without its CRLF; longer gets 414.
    public var maxRequestLineBytes = 8 * 1024
    /// All header lines together; larger gets 431.
    public var maxHeaderBytes = 64 * 1024
    /// Number of header fields; more gets 431.
    public var maxHeaderFields = 100
    /// Body size unless the route sets its own; larger gets 413.
    public var maxBodyBytes = 1024 * 1024
    /// One chunk-size line with its extensions; longer gets 400.
    public var maxChunkLineBytes = 4 * 1024

    public init() {}
}
