/// The one I/O edge of the Kubernetes client: sends HTTP requests to one
/// cluster's API server. `CurlTransport` is the real one; tests may put a
/// recording transport in its place to see the requests the client makes.
public protocol HTTPTransport: Sendable {
    /// Sends a request and collects the whole response.
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse
    /// Sends a request and delivers the response as it arrives: first its head,
    /// then body chunks as the server writes them (a watch). Ending the
    /// iteration (or cancelling the iterating task) aborts the transfer.
    func stream(_ request: TransportRequest) -> TransportStream
}

/// An HTTP request as the transport sends it. The URL is absolute.
public struct TransportRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]?
    /// The whole exchange must end within this (ignored by `stream`, whose
    /// length is the server's business); `nil` means no limit.
    public var timeout: Duration?
    /// A client certificate for this request instead of the transport's own
    /// (an exec credential plugin may hand out short-lived certificates).
    public var clientIdentity: ClientIdentity?

    public init(method: String, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil, timeout: Duration? = nil,
                clientIdentity: ClientIdentity? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.clientIdentity = clientIdentity
    }
}

/// A PEM client certificate (chain) and its key.
public struct ClientIdentity: Sendable, Equatable {
    public var certificatePEM: [UInt8]
    public var keyPEM: [UInt8]

    public init(certificatePEM: [UInt8], keyPEM: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}

/// The status line and header fields of a response.
public struct ResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders

    public init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }
}

public struct TransportResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Header fields in the order received; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field of that name with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.lowercased() == name.lowercased() }
    }

    /// The first value of the field, if any.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Why a request got no HTTP response (an HTTP error status is not a transport error).
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The server's certificate was not trusted (wrong CA, wrong name, expired).
        case tlsVerification
        /// The TLS handshake failed otherwise (e.g. the server refused our client certificate).
        case tlsHandshake
        /// Our own TLS material is unusable (bad PEM, key not matching the certificate).
        case tlsConfiguration
        /// Could not connect, or the connection broke.
        case connection
        case timeout
        case cancelled
        case responseTooLarge
        case invalidRequest
        case other
    }

    public var kind: Kind
    /// libcurl's CURLcode when the error came from libcurl, else 0.
    public var code: Int
    public var message: String

    public init(kind: Kind, code: Int = 0, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
