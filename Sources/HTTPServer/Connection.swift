import CEpoll
import Glibc

/// One client connection's HTTP state machine. Lives on its event loop's thread and is touched
/// only there; other threads reach it through loop messages by id.
///
/// Requests on a connection are answered one at a time, in order: while a response is being
/// produced or sent, further (pipelined) bytes wait in the read buffer, and reading stops when
/// that buffer is full, so a client that sends without reading cannot make the server buffer
/// without bound.
final class Connection {
    enum Phase {
        case head
        case body
        case handling(RequestContext)
        case flushing(keepAlive: Bool)
        case streaming(keepAlive: Bool)
        case upgraded(InboundQueue)
        /// A stream or upgraded connection closing on our side: the queue is being sent before the
        /// flush deadline; late input is read and dropped.
        case closing
        /// After an error answer: our side is shut, the client's late bytes are read and dropped
        /// for a moment, so that closing does not reset the connection before the answer is read.
        case lingering
        case closed
    }

    struct RequestContext {
        var keepAlive: Bool
        var isHead: Bool
        var version: HTTPVersion
    }

    enum Deadline { case none, idle, header, body, linger, flush }

    unowned let loop: EventLoop
    let channel: ConnectionChannel
    let id: UInt64
    let remoteAddress: String
    let remotePort: Int

    var phase = Phase.head
    var buffer: [UInt8]
    var start = 0
    var end = 0
    let maxBuffer: Int
    var parser: HTTPRequestHeadParser
    var readingPaused = false
    var peerFinishedSending = false
    var lingerOnClose = false

    /// How long a closing connection reads and drops the peer's late input after shutting down
    /// our side, so that close(2) finds no unread bytes and does not reset the connection.
    static let lingerNanoseconds: UInt64 = 2_000_000_000

    var deadline: UInt64 = 0
    var deadlineKind = Deadline.none

    // The request whose body is being read.
    var pendingHead: HTTPRequestHead?
    var pendingMatch = Router.Match.notFound
    var pendingContext = RequestContext(keepAlive: false, isHead: false, version: .http1_1)
    var body: [UInt8] = []
    var bodyRemaining = 0
    var chunkDecoder: ChunkedBodyDecoder?
    /// Body bytes since the body deadline was last pushed back.
    var bodyProgress = 0

    init(loop: EventLoop, channel: ConnectionChannel, remoteAddress: String, remotePort: Int) {
        self.loop = loop
        self.channel = channel
        self.id = channel.id
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        let limits = loop.context.configuration.limits
        parser = HTTPRequestHeadParser(limits: limits)
        maxBuffer = max(64 * 1024, limits.maxRequestLineBytes + limits.maxHeaderBytes + 4096)
        buffer = [UInt8](repeating: 0, count: 4096)
        setDeadline(.idle)
    }

    var configuration: HTTPServerConfiguration { loop.context.configuration }

    /// No request begun: safe to close when draining.
    var isIdle: Bool {
        if case .head = phase { return start == end }
        return false
    }

    var hasRequestInFlight: Bool {
        switch phase {
        case .head: return start != end
        case .body, .handling, .flushing: return true
        case .streaming, .upgraded, .closing, .lingering, .closed: return false
        }
    }

    func handle(events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 && channel.flushWritable() { outputDrained() }
        guard events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 else { return }
        switch phase {
        case .closed: return
        case .upgraded(let inbound): readUpgraded(inbound)
        case .lingering: discardInput()
        case .closing: discardInputWhileClosing()
        default: readRequests()
        }
    }

    // MARK: Reading

