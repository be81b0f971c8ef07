import CEpoll
import Glibc
import Synchronization

/// What the server shares with all its loops; immutable but for the connection count.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let router: Router
    let openConnections = Atomic<Int>(0)
    /// Round-robin position for handing accepted connections to loops.
    let nextLoop = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, router: Router) {
        self.configuration = configuration
        self.router = router
    }
}

/// A message to a loop from another thread.
enum LoopMessage: Sendable {
    case response(UInt64, HTTPResponse)
    case streamFinished(UInt64, completed: Bool)
    case close(UInt64)
    /// Close gracefully once the queue is sent; cut the peer off at `deadline` (monotonic ns).
    case closeAfterFlush(UInt64, deadline: UInt64)
    case abort(UInt64)
    /// A connection another loop accepted, handed over so that loops share connections evenly.
    case adopt(fd: Int32, host: String, port: Int, refuse: Bool)
    case run(@Sendable () -> Void)
}

/// One epoll thread owning a set of connections.
///
/// `@unchecked Sendable` because other threads hold it only to `post` messages: `inbox` is a
/// Mutex and the epoll/eventfd descriptors are thread-safe in the kernel. Everything else
/// (`connections`, the head writer, accept state) is touched only on the loop's own thread,
/// by `run()` and what it calls, and by `.run` closures it executes there.
final class EventLoop: @unchecked Sendable {
    static let wakeToken: UInt64 = 0
    static let listenerToken: UInt64 = 1

    private struct Inbox {
        var messages: [LoopMessage] = []
        var wakePending = false
        /// Set just before the loop closes its descriptors; later messages are dropped.
        var finished = false
    }

    let epollFD: Int32
    private let wakeFD: Int32
    let context: ServerContext
    private let inbox = Mutex(Inbox())

    // Loop-thread state.
    var connections: [UInt64: Connection] = [:]
    var headWriter: ResponseHeadWriter
    var draining = false
    private var nextID: UInt64 = 2
    private var listenFD: Int32 = -1
    private var group: [EventLoop] = []
    private var listening = false
    private var acceptResumeAt: UInt64 = 0
    private var running = true
    private var nextScan: UInt64 = 0
    private let scanInterval: UInt64
    private struct Exit {
        var done = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let exit = Mutex(Exit())

    init(context: ServerContext) throws(HTTPServerError) {
        self.context = context
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw systemError("epoll", "epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            throw systemError("eventfd", "eventfd")
        }
        let configuration = context.configuration
        headWriter = ResponseHeadWriter(serverName: configuration.serverName, sendsDate: configuration.sendsDateHeader)
        let shortest = min(configuration.headerReadTimeout.nanoseconds, configuration.idleTimeout.nanoseconds,
                           configuration.closeFlushTimeout.nanoseconds)
        scanInterval = min(max(shortest / 8, 5_000_000), 250_000_000)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = EventLoop.wakeToken
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    func post(_ message: LoopMessage) {
        let late = inbox.withLock { inbox -> Bool in
            guard !inbox.finished else { return true }
            inbox.messages.append(message)
            guard !inbox.wakePending else { return false }
            inbox.wakePending = true
            // Written under the lock, so it can never hit the descriptor number after the loop closed it.
            // eventfd only fails when its counter would overflow, and then the loop is already awake.
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
            return false
        }
        guard late else { return }
        switch message {
        case .adopt(let fd, _, _, _):
            // A connection handed over as this loop stopped: nobody will serve it.
            close(fd)
        case .run(let work):
            // The loop thread has ended, so its state is quiescent and the work may run here;
            // dropping it would leave a `submit` or `stop` waiting forever.
            work()
        default:
            break
        }
    }

    /// Runs `work` on the loop thread and returns its result.
    func submit<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            post(.run { continuation.resume(returning: work()) })
        }
    }

