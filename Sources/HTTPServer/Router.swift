/// Maps a method and a path to a handler. Patterns are `/`-separated segments: literal text,
/// `{name}` (one segment, percent-decoded into `pathParameters`), or a final `{name...}`
/// (the rest of the path, possibly empty). When several patterns match, the most specific wins:
/// at the first segment where they differ, literal beats `{name}` beats `{name...}`.
public struct Router: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse
    /// Runs on the event-loop thread without a task hop: it must not block or wait.
    public typealias InlineHandler = @Sendable (HTTPRequest) -> HTTPResponse

    public enum Action: Sendable {
        case async(Handler)
        case inline(InlineHandler)
    }

    public struct Route: Sendable {
        public let method: HTTPMethod
        public let pattern: String
        /// Overrides the server's default body limit for this route.
        public let bodyLimit: Int?
        public let action: Action
        let segments: [Segment]
    }

    public enum Match: Sendable {
        case found(Route, parameters: [String: String])
        case notFound
        case methodNotAllowed(allowed: [HTTPMethod])
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)

        var rank: Int {
            switch self {
            case .literal: return 0
            case .parameter: return 1
            case .rest: return 2
            }
        }
    }

    public private(set) var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: pattern, bodyLimit: bodyLimit, action: .async(handler), segments: Router.segments(of: pattern)))
    }

    public mutating func add(_ method: HTTPMethod, _ pattern: String, bodyLimit: Int? = nil, inline handler: @escaping InlineHandler) {
        routes.append(Route(method: method, pattern: pattern, bodyLimit: bodyLimit, action: .inline(handler), segments: Router.segments(of: pattern)))
    }

    /// A router that sends every request, whatever its method and path, to `handler`.
    public static func catchAll(_ handler: @escaping Handler) -> Router {
        var router = Router()
        for method in [HTTPMethod.GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS] { router.add(method, "/{path...}", handler) }
        return router
    }

    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add(.GET, pattern, handler) }
    public mutating func post(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) { add(.POST, pattern, bodyLimit: bodyLimit, handler) }
    public mutating func put(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) { add(.PUT, pattern, bodyLimit: bodyLimit, handler) }
    public mutating func patch(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) { add(.PATCH, pattern, bodyLimit: bodyLimit, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add(.DELETE, pattern, handler) }

    /// A HEAD request without a HEAD route is answered by the GET route, body left off.
    public func match(method: HTTPMethod, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (route: Route, parameters: [String: String])?
        var bestForGet: (route: Route, parameters: [String: String])?
        var allowed: [HTTPMethod] = []
        for route in routes {
            guard let parameters = Router.bind(route.segments, to: parts) else { continue }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == method {
                if best == nil || Router.isMoreSpecific(route.segments, than: best!.route.segments) { best = (route, parameters) }
            } else if method == .HEAD && route.method == .GET {
                if bestForGet == nil || Router.isMoreSpecific(route.segments, than: bestForGet!.route.segments) { bestForGet = (route, parameters) }
            }
        }
        if let chosen = best ?? bestForGet { return .found(chosen.route, parameters: chosen.parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
        return .methodNotAllowed(allowed: allowed)
    }

    static func segments(of pattern: String) -> [Segment] {
        pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return .literal(String(part)) }
            let name = part.dropFirst().dropLast()
            if name.hasSuffix("...") { return .rest(String(name.dropLast(3))) }
            return .parameter(String(name))
        }
    }

    private static func bind(_ segments: [Segment], to parts: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .rest(let name):
                parameters[name] = parts[min(index, parts.count)...].map { percentDecoded($0) }.joined(separator: "/")
                return parameters
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
            case .parameter(let name):
                guard index < parts.count else { return nil }
                parameters[name] = percentDecoded(parts[index])
            }
        }
        return segments.count == parts.count ? parameters : nil
    }

    private static func isMoreSpecific(_ a: [Segment], than b: [Segment]) -> Bool {
        for (x, y) in zip(a, b) where x.rank != y.rank { return x.rank < y.rank }
        return a.count > b.count
    }
}