    func readRequests() {
        if end == buffer.count {
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            } else if buffer.count < maxBuffer {
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxBuffer - buffer.count)))
            } else {
                pauseReading()
                return
            }
        }
        let n = buffer.withUnsafeMutableBufferPointer { raw in
            Glibc.read(channel.fd, raw.baseAddress! + end, raw.count - end)
        }
        if n > 0 {
            end += n
            process()
        } else if n == 0 {
            peerFinished()
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close()
        }
    }

    func peerFinished() {
        peerFinishedSending = true
        pauseReading()
        switch phase {
        case .head:
            // Answer the complete requests still buffered; `process` closes when none is left.
            process()
        case .body, .streaming, .closing, .lingering:
            // A half-sent body cannot complete, and a stream's reader is gone.
            close()
        case .handling, .flushing, .upgraded, .closed:
            // Answer what was asked, then close.
            break
        }
    }

    func discardInput() {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let n = scratch.withUnsafeMutableBytes { Glibc.read(channel.fd, $0.baseAddress!, $0.count) }
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { close() }
    }

    /// Our last bytes are still being sent: a peer that finished sending may still be reading them.
    func discardInputWhileClosing() {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let n = scratch.withUnsafeMutableBytes { Glibc.read(channel.fd, $0.baseAddress!, $0.count) }
        if n == 0 {
            peerFinishedSending = true
            pauseReading()
        } else if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close()
        }
    }

    func readUpgraded(_ inbound: InboundQueue) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(channel.fd, $0.baseAddress!, $0.count) }
        if n > 0 {
            chunk.removeSubrange(n...)
            inbound.deliver(chunk)
        } else if n == 0 {
            peerFinishedSending = true
            channel.setReading(false)
            inbound.finish()
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close()
        }
    }

    func pauseReading() {
        guard !readingPaused else { return }
        readingPaused = true
        channel.setReading(false)
    }

    func resumeReading() {
        guard readingPaused, !peerFinishedSending else { return }
        readingPaused = false
        channel.setReading(true)
    }

    // MARK: Parsing

    /// Reads as many requests from the buffer as can be answered now.
    func process() {
        while true {
            switch phase {
            case .head:
                guard start != end else {
                    start = 0
                    end = 0
                    if peerFinishedSending { close() } else { setDeadline(.idle) }
                    return
                }
                if deadlineKind != .header { setDeadline(.header) }
                let result = buffer.withUnsafeBufferPointer { parser.parse(UnsafeBufferPointer(rebasing: $0[start..<end])) }
                switch result {
                case .needMore:
                    if peerFinishedSending { close() }
                    return
                case .failure(let error):
                    refuse(error)
                    return
                case .complete(let head, let consumed):
                    start += consumed
                    parser.reset()
                    begin(head)
                }
            case .body:
                readBody()
                if case .body = phase { return }
            default:
                return
            }
        }
    }

    func begin(_ head: HTTPRequestHead) {
        let match = loop.context.router.match(method: head.method, path: String(pathPart(head.target)))
        let context = RequestContext(keepAlive: head.wantsKeepAlive, isHead: head.method == .HEAD, version: head.version)
        var limit = configuration.limits.maxBodyBytes
        if case .found(let route, _) = match, let routeLimit = route.bodyLimit { limit = routeLimit }

        switch head.framing {
        case .none:
            dispatch(head, body: [], match: match, context: context)
            return
        case .contentLength(let length):
            guard length <= limit else { return refuse(.contentTooLarge("body larger than \(limit) bytes")) }
            bodyRemaining = length
            chunkDecoder = nil
        case .chunked:
            chunkDecoder = ChunkedBodyDecoder(limit: limit, maxLineBytes: configuration.limits.maxChunkLineBytes, maxTrailerBytes: configuration.limits.maxHeaderBytes)
        }
        if head.expectsContinue && start == end {
            guard case .found = match else {
                // The body was not sent yet and will not be read: answer now and close.
                var context = context
                context.keepAlive = false
                lingerOnClose = true
                return dispatch(head, body: [], match: match, context: context)
            }
            if channel.sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) == .closed { return close() }
        }
        pendingHead = head
        pendingMatch = match
        pendingContext = context
        body = []
        phase = .body
        bodyProgress = 0
        setDeadline(.body)
    }

    func readBody() {
        guard let head = pendingHead else { return }
        let before = start
        if var decoder = chunkDecoder {
            let (consumed, progress) = buffer.withUnsafeBufferPointer {
                decoder.decode(UnsafeBufferPointer(rebasing: $0[start..<end]), into: &body)
            }
            chunkDecoder = decoder
            start += consumed
            switch progress {
            case .needMore: break
            case .done: return completeBody(head)
            case .failure(let error): return refuse(error)
            }
        } else {
            let take = min(bodyRemaining, end - start)
            body.append(contentsOf: buffer[start..<(start + take)])
            start += take
            bodyRemaining -= take
            if bodyRemaining == 0 { return completeBody(head) }
        }
        // The deadline moves only for real progress, so a body trickled a byte at a time
        // (slow-loris on the body) still times out.
        bodyProgress += start - before
        if bodyProgress >= 1024 {
            bodyProgress = 0
            setDeadline(.body)
        }
        if start == end {
            start = 0
            end = 0
        }
    }

    func completeBody(_ head: HTTPRequestHead) {
        let body = self.body
        self.body = []
        pendingHead = nil
        chunkDecoder = nil
        dispatch(head, body: body, match: pendingMatch, context: pendingContext)
    }

    // MARK: Timeouts

    func setDeadline(_ kind: Deadline) {
        deadlineKind = kind
        switch kind {
        case .none: deadline = 0
        case .idle, .body: deadline = monotonicNanoseconds() + configuration.idleTimeout.nanoseconds
        case .header: deadline = monotonicNanoseconds() + configuration.headerReadTimeout.nanoseconds
        case .linger: deadline = monotonicNanoseconds() + Connection.lingerNanoseconds
        case .flush: break  // set with its own deadline by `closeAfterFlush`
        }
    }

    func checkDeadline(now: UInt64) {
        guard deadlineKind != .none, now >= deadline else { return }
        switch deadlineKind {
        case .none: return
        case .idle, .linger: close()
        case .flush: close(abortive: true)
        case .header: refuse(HTTPParseError(status: 408, message: "request head not received in time"))
        case .body: refuse(HTTPParseError(status: 408, message: "request body not received in time"))
        }
    }
}

func pathPart(_ target: String) -> Substring {
    if let mark = target.firstIndex(of: "?") { return target[..<mark] }
    return target[...]
}
