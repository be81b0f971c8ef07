import Dispatch
import FabricValue
import Synchronization

/// Where the hub hands events for one client. `offer` must not block: it
/// queues the bytes in the client's bounded buffer and answers false when
/// that buffer is full — the hub then drops the client (the transport closes
/// it with 1013 and the client may `resume`).
public protocol EventSink: AnyObject, Sendable {
    func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool
    func overflowed()
}

/// The process's one ordered event stream: numbers events, keeps the replay
/// buffer, and fans each event out to the clients that asked for it.
///
/// Fan-out happens under the hub's lock so that every client sees events in
/// `seq` order and a `resume` splices replayed and live events with no gap
/// and no duplicate; `offer` is non-blocking, so a slow client costs the
/// publisher only a failed append.
public final class EventHub: Sendable {
    public typealias ClientID = UInt64

    public struct ResumeOutcome: Sendable, Equatable {
        public var replayed: Int
        public var lost: Bool
        public var firstAvailableSeq: UInt64
    }

    struct Client {
        var sink: any EventSink
        var subscriptions: Subscriptions
        /// The first event this client got live: a later replay stops short of it, so nothing is sent twice.
        var firstLiveSeq: UInt64?
        /// Events up to here were already handed over (by a replay, or before the client joined):
        /// a background fan-out still queued for them skips this client.
        var deliveredThrough: UInt64 = 0
    }

    /// Where fan-out runs. `inline`: in `publish`, on the caller's thread. `background`: on one
    /// serial queue, so a publisher (a reconcile) pays only for numbering and buffering the event,
    /// not for writing it to a thousand sockets; order and resume splicing stay exact.
    public enum Delivery: Sendable {
        case inline
        case background
    }

    struct State {
        var nextSeq: UInt64 = 1
        var buffer: ReplayBuffer
        var clients: [ClientID: Client] = [:]
        var nextClientID: ClientID = 1
        var published: UInt64 = 0
        var droppedSlowClients: UInt64 = 0
    }

    public let streamID: String
    private let state: Mutex<State>
    private let now: @Sendable () -> Double
    private let fanOutQueue: DispatchQueue?

    public init(replayCapacity: Int = 10_000, streamID: String = EventHub.newStreamID(), delivery: Delivery = .inline, now: @escaping @Sendable () -> Double) {
        self.streamID = streamID
        self.now = now
        self.state = Mutex(State(buffer: ReplayBuffer(capacity: replayCapacity)))
        fanOutQueue = delivery == .background ? DispatchQueue(label: "fabricsync.notifications.fan-out", qos: .userInitiated) : nil
    }

    /// Returns once every event published so far has been offered to the clients (background delivery).
    public func waitForDelivery() {
        fanOutQueue?.sync {}
    }

