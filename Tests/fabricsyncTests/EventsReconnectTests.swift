import Foundation
import Synchronization
import XCTest

/// `fabricsync events` across a server restart: it reconnects with backoff, and since the new
/// process has a new stream it says events were lost and follows the new stream from its start.
final class EventsReconnectTests: XCTestCase {
    final class Output: Sendable {
        let text = Mutex("")
        func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        var value: String { text.withLock { $0 } }
    }

    func testReconnectsAfterARestartAndSaysTheGapIsLost() throws {
        let first = try RunningFabricsync()
        let port = first.port
        XCTAssertTrue(try RunningFabricsync.eventually { try first.allReady() })

        let events = Process()
        events.executableURL = FabricsyncProcess.binary
        events.arguments = ["events", "--server", first.server]
        let out = Pipe(), err = Pipe()
        events.standardOutput = out
        events.standardError = err
        let stdout = Output(), stderr = Output()
        out.fileHandleForReading.readabilityHandler = { stdout.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        try events.run()
        defer { if events.isRunning { kill(events.processIdentifier, SIGKILL) } }
        XCTAssertTrue(RunningFabricsync.eventually { stdout.value.contains("fabric_status") })

        XCTAssertEqual(first.stop(), 0)
        XCTAssertTrue(RunningFabricsync.eventually { stderr.value.contains("reconnecting in") }, stderr.value)
        let second = try RunningFabricsync(listen: "127.0.0.1:\(port)")
        defer { _ = second.stop() }
        XCTAssertTrue(RunningFabricsync.eventually { stderr.value.contains("some events were lost") }, stderr.value)
        // The new stream from its first event: its startup reconcile.
        XCTAssertTrue(RunningFabricsync.eventually { stdout.value.contains("  #1  ") && stdout.value.contains("trigger=startup") }, stdout.value)
        XCTAssertTrue(stderr.value.contains("connection closed (1001"), stderr.value)
    }
}
