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

    var isClosed: Bool { state.withLock { $0.closed } }
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
            guard !state.closed else { return .closed }
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
                        if state.closed || state.queued < queueLimit { return true }
                        state.writeWaiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
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

    /// Any thread: refuses further writes, wakes waiters, and asks the loop to tear the connection down.
    func requestClose() {
        var wakeups = Wakeups()
        state.withLock { state in
            guard !state.closed else { return }
            markClosed(&state, wakeups: &wakeups)
            wakeups.postClose = true
        }
        wakeups.run(self)
    }

    /// Event-loop thread only: marks closed and closes the descriptor.
    func closeFromLoop() {
        var wakeups = Wakeups()
        state.withLock { state in
            if !state.closed { markClosed(&state, wakeups: &wakeups) }
            guard !state.descriptorClosed else { return }
            state.descriptorClosed = true
            state.pending = []
            state.pendingStart = 0
            close(fd)
        }
        wakeups.run(self)
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