    public static func newStreamID() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return String((0..<16).map { _ in hex[Int(generator.next() % 16)] })
    }

    /// The latest stream seq (0 before the first event).
    public var lastSeq: UInt64 { state.withLock { $0.nextSeq - 1 } }
    public var clientCount: Int { state.withLock { $0.clients.count } }
    public var droppedSlowClients: UInt64 { state.withLock { $0.droppedSlowClients } }
    public var firstAvailableSeq: UInt64 { state.withLock { $0.buffer.firstSeq ?? $0.nextSeq } }

    /// Appends a stream event and delivers it to every client that wants it.
    @discardableResult
    public func publish(_ type: String, fabricID: String? = nil, data: Value) -> Envelope {
        let timestamp = Timestamp.milliseconds(sinceEpoch: now())
        var overflowed: [any EventSink] = []
        let envelope = state.withLock { state -> Envelope in
            let envelope = Envelope(type: type, seq: state.nextSeq, timestamp: timestamp, fabricID: fabricID, data: data)
            state.nextSeq += 1
            state.published += 1
            state.buffer.append(envelope)
            if let fanOutQueue {
                // Queued under the lock, so the queue holds events in seq order.
                fanOutQueue.async { self.fanOut(envelope) }
            } else {
                Self.offer(envelope, in: &state, overflowed: &overflowed)
            }
            return envelope
        }
        for sink in overflowed { sink.overflowed() }
        return envelope
    }

    private func fanOut(_ envelope: Envelope) {
        var overflowed: [any EventSink] = []
        state.withLock { Self.offer(envelope, in: &$0, overflowed: &overflowed) }
        for sink in overflowed { sink.overflowed() }
    }

    private static func offer(_ envelope: Envelope, in state: inout State, overflowed: inout [any EventSink]) {
        let encoded = envelope.json
        for (id, client) in state.clients where client.deliveredThrough < envelope.seq && client.subscriptions.wants(envelope) {
            if !client.sink.offer(envelope, encoded: encoded) {
                state.clients[id] = nil
                state.droppedSlowClients += 1
                overflowed.append(client.sink)
            } else if client.firstLiveSeq == nil {
                state.clients[id]?.firstLiveSeq = envelope.seq
            }
        }
    }

    /// A direct reply: not part of the stream, it carries the latest seq so
    /// that `seq` never goes backwards on a connection.
    public func reply(_ type: String, fabricID: String? = nil, data: Value) -> Envelope {
        Envelope(type: type, seq: lastSeq, timestamp: Timestamp.milliseconds(sinceEpoch: now()), fabricID: fabricID, data: data)
    }

    public func connect(_ sink: any EventSink, subscriptions: Subscriptions = Subscriptions()) -> ClientID {
        state.withLock { state in
            let id = state.nextClientID
            state.nextClientID += 1
            state.clients[id] = Client(sink: sink, subscriptions: subscriptions, deliveredThrough: state.nextSeq - 1)
            return id
        }
    }

    public func disconnect(_ id: ClientID) {
        _ = state.withLock { $0.clients.removeValue(forKey: id) }
    }

    /// Applies a subscribe/unsubscribe; returns the client's subscriptions.
    @discardableResult
    public func update(_ id: ClientID, with command: ClientCommand) -> Subscriptions? {
        state.withLock { state in
            state.clients[id]?.subscriptions.apply(command)
            return state.clients[id]?.subscriptions
        }
    }

    /// Replays the events after `since` that the client wants, then lets live
    /// events follow — atomically, so nothing is missed or sent twice. A
    /// different `streamID` (the server restarted) or a gap the buffer no
    /// longer holds is reported as `lost`.
    public func resume(_ id: ClientID, since: UInt64, streamID clientStreamID: String?) -> ResumeOutcome? {
        var overflowed: (any EventSink)?
        let outcome = state.withLock { state -> ResumeOutcome? in
            replay(to: id, since: since, streamID: clientStreamID, in: &state, overflowed: &overflowed)
        }
        overflowed?.overflowed()
        return outcome
    }

    /// Subscribes and replays in one step (`subscribe_fabric` with `since`): the
    /// replayed events come first and live ones follow in order, which a
    /// separate `resume` cannot promise for events published between the two.
    public func subscribe(_ id: ClientID, with command: ClientCommand, resumingAfter since: UInt64, streamID clientStreamID: String?) -> ResumeOutcome? {
        var overflowed: (any EventSink)?
        let outcome = state.withLock { state -> ResumeOutcome? in
            state.clients[id]?.subscriptions.apply(command)
            return replay(to: id, since: since, streamID: clientStreamID, in: &state, overflowed: &overflowed)
        }
        overflowed?.overflowed()
        return outcome
    }

    /// Registers a client and replays what it missed in one step (SSE's
    /// `Last-Event-ID`), so no live event slips between the two.
    public func connect(_ sink: any EventSink, subscriptions: Subscriptions, replayingAfter seq: UInt64) -> (ClientID, ResumeOutcome) {
        var overflowed: (any EventSink)?
        let result = state.withLock { state -> (ClientID, ResumeOutcome) in
            let id = state.nextClientID
            state.nextClientID += 1
            state.clients[id] = Client(sink: sink, subscriptions: subscriptions, deliveredThrough: state.nextSeq - 1)
            let outcome = replay(to: id, since: seq, streamID: nil, in: &state, overflowed: &overflowed)
            return (id, outcome ?? ResumeOutcome(replayed: 0, lost: false, firstAvailableSeq: state.buffer.firstSeq ?? state.nextSeq))
        }
        overflowed?.overflowed()
        return result
    }

    private func replay(to id: ClientID, since: UInt64, streamID clientStreamID: String?, in state: inout State, overflowed: inout (any EventSink)?) -> ResumeOutcome? {
        guard let client = state.clients[id] else { return nil }
        let sameStream = clientStreamID == nil || clientStreamID == streamID
        let (events, gap) = state.buffer.events(after: sameStream ? since : 0)
        var replayed = 0
        var reachedLive = false
        for envelope in events where client.subscriptions.wants(envelope) {
            if let firstLive = client.firstLiveSeq, envelope.seq >= firstLive {
                reachedLive = true  // from here on the live fan-out has delivered, or will deliver, in order
                break
            }
            if !client.sink.offer(envelope, encoded: envelope.json) {
                state.clients[id] = nil
                state.droppedSlowClients += 1
                overflowed = client.sink
                break
            }
            replayed += 1
        }
        if !reachedLive, state.clients[id] != nil {
            // The replay reached the newest event: a background fan-out still queued for those must not send them again.
            state.clients[id]?.deliveredThrough = state.nextSeq - 1
        }
        return ResumeOutcome(replayed: replayed, lost: !sameStream || gap, firstAvailableSeq: state.buffer.firstSeq ?? state.nextSeq)
    }
}
