import WebSocket

/// How the notification server listens and what it allows.
public struct NotificationServerOptions: Sendable {
    /// `--listen`: an IP literal and port (0 picks a free one).
    public var host = "127.0.0.1"
    public var port = 8080
    /// `--auth-token-file`'s content; nil leaves the API open.
    public var authToken: String?
    /// `--cors-origin`: origins (`https://noc.example.com`) allowed to call from a browser page on another site.
    public var corsOrigins: [String] = []
    /// `--metrics-listen`: serve `/metrics` apart, unauthenticated; `/metrics` on the main port then needs the token.
    public var metricsHost: String?
    public var metricsPort: Int?
    /// `--max-clients` (then 503) and `--max-clients-per-ip` (0 = unlimited, then 429), WebSocket and SSE together.
    public var maxClients = 1000
    public var maxClientsPerIP = 10
    /// Pings, idle timeout, message size limit of each WebSocket.
    public var webSocket = WebSocketConfiguration()
    /// Bytes a client may have queued and unsent before it is cut off (1013 for WebSocket).
    public var clientQueueBytes = 256 * 1024
    public var sseHeartbeat: Duration = .seconds(15)
    public var statsInterval: Duration = .seconds(5)
    /// `heartbeat_s` in `connection_ack`: how often the server pings.
    public var serverVersion = "dev"

    public init() {}
}
