import FabricValue
import Synchronization
import WebSocket

/// One WebSocket client: its hub sink and its command loop.
///
/// The sink sends with `trySend`, which never waits: the connection's queue
/// is the client's bounded queue, and a client that lets it fill is cut off
/// with 1013 and may `resume`. Direct replies go through the same lock as
/// stream events and carry the highest seq this connection has been sent (or
/// the stream's seq when it joined), so `seq` never goes backwards on a
/// connection even while a background fan-out is still catching up.
final class WebSocketSession: EventSink {
    let connection: WebSocketConnection
    private let lastSent: Mutex<UInt64>

    /// `baseline`: the stream's last seq read before the client joined the hub.
    init(connection: WebSocketConnection, baseline: UInt64) {
        self.connection = connection
        lastSent = Mutex(baseline)
    }

    func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool {
        lastSent.withLock { last in
            switch connection.trySend(text: String(decoding: encoded, as: UTF8.self)) {
            case .sent:
                last = max(last, envelope.seq)
                return true
            case .peerIsSlow, .closed:
                return false
            }
        }
    }

    func overflowed() {
        connection.close(code: .tryAgainLater, reason: "client too slow; resume from the last seq")
    }

    /// Sends a direct reply; false when the client is too slow to take it (it is then closed with 1013).
    @discardableResult
    func reply(_ envelope: Envelope) -> Bool {
        let sent = lastSent.withLock { last -> Bool in
            var envelope = envelope
            envelope.seq = last
            switch connection.trySend(text: String(decoding: envelope.json, as: UTF8.self)) {
            case .sent: return true
            case .peerIsSlow, .closed: return false
            }
        }
        if !sent { overflowed() }
        return sent
    }
}

/// Runs one WebSocket connection of the notification protocol.
struct WebSocketProtocolHandler: Sendable {
    let hub: EventHub
    let directory: any FabricDirectory
    let options: NotificationServerOptions

    func serve(_ connection: WebSocketConnection) async {
        // Read before joining: every event the client will be sent live comes after it.
        let baseline = hub.lastSeq
        let session = WebSocketSession(connection: connection, baseline: baseline)
        let id = hub.connect(session)
        defer { hub.disconnect(id) }
        let heartbeat = Int64(options.webSocket.pingInterval.components.seconds)
        session.reply(hub.reply(MessageType.connectionAck, data: [
            "stream_id": .string(hub.streamID), "server_version": .string(options.serverVersion),
            "last_seq": .int(Int64(baseline)), "heartbeat_s": .int(heartbeat),
        ]))
        for await message in connection.messages {
            guard case .text(let text) = message else {
                session.reply(hub.reply(MessageType.error, data: ["code": "unsupported_message", "message": "send JSON text messages"]))
                continue
            }
            switch ClientCommand.parse(text) {
            case .failure(let error):
                session.reply(hub.reply(MessageType.error, data: ["code": .string(error.code), "message": .string(error.message)]))
            case .success(let command):
                if case .subscribe = command, let point = ClientCommand.resumePoint(of: text) {
                    await subscribeAndResume(command, after: point.since, streamID: point.streamID, id: id, session: session)
                } else {
                    await handle(command, id: id, session: session)
                }
            }
        }
    }

    /// `subscribe_fabric` with `since`: the snapshot, then the replay and the `resume_result`, then live events.
    private func subscribeAndResume(_ command: ClientCommand, after since: UInt64, streamID: String?, id: EventHub.ClientID, session: WebSocketSession) async {
        guard case .subscribe(let filter) = command else { return }
        guard await sendSnapshots(filter, session: session) else { return }
        guard let outcome = hub.subscribe(id, with: command, resumingAfter: since, streamID: streamID) else { return }
        sendResumeResult(outcome, session: session)
    }

    private func sendResumeResult(_ outcome: EventHub.ResumeOutcome, session: WebSocketSession) {
        session.reply(hub.reply(MessageType.resumeResult, data: [
            "replayed": .int(Int64(outcome.replayed)), "lost": .bool(outcome.lost),
            "first_available_seq": .int(Int64(outcome.firstAvailableSeq)),
        ]))
    }

    /// One `fabric_status` per fabric the filter names; false when the client was too slow to take them.
    private func sendSnapshots(_ filter: FabricFilter, session: WebSocketSession) async -> Bool {
        let fabrics = await directory.fabrics()
        for fabric in fabrics {
            if case .fabric(let wanted) = filter, wanted != fabric.fabricID { continue }
            guard session.reply(hub.reply(MessageType.fabricStatus, fabricID: fabric.fabricID, data: fabric.snapshotData)) else { return false }
        }
        if case .fabric(let wanted) = filter, !fabrics.contains(where: { $0.fabricID == wanted }) {
            session.reply(hub.reply(MessageType.error, data: ["code": "unknown_fabric", "message": .string("no fabric \(wanted) yet; subscribed anyway")]))
        }
        return true
    }

    private func handle(_ command: ClientCommand, id: EventHub.ClientID, session: WebSocketSession) async {
        switch command {
        case .subscribe(let filter):
            hub.update(id, with: command)
            _ = await sendSnapshots(filter, session: session)
        case .unsubscribe:
            hub.update(id, with: command)
        case .ping(let clientTime):
            var data = Object()
            if let clientTime { data["client_time"] = clientTime }
            session.reply(hub.reply(MessageType.pong, data: .object(data)))
        case .resume(let since, let streamID):
            guard let outcome = hub.resume(id, since: since, streamID: streamID) else { return }
            sendResumeResult(outcome, session: session)
        }
    }
}
