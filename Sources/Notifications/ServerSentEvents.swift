import HTTPServer

/// One SSE client: each event becomes `id:`/`event:`/`data:` lines written
/// with `tryWrite`, so a reader that stops draining is closed rather than
/// waited for (it reconnects with `Last-Event-ID`).
final class ServerSentEventSink: EventSink {
    let writer: HTTPStreamWriter

    init(writer: HTTPStreamWriter) {
        self.writer = writer
    }

    static func frame(_ envelope: Envelope, encoded: [UInt8]) -> [UInt8] {
        var bytes = Array("id: \(envelope.seq)\nevent: \(envelope.type)\ndata: ".utf8)
        bytes.append(contentsOf: encoded)  // compact JSON has no newline
        bytes.append(contentsOf: [0x0A, 0x0A])
        return bytes
    }

    func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool {
        writer.tryWrite(Self.frame(envelope, encoded: encoded)) == .accepted
    }

    func overflowed() {
        writer.close()
    }
}

/// `GET /api/v1/events[?fabric=ns/name]`.
struct ServerSentEventsHandler: Sendable {
    let hub: EventHub
    let heartbeat: Duration

    /// The subscriptions asked for by the query, or nil for a malformed `fabric`.
    static func subscriptions(for request: HTTPRequest) -> Subscriptions? {
        var subscriptions = Subscriptions()
        if let fabric = request.query["fabric"], !fabric.isEmpty {
            guard let filter = FabricFilter(fabric) else { return nil }
            subscriptions.apply(.subscribe(filter))
        } else {
            subscriptions.apply(.subscribe(.all))
        }
        return subscriptions
    }

    /// `Last-Event-ID` (what browsers send on reconnect), or the `since` query parameter for clients that cannot set headers.
    static func lastEventID(of request: HTTPRequest) -> UInt64? {
        if let header = request.headers["Last-Event-ID"], let seq = UInt64(header.trimmingSpaces) { return seq }
        if let since = request.query["since"], let seq = UInt64(since) { return seq }
        return nil
    }

    func response(_ request: HTTPRequest, extraHeaders: [(String, String)], onEnd: @escaping @Sendable () -> Void) -> HTTPResponse {
        guard let subscriptions = Self.subscriptions(for: request) else {
            onEnd()
            return .json(["error": ["code": "invalid_fabric_id", "message": "fabric must be namespace/name"]], status: 400)
        }
        let since = Self.lastEventID(of: request)
        var headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"]
        for (name, value) in extraHeaders { headers.add(name, value) }
        let hub = self.hub, heartbeat = self.heartbeat
        return .stream(status: 200, headers: headers) { writer in
            defer { onEnd() }
            let sink = ServerSentEventSink(writer: writer)
            // The retry hint and the greeting go out before the client joins the stream, so they precede every event.
            guard writer.tryWrite(Array("retry: 2000\n: stream \(hub.streamID)\n\n".utf8)) == .accepted else { return }
            let id: EventHub.ClientID
            if let since {
                let (client, outcome) = hub.connect(sink, subscriptions: subscriptions, replayingAfter: since)
                id = client
                if outcome.lost { _ = writer.tryWrite(Array(": lost events before \(outcome.firstAvailableSeq)\n\n".utf8)) }
            } else {
                id = hub.connect(sink, subscriptions: subscriptions)
            }
            defer { hub.disconnect(id) }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await writer.closed() }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: heartbeat) } catch { return }
                        if writer.tryWrite(Array(": heartbeat\n\n".utf8)) != .accepted {
                            writer.close()
                            return
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
