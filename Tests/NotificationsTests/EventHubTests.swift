import XCTest
import FabricValue
import Synchronization
@testable import Notifications

/// A sink with a bounded queue, as a transport's would be.
final class RecordingSink: EventSink {
    let limit: Int
    let received = Mutex<[Envelope]>([])
    let didOverflow = Mutex(false)
    init(limit: Int = .max) { self.limit = limit }
    func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool {
        received.withLock { queue in
            guard queue.count < limit else { return false }
            queue.append(envelope)
            return true
        }
    }
    func overflowed() { didOverflow.withLock { $0 = true } }
    var seqs: [UInt64] { received.withLock { $0.map(\.seq) } }
}

final class EventHubTests: XCTestCase {
    func makeHub(capacity: Int = 100) -> EventHub { EventHub(replayCapacity: capacity, streamID: "s1", now: { 1_795_283_093.5 }) }

    func testNumbersEventsFromOneAndStampsThem() {
        let hub = makeHub()
        let first = hub.publish(MessageType.syncStarted, fabricID: "ns/a", data: ["trigger": "manual"])
        XCTAssertEqual(first.seq, 1)
        XCTAssertEqual(first.timestamp, "2026-11-21T17:44:53.500Z")
        XCTAssertEqual(JSONWriter.string(first.value), #"{"type":"sync_started","seq":1,"timestamp":"2026-11-21T17:44:53.500Z","fabric_id":"ns/a","data":{"trigger":"manual"}}"#)
        XCTAssertEqual(hub.publish(MessageType.statsUpdate, data: [:]).seq, 2)
        XCTAssertEqual(hub.reply(MessageType.pong, data: [:]).seq, 2, "a reply carries the latest seq")
    }

    func testNewClientsSeeOnlyStatsUntilTheySubscribe() {
        let hub = makeHub()
        let sink = RecordingSink()
        let id = hub.connect(sink)
        hub.publish(MessageType.syncStarted, fabricID: "ns/a", data: [:])
        hub.publish(MessageType.statsUpdate, data: [:])
        hub.update(id, with: .subscribe(.fabric("ns/b")))
        hub.publish(MessageType.syncStarted, fabricID: "ns/a", data: [:])
        hub.publish(MessageType.syncStarted, fabricID: "ns/b", data: [:])
        hub.update(id, with: .subscribe(.all))
        hub.publish(MessageType.syncStarted, fabricID: "ns/a", data: [:])
        XCTAssertEqual(sink.seqs, [2, 4, 5])
    }

    func testASlowClientIsDroppedWithoutHoldingUpOthers() {
        let hub = makeHub()
        let slow = RecordingSink(limit: 2), fast = RecordingSink()
        _ = hub.connect(slow, subscriptions: subscribedToAll())
        _ = hub.connect(fast, subscriptions: subscribedToAll())
        for _ in 0..<10 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) }
        XCTAssertEqual(slow.seqs, [1, 2])
        XCTAssertTrue(slow.didOverflow.withLock { $0 })
        XCTAssertEqual(fast.seqs, Array(1...10))
        XCTAssertEqual(hub.clientCount, 1)
        XCTAssertEqual(hub.droppedSlowClients, 1)
    }

    func testResumeReplaysTheGapThenLiveEventsWithNoDuplicate() {
        let hub = makeHub()
        for _ in 0..<5 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) }
        let sink = RecordingSink()
        let id = hub.connect(sink, subscriptions: subscribedToAll())
        let outcome = hub.resume(id, since: 2, streamID: "s1")
        XCTAssertEqual(outcome, EventHub.ResumeOutcome(replayed: 3, lost: false, firstAvailableSeq: 1))
        hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:])
        XCTAssertEqual(sink.seqs, [3, 4, 5, 6])
    }

    func testResumeSaysLostWhenTheBufferNoLongerHoldsTheGapOrTheStreamChanged() {
        let hub = makeHub(capacity: 3)
        for _ in 0..<10 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) }
        let id = hub.connect(RecordingSink(), subscriptions: subscribedToAll())
        XCTAssertEqual(hub.resume(id, since: 2, streamID: "s1"), EventHub.ResumeOutcome(replayed: 3, lost: true, firstAvailableSeq: 8))
        let other = hub.connect(RecordingSink(), subscriptions: subscribedToAll())
        XCTAssertEqual(hub.resume(other, since: 9, streamID: "old-stream")?.lost, true)
    }

    func testConcurrentPublishersNeverReorderAClientsStream() async {
        let hub = makeHub(capacity: 10_000)
        let sink = RecordingSink()
        _ = hub.connect(sink, subscriptions: subscribedToAll())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<250 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) } }
            }
        }
        XCTAssertEqual(sink.seqs, Array(1...2000))
    }

    private func subscribedToAll() -> Subscriptions {
        var subscriptions = Subscriptions()
        subscriptions.apply(.subscribe(.all))
        return subscriptions
    }
}
