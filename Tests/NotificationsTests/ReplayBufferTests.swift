import XCTest
import FabricValue
@testable import Notifications

final class ReplayBufferTests: XCTestCase {
    func envelope(_ seq: UInt64) -> Envelope { Envelope(type: "sync_started", seq: seq, timestamp: "t", data: .null) }

    func testKeepsTheLastEventsAndSaysWhenAGapWasLost() {
        var buffer = ReplayBuffer(capacity: 3)
        XCTAssertEqual(buffer.events(after: 0).events, [])
        for seq: UInt64 in 1...5 { buffer.append(envelope(seq)) }
        XCTAssertEqual(buffer.firstSeq, 3)
        XCTAssertEqual(buffer.lastSeq, 5)
        let cases: [(UInt64, [UInt64], Bool)] = [(5, [], false), (4, [5], false), (2, [3, 4, 5], false), (1, [3, 4, 5], true), (0, [3, 4, 5], true), (9, [], false)]
        for (since, seqs, lost) in cases {
            let (events, gap) = buffer.events(after: since)
            XCTAssertEqual(events.map(\.seq), seqs, "since \(since)")
            XCTAssertEqual(gap, lost, "since \(since)")
        }
    }
}

final class ClientCommandTests: XCTestCase {
    func testParsesTheProtocolsCommands() {
        let cases: [(String, ClientCommand)] = [
            (#"{"type":"subscribe_fabric","fabric_id":"hedgehog-system/dc1"}"#, .subscribe(.fabric("hedgehog-system/dc1"))),
            (#"{"type":"subscribe_fabric","fabric_id":"*"}"#, .subscribe(.all)),
            (#"{"type":"unsubscribe_fabric","fabric_id":"a/b"}"#, .unsubscribe(.fabric("a/b"))),
            (#"{"type":"ping","client_time":12345}"#, .ping(clientTime: .int(12345))),
            (#"{"type":"ping"}"#, .ping(clientTime: nil)),
            (#"{"type":"resume","since":41,"stream_id":"abc"}"#, .resume(since: 41, streamID: "abc")),
        ]
        for (text, expected) in cases { XCTAssertEqual(try ClientCommand.parse(text).get(), expected, text) }
    }

    func testRejectsMalformedMessagesWithACode() {
        let cases: [(String, String)] = [
            ("not json", "invalid_json"), ("[1]", "invalid_message"), (#"{"kind":"x"}"#, "invalid_message"),
            (#"{"type":"dance"}"#, "unknown_type"), (#"{"type":"subscribe_fabric"}"#, "invalid_fabric_id"),
            (#"{"type":"subscribe_fabric","fabric_id":"nonamespace"}"#, "invalid_fabric_id"),
            (#"{"type":"resume","since":-1}"#, "invalid_message"),
        ]
        for (text, code) in cases {
            guard case .failure(let error) = ClientCommand.parse(text) else { return XCTFail(text) }
            XCTAssertEqual(error.code, code, text)
        }
    }
}