    /// The thread body: serves until `stop()`. `group` is every loop of the server, this one included.
    func run(listener: Int32, group: [EventLoop]) {
        listenFD = listener
        self.group = group
        startListening()
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        nextScan = monotonicNanoseconds() + scanInterval
        while running {
            let now = monotonicNanoseconds()
            let timeout = nextScan > now ? Int32((nextScan - now) / 1_000_000) + 1 : 0
            let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                switch event.data.u64 {
                case EventLoop.wakeToken: drainWakeCounter()
                case EventLoop.listenerToken: acceptConnections()
                case let id: connections[id]?.handle(events: event.events)
                }
            }
            processInbox()
            let after = monotonicNanoseconds()
            if after >= nextScan {
                nextScan = after + scanInterval
                scanDeadlines(now: after)
            }
        }
        for connection in Array(connections.values) { connection.close() }
        let undelivered = inbox.withLock { inbox -> [LoopMessage] in
            inbox.finished = true
            return inbox.messages
        }
        for case .adopt(let fd, _, _, _) in undelivered { close(fd) }
        close(wakeFD)
        close(epollFD)
        exit.withLock { exit -> CheckedContinuation<Void, Never>? in
            exit.done = true
            return exit.waiter
        }?.resume()
    }

    /// Releases the descriptors of a loop whose thread never started (a failed server start).
    func closeUnstarted() {
        inbox.withLock { $0.finished = true }
        close(wakeFD)
        close(epollFD)
    }

    /// Loop thread: stop taking connections (the server closes the listener after every loop did this).
    func stopListening() {
        if listening { epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil) }
        listening = false
        listenFD = -1
    }

    /// Loop thread: close idle connections and let the others close after their current response.
    func beginDraining() {
        draining = true
        for connection in Array(connections.values) where connection.isIdle { connection.close() }
    }

    /// Loop thread: connections with a request being read or answered (streams and upgrades excluded).
    var requestsInFlight: Int {
        connections.values.reduce(0) { $0 + ($1.hasRequestInFlight ? 1 : 0) }
    }

    /// Ends the loop; returns once its thread has closed everything.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exit.withLock { exit -> Bool in
                if !exit.done { exit.waiter = continuation }
                return exit.done
            }
            if done { continuation.resume() } else { post(.run { [self] in running = false }) }
        }
    }

    func register(_ connection: Connection) {
        connections[connection.id] = connection
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = connection.id
        if epoll_ctl(epollFD, EPOLL_CTL_ADD, connection.channel.fd, &event) != 0 { connection.close() }
    }

    func connectionClosed(_ connection: Connection) {
        connections[connection.id] = nil
        context.openConnections.subtract(1, ordering: .relaxed)
    }

    private func startListening() {
        guard listenFD >= 0, !listening else { return }
        var event = epoll_event()
        // EPOLLEXCLUSIVE: one connection wakes one loop, not all of them.
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.u64 = EventLoop.listenerToken
        listening = epoll_ctl(epollFD, EPOLL_CTL_ADD, listenFD, &event) == 0
    }

    private func drainWakeCounter() {
        var value: UInt64 = 0
        // Reading resets the counter; EAGAIN only means another wake-up already did.
        _ = Glibc.read(wakeFD, &value, 8)
    }

    private func processInbox() {
        let messages = inbox.withLock { inbox -> [LoopMessage] in
            inbox.wakePending = false
            defer { inbox.messages.removeAll(keepingCapacity: true) }
            return inbox.messages
        }
        for message in messages {
            switch message {
            case .response(let id, let response): connections[id]?.handlerFinished(response)
            case .streamFinished(let id, let completed): connections[id]?.streamFinished(completed: completed)
            case .close(let id): connections[id]?.close()
            case .closeAfterFlush(let id, let deadline): connections[id]?.closeAfterFlush(deadline: deadline)
            case .abort(let id): connections[id]?.close(abortive: true)
            case .run(let work): work()
            case .adopt(let fd, let host, let port, let refuse): adopt(fd: fd, host: host, port: port, refuse: refuse)
            }
        }
    }

    private func acceptConnections() {
        let configuration = context.configuration
        for _ in 0..<16 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    cepoll_accept_nonblocking(listenFD, $0, &length)
                }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop watching the listener briefly instead of spinning on it.
                    epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
                    listening = false
                    acceptResumeAt = monotonicNanoseconds() + 100_000_000
                    return
                default: return
                }
            }
            let open = context.openConnections.add(1, ordering: .relaxed).newValue
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let (host, port) = socketAddress(storage)
            let refuse = open > configuration.maxConnections || draining
            // Whichever loop the kernel woke, connections are dealt round-robin: a burst of
            // connects would otherwise land mostly on one loop.
            let target = group.isEmpty ? self : group[context.nextLoop.add(1, ordering: .relaxed).newValue % group.count]
            if target === self {
                adopt(fd: fd, host: host, port: port, refuse: refuse)
            } else {
                target.post(.adopt(fd: fd, host: host, port: port, refuse: refuse))
            }
        }
    }

    private func adopt(fd: Int32, host: String, port: Int, refuse: Bool) {
        let id = nextID
        nextID += 1
        let channel = ConnectionChannel(fd: fd, id: id, queueLimit: context.configuration.maxQueuedBytesPerConnection, loop: self)
        let connection = Connection(loop: self, channel: channel, remoteAddress: host, remotePort: port)
        register(connection)
        if refuse || draining {
            // Answered at once, then closed after a short linger so the client reads the 503
            // rather than a reset; it counts as open until then, which keeps a flood in check.
            connection.refuseAtStart(status: 503, message: "too many connections")
        }
    }

    private func scanDeadlines(now: UInt64) {
        if !listening && listenFD >= 0 && now >= acceptResumeAt { startListening() }
        for connection in Array(connections.values) { connection.checkDeadline(now: now) }
    }
}
