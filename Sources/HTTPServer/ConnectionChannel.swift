import CEpoll
import Glibc
import Synchronization

/// What a non-suspending write did.
public enum WriteResult: Equatable, Sendable {
    case accepted
    /// The connection's queue is full; nothing was written. The value is how much is queued.
    case wouldBlock(bufferedBytes: Int)
    case closed
}

/// Thrown by a write on a connection the peer or the server has closed.
public struct ConnectionClosedError: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "connection closed" }
}

/// The sending half of one connection and its epoll interest, shared by the event loop (which
/// sends whole responses) and by tasks that stream or own an upgraded connection. Every send,
/// interest change and the final close(2) happen under one lock, so a descriptor number is
/// never used after it is closed and reused by another connection.
final class ConnectionChannel: Sendable {
    enum SendStatus { case flushed, queued, closed }


    private struct State {
        var pending: [UInt8] = []
        var pendingStart = 0
        var closed = false
        /// Closing was asked for, or the final message was queued: writes are refused while the
        /// queue is still being sent.
        var writesShut = false
        var descriptorClosed = false
        var reading = true
        var writing = false
        var writeWaiters: [CheckedContinuation<Void, Never>] = []
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var closeHandlers: [@Sendable () -> Void] = []

        var queued: Int { pending.count - pendingStart }
    }

    /// Continuations and handlers to run once the lock is released.
    private struct Wakeups {
        var writers: [CheckedContinuation<Void, Never>] = []
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var closeHandlers: [@Sendable () -> Void] = []
        var postClose = false

        func run(_ channel: ConnectionChannel) {
            for writer in writers { writer.resume() }
            for waiter in closeWaiters { waiter.resume() }
            for handler in closeHandlers { handler() }
            if postClose { channel.loop.post(.close(channel.id)) }
        }
    }

