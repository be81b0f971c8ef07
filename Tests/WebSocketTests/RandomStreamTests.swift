import XCTest
@testable import WebSocket

/// Seeded random streams (valid frames with random corruption) through the server state machine:
/// it never crashes, fails only with the codes a peer can cause, and decides the same whatever
/// the chunking, so a network cutting bytes differently can never change the outcome.
final class RandomStreamTests: XCTestCase {
    /// SplitMix64: small, seeded, the same on every machine.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func randomStream(_ random: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let payload = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
            switch Int.random(in: 0...5, using: &random) {
            case 0: bytes += ClientFrames.frame(.binary, payload)
            case 1: bytes += ClientFrames.frame(.ping, Array(payload.prefix(125)))
            case 2: bytes += ClientFrames.text("fragment", fin: false) + ClientFrames.frame(.continuation, payload)
            case 3: bytes += ClientFrames.frame(.text, Array("é€𝄞".utf8) + payload)
            default: bytes += ClientFrames.frame(.text, payload)
            }
        }
        // Corrupt some streams: flip a few random bits anywhere (header or payload).
        if Bool.random(using: &random) {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            }
        }
        return bytes
    }

    private func run(_ chunks: [ArraySlice<UInt8>]) -> ([WebSocketAction], WebSocketClosure?) {
        let start = ContinuousClock.now
        var machine = WebSocketStateMachine(configuration: WebSocketConfiguration(maximumMessageSize: 1024), now: start)
        var actions: [WebSocketAction] = []
        for chunk in chunks { actions += machine.receive(chunk, now: start) }
        return (actions, machine.closure)
    }

    func testAnyChunkingOfAnyStreamGivesTheSameOutcome() {
        var random = SeededGenerator(state: 20_261_123)
        var failures = 0
        for round in 0..<500 {
            let bytes = randomStream(&random)
            let whole = run([bytes[...]])
            var chunks: [ArraySlice<UInt8>] = []
            var offset = 0
            while offset < bytes.count {
                let size = Int.random(in: 1...40, using: &random)
                chunks.append(bytes[offset..<min(offset + size, bytes.count)])
                offset += size
            }
            let chunked = run(chunks)
            XCTAssertEqual(chunked.0, whole.0, "round \(round)")
            XCTAssertEqual(chunked.1, whole.1, "round \(round)")
            if let closure = whole.1 {
                failures += 1
                XCTAssertTrue([.protocolError, .invalidPayloadData, .messageTooBig].contains(closure.code), "round \(round): \(closure)")
            }
        }
        XCTAssertGreaterThan(failures, 25, "the corruption must actually exercise the failure paths")
    }
}
