/// Runs a router on `127.0.0.1` at a free port, for tests here and in the modules built on this one.
///
///     let server = try await LoopbackTestServer.start(router)
///     defer { Task { await server.stop() } }   // or `await server.stop()` at the end
///     … curl \(server.baseURL)/healthz …
public struct LoopbackTestServer: Sendable {
    public let server: HTTPServer
    public let port: Int
    /// `http://127.0.0.1:<port>`, no trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static func start(
        _ router: Router, configuration: HTTPServerConfiguration = HTTPServerConfiguration()
    ) async throws(HTTPServerError) -> LoopbackTestServer {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, router: router)
        let port = try await server.start()
        return LoopbackTestServer(server: server, port: port)
    }

    /// Every request, whatever its method and path, goes to `handler`.
    public static func start(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: @escaping Router.Handler
    ) async throws(HTTPServerError) -> LoopbackTestServer {
        try await start(.catchAll(handler), configuration: configuration)
    }

    public func stop(grace: Duration = .seconds(1)) async {
        await server.shutdown(grace: grace)
    }
}
