import FabricValue
import Foundation

/// A client for one cluster: its own transport, credentials, discovery cache,
/// rate limiter and retry policy. The controller holds one for its own cluster
/// and one per Fabric that names a target cluster.
public final class KubeClient: Sendable {
    public struct Options: Sendable {
        public var qps: Double
        public var burst: Int
        public var maximumInFlight: Int
        public var retry: RetryPolicy
        public var requestTimeout: Duration
        public var userAgent: String

        public init(qps: Double = 50, burst: Int = 100, maximumInFlight: Int = 32, retry: RetryPolicy = .default,
                    requestTimeout: Duration = .seconds(60), userAgent: String = "fabricsync") {
            self.qps = qps
            self.burst = burst
            self.maximumInFlight = maximumInFlight
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.userAgent = userAgent
        }
    }

    public let config: ClusterConfig
    public let options: Options
    public let discovery: DiscoveryCache
    /// Requests sent, by method and status (watches are not counted here).
    public let requestCounts = RequestCounts()
    let transport: any HTTPTransport
    let tokens: TokenSource
    let limiter: RequestLimiter

    /// - Parameter transport: nil makes a `CurlTransport` with the config's TLS settings.
    public init(config: ClusterConfig, options: Options = Options(), transport: (any HTTPTransport)? = nil) {
        self.config = config
        self.options = options
        let transport = transport ?? CurlTransport(options: .init(tls: config.tls))
        self.transport = transport
        let tokens = TokenSource(config.credentials)
        self.tokens = tokens
        let limiter = RequestLimiter(qps: options.qps, burst: options.burst, maximumInFlight: options.maximumInFlight)
        self.limiter = limiter
        let base = RequestSender(server: config.server, transport: transport, tokens: tokens, limiter: limiter, options: options, counts: requestCounts)
        self.discovery = DiscoveryCache { path in
            do {
                return try await base.json(.init(method: "GET", path: path))
            } catch let error as KubeError where error.isNotFound {
                return nil
            }
        }
        self.sender = base
    }

    let sender: RequestSender

    /// A raw API request with retries, limits and credentials; the body of a 2xx answer.
    public func send(_ request: APIRequest) async throws(KubeError) -> TransportResponse { try await sender.send(request) }

    /// Like `send`, decoding the answer as JSON.
    public func json(_ request: APIRequest) async throws(KubeError) -> Value { try await sender.json(request) }

    /// The resource serving `apiVersion`/`kind`, from discovery.
    public func resource(apiVersion: String, kind: String) async throws(KubeError) -> APIResource {
        do {
            return try await discovery.resource(for: GroupVersionKind(apiVersion: apiVersion, kind: kind))
        } catch let error as KubeError {
            throw error
        } catch let error as DiscoveryError {
            throw .discovery(error)
        } catch {
            throw .invalidResponse("\(error)")
        }
    }
}

/// One API request, as the client's operations build it.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var body: [UInt8]?
    public var contentType: String?
    /// nil: decided by the method (see `RetryPolicy.isIdempotent`).
    public var idempotent: Bool?
    public var retryConflicts: Bool

    public init(method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil,
                idempotent: Bool? = nil, retryConflicts: Bool = false) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.idempotent = idempotent
        self.retryConflicts = retryConflicts
    }

    func url(server: String) -> String {
        guard !query.isEmpty else { return server + path }
        return server + path + "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// Sends requests: credentials, limits and the retry loop.
struct RequestSender: Sendable {
    let server: String
    let transport: any HTTPTransport
    let tokens: TokenSource
    let limiter: RequestLimiter
    let options: KubeClient.Options
    let counts: RequestCounts

    func transportRequest(_ request: APIRequest, accept: String = "application/json") async throws(KubeError) -> TransportRequest {
        var headers = HTTPHeaders()
        headers.add("Accept", accept)
        headers.add("User-Agent", options.userAgent)
        if let contentType = request.contentType { headers.add("Content-Type", contentType) }
        let credential: (token: String?, identity: ClientIdentity?)
        do {
            credential = try await tokens.credential()
        } catch {
            throw .configuration(error)
        }
        if let token = credential.token { headers.add("Authorization", "Bearer \(token)") }
        return TransportRequest(method: request.method, url: request.url(server: server), headers: headers, body: request.body,
                                timeout: options.requestTimeout, clientIdentity: credential.identity)
    }

    func send(_ request: APIRequest) async throws(KubeError) -> TransportResponse {
        let idempotent = request.idempotent ?? RetryPolicy.isIdempotent(method: request.method)
        var attempt = 1
        var refreshedCredentials = false
        while true {
            let outcome: RetryPolicy.Outcome
            var failure: KubeError
            let prepared = try await transportRequest(request)
            do {
                let response = try await limiter.run { try await transport.send(prepared) }
                counts.record(method: request.method, status: response.status)
                if response.status < 400 { return response }
                if response.status == 401, !refreshedCredentials, case .exec = tokens.credentials {
                    // An exec token may have been revoked before its stated expiry: ask the plugin again, once.
                    refreshedCredentials = true
                    tokens.invalidate()
                    continue
                }
                outcome = .response(status: response.status, retryAfter: response.headers["Retry-After"])
                failure = .status(KubeStatus(response: response))
            } catch let error as TransportError {
                counts.record(method: request.method, status: 0)
                outcome = .transportFailure(error.kind)
                failure = .transport(error)
            } catch {
                // Only cancellation reaches here (the limiter's wait).
                throw .transport(TransportError(kind: .cancelled, message: "\(request.method) \(request.path): \(error)"))
            }
            let decision = options.retry.decide(outcome, attempt: attempt, idempotent: idempotent, retryConflicts: request.retryConflicts,
                                                random: Double.random(in: 0..<1))
            guard case .retry(let delay) = decision else { throw failure }
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw failure
            }
            attempt += 1
        }
    }

    func json(_ request: APIRequest) async throws(KubeError) -> Value {
        let response = try await send(request)
        do {
            return try JSONReader.parse(response.body)
        } catch {
            throw .invalidResponse("\(request.method) \(request.path): \(error)")
        }
    }
}
