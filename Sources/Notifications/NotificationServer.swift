import FabricValue
import HTTPServer
import Synchronization
import WebSocket

/// The notification server: WebSocket and SSE streams of the event hub, the
/// REST API over a `FabricDirectory`, health, metrics and the status page,
/// on one `HTTPServer` (plus an optional metrics-only one).
public final class NotificationServer: Sendable {
    public let hub: EventHub
    public let options: NotificationServerOptions
    let directory: any FabricDirectory
    let readiness: @Sendable () async -> Bool
    let access: AccessControl
    let limiter: ClientLimiter
    let reconcileMetrics = ReconcileMetrics()
    let webSockets = Mutex<[ObjectIdentifier: WebSocketConnection]>([:])
    let sseClients = Atomic<Int>(0)
    private let servers = Mutex<(main: HTTPServer?, metrics: HTTPServer?, stats: Task<Void, Never>?)>((nil, nil, nil))

    /// `readiness` defaults to the directory's; with leader election, pass one that also says "leading or standing by".
    public init(hub: EventHub, directory: any FabricDirectory, options: NotificationServerOptions, readiness: (@Sendable () async -> Bool)? = nil) {
        self.hub = hub
        self.directory = directory
        self.options = options
        self.readiness = readiness ?? { await directory.isReady() }
        access = AccessControl(token: options.authToken, corsOrigins: options.corsOrigins)
        limiter = ClientLimiter(maxClients: options.maxClients, maxPerAddress: options.maxClientsPerIP)
        var all = Subscriptions()
        all.apply(.subscribe(.all))
        _ = hub.connect(reconcileMetrics, subscriptions: all)
    }

    public var webSocketClientCount: Int { webSockets.withLock { $0.count } }
    public var sseClientCount: Int { sseClients.load(ordering: .relaxed) }

    /// Starts listening; returns the main port and the metrics port (when `--metrics-listen` is set).
    @discardableResult
    public func start() async throws(HTTPServerError) -> (port: Int, metricsPort: Int?) {
        var configuration = HTTPServerConfiguration(host: options.host, port: options.port)
        configuration.maxQueuedBytesPerConnection = options.clientQueueBytes
        configuration.idleTimeout = .seconds(60)
        let main = HTTPServer(configuration: configuration, router: makeRouter())
        let port = try await main.start()
        var metrics: HTTPServer?
        var metricsPort: Int?
        if let host = options.metricsHost, let wanted = options.metricsPort {
            var router = Router()
            router.get("/metrics") { [self] _ in await metricsResponse() }
            let server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: wanted), router: router)
            do throws(HTTPServerError) {
                metricsPort = try await server.start()
            } catch {
                await main.shutdown(grace: .zero)
                throw error
            }
            metrics = server
        }
        let stats = Task { [self] in await publishStats() }
        servers.withLock { $0 = (main, metrics, stats) }
        return (port, metricsPort)
    }

    /// Closes every WebSocket with 1001 (going away), ends SSE streams, and stops listening.
    public func shutdown(grace: Duration = .seconds(2)) async {
        let (main, metrics, stats) = servers.withLock { current in
            defer { current = (nil, nil, nil) }
            return current
        }
        stats?.cancel()
        let open = webSockets.withLock { Array($0.values) }
        for connection in open { connection.close(code: .goingAway, reason: "server shutting down") }
        // Lets the close frames go out and the peers answer before the sockets are dropped.
        let deadline = ContinuousClock.now + grace
        while webSocketClientCount > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { break }
        }
        await metrics?.shutdown(grace: .zero)
        await main?.shutdown(grace: grace)
    }

    // MARK: - Stats

    func publishStats() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: options.statsInterval) } catch { return }
            let fabrics = await directory.fabrics()
            let figures = await directory.controllerMetrics()
            var byStatus = Object()
            for fabric in fabrics { byStatus[fabric.syncStatus] = .int((byStatus[fabric.syncStatus]?.intValue ?? 0) + 1) }
            hub.publish(MessageType.statsUpdate, data: [
                "fabrics_by_status": .object(byStatus), "clients": .int(Int64(limiter.count)),
                "reconciles_total": .int(Int64(figures.reconcilesTotal)), "last_seq": .int(Int64(hub.lastSeq)),
            ])
        }
    }

    // MARK: - Metrics

    func metricsResponse() async -> HTTPResponse {
        var text = PrometheusText()
        reconcileMetrics.render(into: &text)
        let figures = await directory.controllerMetrics()
        let fabrics = await directory.fabrics()
        text.gauge("fabricsync_queue_depth", "Fabrics waiting for a reconcile slot.", Double(figures.queueDepth))
        text.counter("fabricsync_reconciles_started_total", "Reconciles started by the controller.", Double(figures.reconcilesTotal))
        if let restarts = figures.watchRestarts {
            text.counter("fabricsync_watch_restarts_total", "Watch streams restarted (dropped or 410 Gone).", Double(restarts))
        }
        text.family("fabricsync_fabrics", "gauge", "Fabrics by syncStatus.")
        var byStatus: [String: Int] = [:]
        for fabric in fabrics { byStatus[fabric.syncStatus, default: 0] += 1 }
        for (status, count) in byStatus.sorted(by: { $0.key < $1.key }) { text.sample("fabricsync_fabrics", ["sync_status": status], Double(count)) }
        text.gauge("fabricsync_websocket_clients", "Open WebSocket clients.", Double(webSocketClientCount))
        text.gauge("fabricsync_sse_clients", "Open SSE clients.", Double(sseClientCount))
        text.counter("fabricsync_slow_clients_dropped_total", "Clients cut off because their queue filled.", Double(hub.droppedSlowClients))
        text.gauge("fabricsync_notification_last_seq", "The latest notification seq.", Double(hub.lastSeq))
        if !figures.apiRequests.isEmpty {
            text.family("fabricsync_kube_api_requests_total", "counter", "Kubernetes API requests by verb and HTTP code.")
            for item in figures.apiRequests.sorted(by: { ($0.verb, $0.code) < ($1.verb, $1.code) }) {
                text.sample("fabricsync_kube_api_requests_total", ["verb": item.verb, "code": String(item.code)], Double(item.count))
            }
        }
        return .text(text.text, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
