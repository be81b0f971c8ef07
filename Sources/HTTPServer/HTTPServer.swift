import Foundation
import Synchronization

/// An HTTP/1.1 server on non-blocking sockets and epoll, with a few event-loop threads.
///
///     var router = Router()
///     router.get("/healthz") { _ in .text("ok") }
///     let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 8080), router: router)
///     let port = try await server.start()
///     …
///     await server.shutdown(grace: .seconds(5))
///
/// Streams (`HTTPResponse.stream`, `HTTPStreamWriter`) and upgraded connections
/// (`HTTPResponse.upgrade`, `UpgradedConnection`) hold at most `maxQueuedBytesPerConnection`
/// beyond what the socket takes, so a client that stops reading never slows the others:
/// `tryWrite` says `.wouldBlock` and the caller cuts the client off. `writeFinal` queues one last
/// short message past the full queue (a WebSocket close frame with 1013, an SSE comment);
/// `close()` sends the queue, shuts our side and drains the client's late input for up to 2 s,
/// so the last bytes are not lost to a reset; a client that has not taken the queue within
/// `closeFlushTimeout` is reset and its buffers freed. `abort()` closes at once.
public final class HTTPServer: Sendable {
    private enum Lifecycle {
        case idle
        case starting
        case running(listener: Int32, loops: [EventLoop])
        case stopped
    }

    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let lifecycle = Mutex(Lifecycle.idle)
    private let boundPort = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: Router) {
        self.configuration = configuration
        context = ServerContext(configuration: configuration, router: router)
    }

    /// A server that sends every request, whatever its method and path, to `handler`.
    public convenience init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: @escaping Router.Handler) {
        self.init(configuration: configuration, router: .catchAll(handler))
    }

    /// Connections open now (for metrics and tests).
    public var openConnectionCount: Int { context.openConnections.load(ordering: .relaxed) }

    /// The port bound by `start()`, 0 before.
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Binds, listens and starts the event loops. Returns the bound port (useful with port 0).
    /// Also ignores SIGPIPE and raises the open-file limit, as any server process must.
    @discardableResult
    public func start() async throws(HTTPServerError) -> Int {
        let claimed = lifecycle.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .starting
            return true
        }
        guard claimed else { throw HTTPServerError(code: "already-started", message: "the server was already started") }
        ignoreSIGPIPE()
        raiseOpenFileLimit()
        var loops: [EventLoop] = []
        let listener: Int32, port: Int
        do throws(HTTPServerError) {
            (listener, port) = try makeListener(host: configuration.host, port: configuration.port, backlog: configuration.listenBacklog)
            do throws(HTTPServerError) {
                for _ in 0..<max(1, configuration.eventLoopThreads) { loops.append(try EventLoop(context: context)) }
            } catch {
                close(listener)
                throw error
            }
        } catch {
            for loop in loops { loop.closeUnstarted() }
            lifecycle.withLock { $0 = .idle }
            throw error
        }
        let group = loops
        let threads = group.enumerated().map { index, loop in
            let thread = Thread { loop.run(listener: listener, group: group) }
            thread.name = "http-loop-\(index)"
            return thread
        }
        lifecycle.withLock { $0 = .running(listener: listener, loops: loops) }
        boundPort.store(port, ordering: .releasing)
        for thread in threads { thread.start() }
        return port
    }

    /// Stops accepting, lets requests in progress finish within `grace`, then closes every
    /// connection (streams and upgraded connections included) and stops the event loops.
    public func shutdown(grace: Duration = .seconds(5)) async {
        let taken = lifecycle.withLock { state -> (Int32, [EventLoop])? in
            guard case .running(let listener, let loops) = state else { return nil }
            state = .stopped
            return (listener, loops)
        }
        guard let (listener, loops) = taken else { return }
        for loop in loops {
            await loop.submit { loop.stopListening() }
        }
        // Every loop has dropped the listener from its epoll set, so closing it races with nothing.
        close(listener)
        for loop in loops {
            await loop.submit { loop.beginDraining() }
        }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            var inFlight = 0
            for loop in loops { inFlight += await loop.submit { loop.requestsInFlight } }
            if inFlight == 0 { break }
            try? await Task.sleep(for: .milliseconds(10))  // cancellation only shortens the grace
        }
        for loop in loops { await loop.stop() }
    }
}