    /// Long-lived streams and upgraded connections get a small kernel send
    /// buffer: Linux grows it to several MiB (`tcp_wmem`), which would hide a
    /// stalled reader from the bounded queue above it for a long time. With
    /// the kernel holding little, a reader that stops shows up as a full
    /// queue quickly and the caller can cut it off (WebSocket 1013).
    func capKernelSendBuffer(_ bytes: Int32 = 64 * 1024) {
        var size = bytes
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    let fd: Int32
    let id: UInt64
    let queueLimit: Int
    let loop: EventLoop
    private let state = Mutex(State())

    init(fd: Int32, id: UInt64, queueLimit: Int, loop: EventLoop) {
        self.fd = fd
        self.id = id
        self.queueLimit = queueLimit
        self.loop = loop
    }

    /// The connection is closed (or failed): the descriptor is going or gone.
    var isClosed: Bool { state.withLock { $0.closed } }
    /// False once writes are refused: closed, closing, or past the final message.
    var acceptsWrites: Bool { state.withLock { !$0.closed && !$0.writesShut } }
    var queuedBytes: Int { state.withLock { $0.queued } }

    /// Queues bytes without a bound; the event loop uses it for whole responses and bounds itself
    /// by reading no further request while output is queued.
    func sendAll(_ bytes: [UInt8]) -> SendStatus {
        var wakeups = Wakeups()
        let status = state.withLock { state -> SendStatus in
            guard !state.closed else { return .closed }
            append(bytes, to: &state, wakeups: &wakeups)
            return state.closed ? .closed : state.queued == 0 ? .flushed : .queued
        }
        wakeups.run(self)
        return status
    }

    func tryWrite(_ bytes: [UInt8]) -> WriteResult {
        var wakeups = Wakeups()
        let result = state.withLock { state -> WriteResult in
            guard !state.closed && !state.writesShut else { return .closed }
            guard state.queued < queueLimit else { return .wouldBlock(bufferedBytes: state.queued) }
            append(bytes, to: &state, wakeups: &wakeups)
            return state.closed ? .closed : .accepted
        }
        wakeups.run(self)
        return result
    }

    /// Writes, suspending while the queue is full until the socket drains it below half.
    /// A cancelled task stays suspended until the queue drains or the connection closes.
    func write(_ bytes: [UInt8]) async throws(ConnectionClosedError) {
        while true {
            switch tryWrite(bytes) {
            case .accepted: return
            case .closed: throw ConnectionClosedError()
            case .wouldBlock:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.closed || state.writesShut || state.queued < queueLimit { return true }
                        state.writeWaiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    /// Queues a last small message even past the queue limit, then refuses further writes.
    /// A message whose payload (`size`, without framing) is over `finalMessageLimit` is queued
    /// only if there is room, like `tryWrite`.
    func writeFinal(_ bytes: [UInt8], size: Int) -> WriteResult {
        var wakeups = Wakeups()
        let result = state.withLock { state -> WriteResult in
            guard !state.closed && !state.writesShut else { return .closed }
            guard size <= HTTPServerConfiguration.finalMessageLimit || state.queued < queueLimit else {
                return .wouldBlock(bufferedBytes: state.queued)
            }
            append(bytes, to: &state, wakeups: &wakeups)
            shutWrites(&state, wakeups: &wakeups)
            return state.closed ? .closed : .accepted
        }
        wakeups.run(self)
        return result
    }

    /// Any thread: the graceful close of a stream or upgraded connection. Writes are refused at
    /// once; the loop sends what is queued until `flushTimeout`, then cuts the peer off.
    func requestClose(flushTimeout: Duration) {
        guard shutWrites() else { return }
        loop.post(.closeAfterFlush(id, deadline: monotonicNanoseconds() + flushTimeout.nanoseconds))
    }

    /// Any thread: closes at once, dropping what is queued.
    func requestAbort() {
        guard shutWrites() else { return }
        loop.post(.abort(id))
    }

    /// Refuses further writes (suspended writers wake and throw) while what is queued is still
    /// sent. Returns false when the connection is already closed.
    private func shutWrites() -> Bool {
        var wakeups = Wakeups()
        let open = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            shutWrites(&state, wakeups: &wakeups)
            return true
        }
        wakeups.run(self)
        return open
    }

    /// Called by the event loop when the socket is writable. Returns true when the queue is empty.
    func flushWritable() -> Bool {
        var wakeups = Wakeups()
        let drained = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            flush(&state, wakeups: &wakeups)
            return !state.closed && state.queued == 0
        }
        wakeups.run(self)
        return drained
    }

    func setReading(_ reading: Bool) {
        state.withLock { state in
            guard state.reading != reading else { return }
            state.reading = reading
            updateInterest(state)
        }
    }

    func onClose(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.closed { return true }
            state.closeHandlers.append(handler)
            return false
        }
        if runNow { handler() }
    }

    func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Event-loop thread only: marks closed and closes the descriptor. `abortive` discards what
    /// the kernel still holds for a peer that stopped reading and resets the connection, so a
    /// stalled peer keeps no memory on our side.
    func closeFromLoop(abortive: Bool = false) {
        var wakeups = Wakeups()
        state.withLock { state in
            if !state.closed { markClosed(&state, wakeups: &wakeups) }
            guard !state.descriptorClosed else { return }
            state.descriptorClosed = true
            state.pending = []
            state.pendingStart = 0
            if abortive {
                var reset = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            }
            close(fd)
        }
        wakeups.run(self)
    }

    private func shutWrites(_ state: inout State, wakeups: inout Wakeups) {
        state.writesShut = true
        wakeups.writers += state.writeWaiters
        state.writeWaiters = []
    }

    private func markClosed(_ state: inout State, wakeups: inout Wakeups) {
        state.closed = true
        wakeups.writers += state.writeWaiters
        wakeups.closeWaiters += state.closeWaiters
        wakeups.closeHandlers += state.closeHandlers
        state.writeWaiters = []
        state.closeWaiters = []
        state.closeHandlers = []
    }

    private func append(_ bytes: [UInt8], to state: inout State, wakeups: inout Wakeups) {
        guard !bytes.isEmpty else { return }
        if state.queued == 0 {
            // Nothing queued: send straight from the caller's bytes and keep only what the socket refused.
            let sent = sendSome(bytes, from: 0, state: &state, wakeups: &wakeups)
            guard !state.closed, sent < bytes.count else { return }
            state.pending.removeAll(keepingCapacity: true)
            state.pendingStart = 0
            state.pending.append(contentsOf: bytes[sent...])
        } else {
            state.pending.append(contentsOf: bytes)
        }
        if !state.writing {
            state.writing = true
            updateInterest(state)
        }
    }

    private func flush(_ state: inout State, wakeups: inout Wakeups) {
        if state.queued > 0 {
            let pending = state.pending
            state.pendingStart += sendSome(pending, from: state.pendingStart, state: &state, wakeups: &wakeups)
            guard !state.closed else { return }
        }
        if state.queued == 0 {
            // Keep a modest buffer for the next burst, but give back a large one.
            if state.pending.capacity > 1 << 20 { state.pending = [] } else { state.pending.removeAll(keepingCapacity: true) }
            state.pendingStart = 0
            if state.writing {
                state.writing = false
                updateInterest(state)
            }
        } else if state.pendingStart > state.pending.count / 2 {
            state.pending.removeSubrange(0..<state.pendingStart)
            state.pendingStart = 0
        }
        if state.queued <= queueLimit / 2 {
            wakeups.writers += state.writeWaiters
            state.writeWaiters = []
        }
    }

    /// Sends as much as the socket takes; on a hard error marks the channel closed.
    private func sendSome(_ bytes: [UInt8], from start: Int, state: inout State, wakeups: inout Wakeups) -> Int {
        var offset = start
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return
                } else {
                    markClosed(&state, wakeups: &wakeups)
                    wakeups.postClose = true
                    return
                }
            }
        }
        return offset - start
    }

    private func updateInterest(_ state: State) {
        guard !state.descriptorClosed else { return }
        var event = epoll_event()
        event.events = (state.reading ? EPOLLIN.rawValue : 0) | (state.writing ? EPOLLOUT.rawValue : 0)
        event.data.u64 = id
        _ = epoll_ctl(loop.epollFD, EPOLL_CTL_MOD, fd, &event)
    }
}
