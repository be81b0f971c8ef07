import Foundation

/// One piece of a streamed response: its head first, then body bytes as they arrive.
public enum StreamPart: Sendable, Equatable {
    case head(ResponseHead)
    case body([UInt8])
}

/// A streamed response (see `HTTPTransport.stream`). One consumer iterates it;
/// when the stream and its iterator are gone, or the consumer's task is
/// cancelled, the transfer is aborted.
public struct TransportStream: AsyncSequence, Sendable {
    public typealias Element = StreamPart

    let channel: StreamChannel
    private let lifetime: Lifetime

    init(channel: StreamChannel) {
        self.channel = channel
        self.lifetime = Lifetime(channel: channel)
    }

    /// A stream that fails at once (a request that could not be started).
    public static func failed(_ error: TransportError) -> TransportStream {
        let channel = StreamChannel(limit: 1)
        channel.finish(error)
        return TransportStream(channel: channel)
    }

    /// A stream fed by the caller: for transports other than libcurl, and test doubles.
    public static func makeFed(bufferLimit: Int = 1 << 20) -> (stream: TransportStream, feed: StreamFeed) {
        let channel = StreamChannel(limit: bufferLimit)
        return (TransportStream(channel: channel), StreamFeed(channel: channel))
    }

    /// Aborts the transfer; the consumer then sees a `.cancelled` error.
    public func cancel() { channel.cancel() }

    public func makeAsyncIterator() -> Iterator { Iterator(channel: channel, lifetime: lifetime) }

    public struct Iterator: AsyncIteratorProtocol {
        let channel: StreamChannel
        let lifetime: Lifetime

        public mutating func next() async throws -> StreamPart? { try await channel.next() }
    }

    /// Cancels the transfer when the last holder of the stream lets go.
    final class Lifetime: Sendable {
        let channel: StreamChannel
        init(channel: StreamChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }
}

/// The producing end of a fed `TransportStream`.
public struct StreamFeed: Sendable {
    let channel: StreamChannel

    /// Blocks while the consumer is behind by more than the buffer limit;
    /// returns false once the consumer has gone (stop producing).
    @discardableResult
    public func yield(_ part: StreamPart) -> Bool { channel.push(part) }
    public func finish(_ error: TransportError? = nil) { channel.finish(error) }
    public var isCancelled: Bool { channel.isCancelled }
}

/// A bounded hand-off from a producing thread (libcurl's write callback) to
/// an async consumer. The producer blocks when the consumer falls behind by
/// more than `limit` bytes, so a slow reader slows the TCP stream instead of
/// growing memory without bound.
final class StreamChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var parts: [StreamPart] = []
    private var head = 0
    private var bufferedBytes = 0
    private var finished = false
    private var failure: TransportError?
    private var cancelled = false
    private var waiter: CheckedContinuation<StreamPart?, Error>?
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func push(_ part: StreamPart) -> Bool {
        condition.lock()
        while bufferedBytes >= limit && !cancelled { condition.wait() }
        if cancelled || finished {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: part)
            return true
        }
        parts.append(part)
        bufferedBytes += Self.size(part)
        condition.unlock()
        return true
    }

    func finish(_ error: TransportError?) {
        condition.lock()
        if finished {
            condition.unlock()
            return
        }
        finished = true
        failure = error
        guard let waiter else {
            condition.unlock()
            return
        }
        self.waiter = nil
        self.failure = nil
        condition.unlock()
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(throwing: TransportError(kind: .cancelled, message: "the stream was cancelled"))
    }

    func next() async throws -> StreamPart? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<StreamPart?, Error>) in
                condition.lock()
                if head < parts.count {
                    let part = parts[head]
                    head += 1
                    if head > 64 && head * 2 > parts.count {
                        parts.removeFirst(head)
                        head = 0
                    }
                    bufferedBytes -= Self.size(part)
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: part)
                } else if finished {
                    // The failure is reported once; later calls see a plain end.
                    let failure = self.failure
                    self.failure = nil
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else if cancelled {
                    condition.unlock()
                    continuation.resume(throwing: TransportError(kind: .cancelled, message: "the stream was cancelled"))
                } else {
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            cancel()
        }
    }

    private static func size(_ part: StreamPart) -> Int {
        if case .body(let bytes) = part { return bytes.count }
        return 0
    }
}
