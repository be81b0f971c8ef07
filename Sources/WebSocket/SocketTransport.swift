import Dispatch
import Glibc
import Synchronization

/// A connected TCP socket as a `WebSocketTransport`, for the client side (the HTTP server has its
/// own event loops). Non-blocking, driven by Dispatch read and write sources. Bounded both ways:
/// reading pauses while `readLimit` bytes wait for the reader, and `tryWrite` refuses past `queueLimit`.
final class SocketTransport: WebSocketTransport {
    private struct State {
        var inbound: [UInt8] = []
        var inputFinished = false
        var reader: CheckedContinuation<[UInt8]?, Never>?
        var readingPaused = false
        var outbound: [UInt8] = []
        var outboundStart = 0
        var writeSourceRunning = true
        var writers: [CheckedContinuation<Void, Never>] = []
        /// No more writes accepted.
        var closed = false
        var closeWhenFlushed = false
        var released = false
        var queued: Int { outbound.count - outboundStart }
    }

    /// Continuations and source changes decided under the lock, carried out after it.
    private struct Effects {
        var reader: (CheckedContinuation<[UInt8]?, Never>, [UInt8]?)?
        var writers: [CheckedContinuation<Void, Never>] = []
        var resumeReading = false
        var suspendReading = false
        var startWriting = false
        var release = false
    }

    private let fd: Int32
    private let queueLimit: Int
    private let readLimit: Int
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "fabricsync.websocket.socket")
    // Dispatch sources are thread-safe but not marked Sendable; they are only suspended, resumed
    // and cancelled, each change decided under `state`'s lock so they stay balanced.
    nonisolated(unsafe) private let readSource: DispatchSourceRead
    nonisolated(unsafe) private let writeSource: DispatchSourceWrite

    /// Takes ownership of `fd` (connected, any blocking mode).
    init(fd: Int32, queueLimit: Int = 256 * 1024, readLimit: Int = 256 * 1024) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.queueLimit = queueLimit
        self.readLimit = readLimit
        state = Mutex(State())
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        let cancelled = CancelCount()
        let cancelHandler: @Sendable () -> Void = {
            // The descriptor is closed once neither source can touch it any more.
            if cancelled.increment() == 2 { Glibc.close(fd) }
        }
        readSource.setCancelHandler(handler: cancelHandler)
        writeSource.setCancelHandler(handler: cancelHandler)
        readSource.setEventHandler { [weak self] in self?.readAvailable() }
        writeSource.setEventHandler { [weak self] in self?.flushWritable() }
        readSource.resume()
        writeSource.resume()
    }

    deinit {
        // Normally `close()` has released the sources; an armed source left behind would keep firing
        // on a readable socket with nobody to handle it.
        var effects = Effects()
        state.withLock { release(&$0, &effects) }
        apply(effects)
    }

    func read() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            var effects = Effects()
            state.withLock { state in
                if !state.inbound.isEmpty {
                    effects.reader = (continuation, state.inbound)
                    state.inbound = []
                    if state.readingPaused && !state.released {
                        state.readingPaused = false
                        effects.resumeReading = true
                    }
                } else if state.inputFinished {
                    effects.reader = (continuation, nil)
                } else {
                    state.reader = continuation
                }
            }
            apply(effects)
        }
    }

    /// Puts bytes back in front of the input: what was read past the handshake belongs to the frames.
    func unread(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { $0.inbound = bytes + $0.inbound }
    }

    func write(_ bytes: [UInt8]) async -> Bool {
        while true {
            switch tryWrite(bytes) {
            case .accepted: return true
            case .closed: return false
            case .wouldBlock:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.closed || state.queued < queueLimit { return true }
                        state.writers.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    func tryWrite(_ bytes: [UInt8]) -> WebSocketTransportWrite {
        var effects = Effects()
        let result = state.withLock { state -> WebSocketTransportWrite in
            if state.closed { return .closed }
            if state.queued >= queueLimit { return .wouldBlock(bufferedBytes: state.queued) }
            state.outbound += bytes
            send(&state, &effects)
            return state.closed ? .closed : .accepted
        }
        apply(effects)
        return result
    }

    func close() {
        var effects = Effects()
        state.withLock { state in
            state.closed = true
            state.closeWhenFlushed = true
            if state.queued == 0 { release(&state, &effects) }
        }
        apply(effects)
    }

    private func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var received: [UInt8] = []
        var finished = false
        while received.count < readLimit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                finished = count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
                break
            }
        }
        var effects = Effects()
        state.withLock { state in
            guard !state.released else { return }
            if !received.isEmpty {
                if let reader = state.reader {
                    state.reader = nil
                    effects.reader = (reader, received)
                } else {
                    state.inbound += received
                }
            }
            if finished {
                state.inputFinished = true
                if effects.reader == nil, let reader = state.reader {
                    state.reader = nil
                    effects.reader = (reader, nil)
                }
            }
            // At end of input the source would fire forever; after too much unread input it must wait.
            if (finished || state.inbound.count >= readLimit) && !state.readingPaused {
                state.readingPaused = true
                effects.suspendReading = true
            }
        }
        apply(effects)
    }

    private func flushWritable() {
        var effects = Effects()
        state.withLock { state in
            guard !state.released else { return }
            send(&state, &effects)
            guard !state.released else { return }
            if state.queued == 0 && state.writeSourceRunning {
                state.writeSourceRunning = false
                writeSource.suspend()
            }
            if state.queued == 0 && state.closeWhenFlushed { release(&state, &effects) }
        }
        apply(effects)
    }

    /// Sends what the socket takes; keeps the rest and makes sure the write source will flush it.
    private func send(_ state: inout State, _ effects: inout Effects) {
        while state.queued > 0 {
            let count = state.outbound.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + state.outboundStart, state.queued, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                state.outboundStart += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                state.closed = true
                release(&state, &effects)
                return
            }
        }
        if state.queued == 0 {
            state.outbound.removeAll(keepingCapacity: state.outbound.capacity <= 64 * 1024)
            state.outboundStart = 0
        } else if !state.writeSourceRunning {
            state.writeSourceRunning = true
            effects.startWriting = true
        }
        if state.queued <= queueLimit / 2 {
            effects.writers += state.writers
            state.writers = []
        }
    }

    private func release(_ state: inout State, _ effects: inout Effects) {
        guard !state.released else { return }
        state.released = true
        state.closed = true
        state.inputFinished = true
        if let reader = state.reader {
            state.reader = nil
            effects.reader = (reader, nil)
        }
        effects.writers += state.writers
        state.writers = []
        // Dispatch requires a suspended source to be resumed before it is cancelled.
        if state.readingPaused { effects.resumeReading = true }
        if !state.writeSourceRunning { effects.startWriting = true }
        effects.release = true
    }

    private func apply(_ effects: Effects) {
        if effects.suspendReading { readSource.suspend() }
        if effects.resumeReading { readSource.resume() }
        if effects.startWriting { writeSource.resume() }
        if effects.release {
            readSource.cancel()
            writeSource.cancel()
        }
        if let (reader, bytes) = effects.reader { reader.resume(returning: bytes) }
        for writer in effects.writers { writer.resume() }
    }
}

private final class CancelCount: Sendable {
    private let count = Mutex(0)

    func increment() -> Int {
        count.withLock { count in
            count += 1
            return count
        }
    }
}
