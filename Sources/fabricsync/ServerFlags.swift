import ArgumentParsing
import Foundation
import Notifications

/// `fabricsync run`'s notification-server flags.
enum ServerFlags {
    static let options: [OptionSpec] = [
        .value("listen", "HOST:PORT", help: "Where the notification server (WebSocket, SSE, REST, status page) listens; 'off' for none.", default: "127.0.0.1:8080"),
        .value("auth-token-file", "FILE", help: "Require this bearer token (header, ?token= or access_token cookie) on every endpoint but /healthz and /readyz."),
        .value("metrics-listen", "HOST:PORT", help: "Serve /metrics here too, without the token."),
        OptionSpec("cors-origin", .repeatedValue(placeholder: "ORIGIN"), help: "Browser origin allowed to call the API (repeatable or comma-separated)."),
        .value("max-clients", "N", help: "WebSocket and SSE clients at most (then 503).", default: "1000"),
        .value("max-clients-per-ip", "N", help: "Clients per address at most, 0 for no limit (then 429).", default: "10"),
    ]

    /// The server's options, or nil with `--listen off`.
    static func serverOptions(_ arguments: ParsedArguments) throws -> NotificationServerOptions? {
        let listen = arguments.string("listen") ?? "127.0.0.1:8080"
        if listen == "off" { return nil }
        var options = NotificationServerOptions()
        (options.host, options.port) = try hostAndPort(listen, flag: "listen")
        if let metrics = arguments.string("metrics-listen") {
            let (host, port) = try hostAndPort(metrics, flag: "metrics-listen")
            options.metricsHost = host
            options.metricsPort = port
        }
        if let file = arguments.string("auth-token-file") {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw UsageError("--auth-token-file: cannot read \(file): \(error.localizedDescription)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw UsageError("--auth-token-file: \(file) is empty") }
            options.authToken = token
        }
        options.corsOrigins = arguments.strings("cors-origin").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        options.maxClients = try arguments.int("max-clients", range: 1...1_000_000) ?? 1000
        options.maxClientsPerIP = try arguments.int("max-clients-per-ip", range: 0...1_000_000) ?? 10
        options.serverVersion = FabricsyncVersion.current
        return options
    }

    /// `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:80`.
    static func hostAndPort(_ text: String, flag: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw UsageError("--\(flag): expected HOST:PORT, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        return (host, port)
    }
}
