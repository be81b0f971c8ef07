import FabricValue
import HTTPServer
import WebSocket

extension NotificationServer {
    func makeRouter() -> Router {
        var router = Router()
        router.add(.GET, "/healthz", inline: { _ in .text("ok\n") })
        router.get("/readyz") { [self] _ in await readiness() ? .text("ready\n") : Self.error(503, "not_ready", "the first reconcile round has not finished") }
        router.get("/metrics", protected { [self] _ in await metricsResponse() })
        router.get("/", protected { [self] request in statusPage(request) })
        router.get("/api/v1/ws", protected { [self] request in webSocket(request) })
        router.get("/api/v1/events", protected { [self] request in serverSentEvents(request) })
        router.get("/api/v1/fabrics", protected { [self] _ in
            let items = await directory.fabrics().map(\.restItem)
            return .json(["items": .array(items)])
        })
        router.get("/api/v1/fabrics/{namespace}/{name}", protected { [self] request in
            let id = "\(request.pathParameters["namespace"] ?? "")/\(request.pathParameters["name"] ?? "")"
            guard let fabric = await directory.fabrics().first(where: { $0.fabricID == id }) else {
                return Self.error(404, "not_found", "no fabric \(id)")
            }
            return .json(fabric.restItem)
        })
        router.post("/api/v1/fabrics/{namespace}/{name}/sync", protected { [self] request in
            let id = "\(request.pathParameters["namespace"] ?? "")/\(request.pathParameters["name"] ?? "")"
            guard await directory.requestSync(id) else { return Self.error(404, "not_found", "no fabric \(id)") }
            return .json(["accepted": true, "fabric_id": .string(id)], status: 202)
        })
        router.post("/api/v1/sources/refresh", protected { [self] _ in
            // Answers at once: a webhook sender must not wait for a Git fetch.
            let directory = self.directory
            Task { await directory.refreshSource() }
            return .json(["accepted": true], status: 202)
        })
        router.add(.OPTIONS, "/{path...}") { [self] request in preflight(request) }
        return router
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        .json(["error": ["code": .string(code), "message": .string(message)]], status: status)
    }

    /// The token check and CORS headers around a handler.
    func protected(_ handler: @escaping Router.Handler) -> Router.Handler {
        { [self] request in
            var response: HTTPResponse
            switch access.decide(request) {
            case .allowed: response = await handler(request)
            case .denied(let status, let code, let message):
                response = Self.error(status, code, message)
                if status == 401 { response.headers.set("WWW-Authenticate", "Bearer") }
            }
            for (name, value) in access.corsHeaders(for: request) { response.headers.set(name, value) }
            return response
        }
    }

    func preflight(_ request: HTTPRequest) -> HTTPResponse {
        let headers = access.corsHeaders(for: request)
        guard !headers.isEmpty else { return Self.error(403, "forbidden", "origin not allowed") }
        return HTTPResponse(status: 204, headers: HTTPHeaders(headers))
    }

    func statusPage(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.text(StatusPage.html, contentType: "text/html; charset=utf-8")
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:")
        // A page opened with ?token= keeps working on reload: the cookie carries the token from then on.
        if access.credential(of: request) == .query, let token = request.query["token"] {
            response.headers.add("Set-Cookie", "access_token=\(token); Path=/; HttpOnly; SameSite=Strict")
        }
        return response
    }

    /// Admission before any stream starts: 503 past `--max-clients`, 429 past the per-address limit.
    func admit(_ request: HTTPRequest) -> HTTPResponse? {
        switch limiter.admit(request.remoteAddress) {
        case .admitted: return nil
        case .tooManyClients: return Self.error(503, "too_many_clients", "the server has its maximum of \(options.maxClients) clients")
        case .tooManyFromAddress: return Self.error(429, "too_many_clients_from_address", "at most \(options.maxClientsPerIP) clients per address")
        }
    }

    func webSocket(_ request: HTTPRequest) -> HTTPResponse {
        // Browsers label every WebSocket with its page's Origin; one from another site needs the allow-list.
        if request.headers["Origin"] != nil, !access.originMatches(request) {
            return Self.error(403, "forbidden", "origin not allowed")
        }
        if let refusal = admit(request) { return refusal }
        let address = request.remoteAddress
        let handler = WebSocketProtocolHandler(hub: hub, directory: directory, options: options)
        let response = WebSocketConnection.upgrade(request, configuration: options.webSocket) { [self] connection, _ in
            let key = ObjectIdentifier(connection)
            webSockets.withLock { $0[key] = connection }
            defer {
                webSockets.withLock { $0[key] = nil }
                limiter.release(address)
            }
            await handler.serve(connection)
        }
        if response.status != 101 { limiter.release(address) }
        return response
    }

    func serverSentEvents(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = admit(request) { return refusal }
        let address = request.remoteAddress
        sseClients.add(1, ordering: .relaxed)
        let handler = ServerSentEventsHandler(hub: hub, heartbeat: options.sseHeartbeat)
        return handler.response(request, extraHeaders: []) { [self] in
            sseClients.subtract(1, ordering: .relaxed)
            limiter.release(address)
        }
    }
}
