import FabricValue
import XCTest
@testable import Notifications

/// `EventHub(delivery: .background)`: the publisher only numbers and buffers; fan-out on one
/// serial queue keeps every client's order, and a resume racing the queue sends nothing twice.
final class BackgroundDeliveryTests: XCTestCase {
    func makeHub() -> EventHub { EventHub(replayCapacity: 10_000, streamID: "s1", delivery: .background, now: { 0 }) }

    func everything() -> Subscriptions {
        var subscriptions = Subscriptions()
        subscriptions.apply(.subscribe(.all))
        return subscriptions
    }

    func testConcurrentPublishersReachEveryClientInSeqOrder() async {
        let hub = makeHub()
        let sinks = (0..<5).map { _ in RecordingSink() }
        for sink in sinks { _ = hub.connect(sink, subscriptions: everything()) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<250 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) } }
            }
        }
        hub.waitForDelivery()
        for sink in sinks { XCTAssertEqual(sink.seqs, Array(1...1000)) }
    }

    func testResumeWhileFanOutIsQueuedSendsEachEventOnce() async {
        let hub = makeHub()
        for _ in 0..<100 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) }
        for round in 0..<20 {
            let sink = RecordingSink()
            let id = hub.connect(sink)
            let publisher = Task { for _ in 0..<50 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) } }
            let since = UInt64(40 + round)
            _ = hub.subscribe(id, with: .subscribe(.all), resumingAfter: since, streamID: "s1")
            await publisher.value
            hub.waitForDelivery()
            XCTAssertEqual(sink.seqs, Array((since + 1)...hub.lastSeq), "round \(round)")
        }
    }

    func testAClientJoiningLateGetsNoEventPublishedBeforeIt() {
        let hub = makeHub()
        for _ in 0..<500 { hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:]) }
        let sink = RecordingSink()
        _ = hub.connect(sink, subscriptions: everything())
        hub.publish(MessageType.syncProgress, fabricID: "ns/a", data: [:])
        hub.waitForDelivery()
        XCTAssertEqual(sink.seqs, [501])
    }
}
