import Glibc

/// Turning a request into an answer: routing, running the handler (inline on the loop or as a
/// task), and writing whole responses, streams and upgrades.
extension Connection {
    // MARK: Answering

    func dispatch(_ head: HTTPRequestHead, body: [UInt8], match: Router.Match, context: RequestContext) {
        switch match {
        case .notFound:
            respond(.error(404, "no route for \(pathPart(head.target))"), context: context)
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.error(405, "\(head.method) is not allowed here")
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            respond(response, context: context)
        case .found(let route, let parameters):
            var request = HTTPRequest(
                method: head.method, target: head.target, headers: head.headers, body: body,
                httpVersion: head.version, remoteAddress: remoteAddress, remotePort: remotePort)
            request.pathParameters = parameters
            switch route.action {
            case .inline(let handler):
                respond(handler(request), context: context)
            case .async(let handler):
                phase = .handling(context)
                setDeadline(.none)
                let loop = self.loop, id = self.id
                Task { loop.post(.response(id, await handler(request))) }
            }
        }
    }

    func handlerFinished(_ response: HTTPResponse) {
        guard case .handling(let context) = phase else { return }
        respond(response, context: context)
        process()
    }

    /// Over the connection cap: answer before any request, then close.
    func refuseAtStart(status: Int, message: String) {
        var response = HTTPResponse.error(status, message)
        response.headers.set("Retry-After", "1")
        lingerOnClose = true
        respond(response, context: RequestContext(keepAlive: false, isHead: false, version: .http1_1))
    }

    /// A parse error or limit: answer with its status and close.
    func refuse(_ error: HTTPParseError) {
        lingerOnClose = true
        respond(.error(error.status, error.message), context: RequestContext(keepAlive: false, isHead: false, version: .http1_1))
    }

    func respond(_ response: HTTPResponse, context: RequestContext) {
        let keepAlive = context.keepAlive && !loop.draining && !(peerFinishedSending && start == end)
        setDeadline(.none)
        let token: ResponseHeadWriter.ConnectionToken =
            !keepAlive ? .close : context.version == .http1_0 ? .keepAlive : .none
        var out: [UInt8] = []
        switch response.kind {
        case .complete:
            let bodyAllowed = response.status >= 200 && response.status != 204 && response.status != 304
            out.reserveCapacity(256 + response.body.count)
            loop.headWriter.write(status: response.status, headers: response.headers,
                                  body: bodyAllowed ? .length(response.body.count) : .none, connection: token, into: &out)
            if bodyAllowed && !context.isHead { out.append(contentsOf: response.body) }
            send(out, keepAlive: keepAlive)
        case .stream(let streamBody):
            let chunked = context.version != .http1_0
            if context.isHead {
                loop.headWriter.write(status: response.status, headers: response.headers, body: chunked ? .chunked : .none, connection: token, into: &out)
                return send(out, keepAlive: keepAlive)
            }
            let streamKeepAlive = keepAlive && chunked
            loop.headWriter.write(status: response.status, headers: response.headers, body: chunked ? .chunked : .closeDelimited,
                                  connection: streamKeepAlive ? token : .close, into: &out)
            guard channel.sendAll(out) != .closed else { return close() }
            phase = .streaming(keepAlive: streamKeepAlive)
            channel.capKernelSendBuffer()
            setDeadline(.none)
            let writer = HTTPStreamWriter(channel: channel, chunked: chunked)
            let loop = self.loop, id = self.id
            Task {
                do {
                    try await streamBody(writer)
                    let completed = writer.finish()
                    // After `close` or `abort` their own message ends the connection; another here
                    // could overtake it and turn a clean close into an abrupt one.
                    if !completed && writer.wasClosedByCaller { return }
                    loop.post(.streamFinished(id, completed: completed))
                } catch {
                    // A stream that fails midway cannot report it in-band: the truncated body says it.
                    writer.abandon()
                    if writer.wasClosedByCaller { return }
                    loop.post(.streamFinished(id, completed: false))
                }
            }
        case .upgrade(let handler):
            loop.headWriter.write(status: 101, headers: response.headers, body: .none, connection: .upgrade, into: &out)
            guard channel.sendAll(out) != .closed else { return close() }
            let inbound = InboundQueue(limit: configuration.maxQueuedBytesPerConnection, channel: channel)
            phase = .upgraded(inbound)
            channel.capKernelSendBuffer()
            setDeadline(.none)
            if start != end { inbound.deliver(Array(buffer[start..<end])) }
            start = 0
            end = 0
            buffer = []
            if peerFinishedSending { inbound.finish() } else if readingPaused {
                readingPaused = false
                channel.setReading(true)
            }
            let connection = UpgradedConnection(channel: channel, inbound: inbound, remoteAddress: remoteAddress, remotePort: remotePort)
            Task {
                await handler(connection)
                connection.close()
            }
        }
    }

