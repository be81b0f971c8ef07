import Foundation
import KubeClient
import XCTest

/// The hand-off from the transfer thread to the consumer is bounded: a
/// producer waits while the consumer is behind, and learns when it has gone.
final class TransportStreamTests: XCTestCase {
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var yielded = 0
        private var refused = false
        var count: Int { lock.withLock { yielded } }
        var wasRefused: Bool { lock.withLock { refused } }
        func step() { lock.withLock { yielded += 1 } }
        func refuse() { lock.withLock { refused = true } }
    }

    private func produce(_ feed: StreamFeed, chunks: Int, progress: Progress) {
        Thread {
            for _ in 0..<chunks {
                guard feed.yield(.body([UInt8](repeating: 1, count: 10))) else { return progress.refuse() }
                progress.step()
            }
            feed.finish()
        }.start()
    }

    private func settle() async throws { try await Task.sleep(for: .milliseconds(200)) }

    func testAProducerWaitsWhileTheConsumerIsBehind() async throws {
        let (stream, feed) = TransportStream.makeFed(bufferLimit: 30)
        let progress = Progress()
        produce(feed, chunks: 100, progress: progress)
        let deadline = ContinuousClock.now + .seconds(30)
        while progress.count < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try await settle()
        XCTAssertEqual(progress.count, 3, "three 10-byte chunks fill a 30-byte buffer; the fourth waits")
        var received = 0
        for try await part in stream {
            if case .body(let bytes) = part { received += bytes.count }
        }
        XCTAssertEqual(received, 1000, "every byte arrives once the consumer reads")
        XCTAssertEqual(progress.count, 100)
    }

    func testAWaitingProducerIsReleasedWhenTheStreamIsCancelled() async throws {
        let (stream, feed) = TransportStream.makeFed(bufferLimit: 30)
        let progress = Progress()
        produce(feed, chunks: 100, progress: progress)
        try await settle()
        stream.cancel()
        let deadline = ContinuousClock.now + .seconds(30)
        while !progress.wasRefused && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        XCTAssertTrue(progress.wasRefused, "the blocked producer was told to stop")
        XCTAssertTrue(feed.isCancelled)
    }

    func testDroppingTheStreamCancelsIt() async throws {
        var holder: TransportStream? = nil
        let feed: StreamFeed
        (holder, feed) = TransportStream.makeFed(bufferLimit: 30)
        XCTAssertFalse(feed.isCancelled)
        holder = nil
        XCTAssertNil(holder)
        XCTAssertTrue(feed.isCancelled, "nobody can read it any more")
    }

    func testAFailureReachesTheConsumerAfterTheBufferedParts() async throws {
        let (stream, feed) = TransportStream.makeFed()
        feed.yield(.head(ResponseHead(status: 200, headers: [:])))
        feed.yield(.body([1, 2, 3]))
        feed.finish(TransportError(kind: .connection, message: "reset by peer"))
        var parts: [StreamPart] = []
        do {
            for try await part in stream { parts.append(part) }
            XCTFail("the failure was lost")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connection)
        }
        XCTAssertEqual(parts, [.head(ResponseHead(status: 200, headers: [:])), .body([1, 2, 3])])
    }
}
