import HTTPServer
import Synchronization

/// Who may call: the bearer token (header, `token` query parameter or
/// `access_token` cookie), the Origin rule for cookie-authenticated writes,
/// and the CORS allow-list. Pure decisions over a request; the token never
/// appears in any message.
public struct AccessControl: Sendable {
    public enum Credential: Sendable, Equatable {
        case none
        case header
        case query
        case cookie
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        case denied(status: Int, code: String, message: String)
    }

    let token: [UInt8]?
    let corsOrigins: [String]

    public init(token: String?, corsOrigins: [String]) {
        self.token = token.map { Array($0.utf8) }
        self.corsOrigins = corsOrigins.map { $0.lowercased() }
    }

    public var requiresToken: Bool { token != nil }

    /// How the request proved itself, or nil when it offered a wrong token (or none where one is needed).
    public func credential(of request: HTTPRequest) -> Credential? {
        guard let token else { return Credential.none }
        if let header = request.headers["Authorization"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", AccessControl.constantTimeEqual(Array(parts[1].utf8), token) { return .header }
        }
        if let query = request.query["token"], AccessControl.constantTimeEqual(Array(query.utf8), token) { return .query }
        if let cookie = request.cookies["access_token"], AccessControl.constantTimeEqual(Array(cookie.utf8), token) { return .cookie }
        return nil
    }

    /// The whole check for one request to a protected route.
    public func decide(_ request: HTTPRequest) -> Decision {
        guard let credential = credential(of: request) else {
            return .denied(status: 401, code: "unauthorized", message: "a valid token is required (Authorization: Bearer, ?token= or the access_token cookie)")
        }
        // A browser sends the cookie with cross-site requests too: a write
        // proven by the cookie alone must come from our own page or an allowed origin.
        if credential == .cookie, request.method != .GET, request.method != .HEAD, !originMatches(request) {
            return .denied(status: 403, code: "forbidden", message: "a cookie-authenticated request needs an Origin of this host or an allowed origin")
        }
        return .allowed
    }

    /// The Origin names this host, or an allowed origin.
    public func originMatches(_ request: HTTPRequest) -> Bool {
        guard let origin = request.headers["Origin"]?.lowercased() else { return false }
        if corsOrigins.contains(origin) { return true }
        guard let host = request.headers["Host"]?.lowercased() else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// CORS response headers for an allowed cross-origin caller; none otherwise.
    public func corsHeaders(for request: HTTPRequest) -> [(String, String)] {
        guard let origin = request.headers["Origin"], corsOrigins.contains(origin.lowercased()) else { return [] }
        return [
            ("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"), ("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID"),
            ("Access-Control-Max-Age", "600"),
        ]
    }

    /// Compares every byte whatever the first difference, so timing tells nothing about the token.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}

/// Counts streaming clients (WebSocket and SSE) overall and per IP address.
public final class ClientLimiter: Sendable {
    public enum Admission: Sendable, Equatable {
        case admitted
        case tooManyClients
        case tooManyFromAddress
    }

    private struct State {
        var total = 0
        var byAddress: [String: Int] = [:]
    }

    private let maxClients: Int
    private let maxPerAddress: Int
    private let state = Mutex(State())

    /// `maxPerAddress` 0 means unlimited.
    public init(maxClients: Int, maxPerAddress: Int) {
        self.maxClients = maxClients
        self.maxPerAddress = maxPerAddress
    }

    public func admit(_ address: String) -> Admission {
        state.withLock { state in
            if state.total >= maxClients { return .tooManyClients }
            if maxPerAddress > 0, state.byAddress[address, default: 0] >= maxPerAddress { return .tooManyFromAddress }
            state.total += 1
            state.byAddress[address, default: 0] += 1
            return .admitted
        }
    }

    public func release(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    public var count: Int { state.withLock { $0.total } }
}