    func send(_ bytes: [UInt8], keepAlive: Bool) {
        switch channel.sendAll(bytes) {
        case .closed:
            close()
        case .flushed:
            if keepAlive {
                phase = .head
                resumeReading()
            } else {
                finishConnection()
            }
        case .queued:
            // A client that never reads its answer is dropped after the idle timeout.
            phase = .flushing(keepAlive: keepAlive)
            setDeadline(.idle)
        }
    }

    func streamFinished(completed: Bool) {
        guard case .streaming(let wantsKeepAlive) = phase else { return }
        guard completed else { return close() }
        // After a final message the connection takes no further response.
        let keepAlive = wantsKeepAlive && channel.acceptsWrites
        if !keepAlive { lingerOnClose = true }
        if channel.queuedBytes > 0 {
            // Like a whole response: a client that never reads the end is dropped after the idle timeout.
            phase = .flushing(keepAlive: keepAlive)
            setDeadline(.idle)
        } else if keepAlive {
            phase = .head
            resumeReading()
            process()
        } else {
            finishConnection()
        }
    }

    func outputDrained() {
        if case .closing = phase { return finishConnection() }
        guard case .flushing(let keepAlive) = phase else { return }
        guard keepAlive else { return finishConnection() }
        phase = .head
        resumeReading()
        process()
    }

    /// Closes after the last answer, lingering when the client may still be sending.
    func finishConnection() {
        // Unread pipelined bytes would make close(2) send a reset that can destroy the answer in flight.
        guard (lingerOnClose || start != end) && !peerFinishedSending else { return close() }
        // The descriptor is closed only on this thread, so it is still ours here.
        shutdown(channel.fd, Int32(SHUT_WR))
        phase = .lingering
        start = 0
        end = 0
        setDeadline(.linger)
        readingPaused = false
        channel.setReading(true)
    }

    /// The graceful close of a stream or upgraded connection (`close()` on either): send what is
    /// queued, then shut our side and linger (`finishConnection`). A peer that has not taken the
    /// queue by `deadline` stopped reading, and is cut off.
    func closeAfterFlush(deadline: UInt64) {
        switch phase {
        case .upgraded(let inbound): inbound.finish()
        case .streaming, .flushing: break
        case .closing: self.deadline = min(self.deadline, deadline); return
        // A stale request from a stream that already ended, or a close already under way.
        case .head, .body, .handling, .lingering, .closed: return
        }
        lingerOnClose = true
        phase = .closing
        deadlineKind = .flush
        self.deadline = deadline
        if channel.queuedBytes == 0 { return finishConnection() }
        readingPaused = false
        if !peerFinishedSending { channel.setReading(true) }
    }

    /// Closes now. `abortive` resets the connection and discards what the kernel still holds for
    /// the peer (a peer that stopped reading, or `abort()`).
    func close(abortive: Bool = false) {
        if case .closed = phase { return }
        if case .upgraded(let inbound) = phase { inbound.finish() }
        phase = .closed
        channel.closeFromLoop(abortive: abortive)
        loop.connectionClosed(self)
    }
}
