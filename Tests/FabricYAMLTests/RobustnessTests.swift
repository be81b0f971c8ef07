import FabricValue
import FabricYAML
import XCTest

/// Whatever the bytes, reading returns documents or an error with a position
/// inside the input: never a crash or a hang.
final class RobustnessTests: XCTestCase {
    /// A small deterministic generator, so a failure names a reproducible seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    static let sample = Array("""
        # fabric
        apiVersion: wiring.githedgehog.com/v1beta1
        kind: Switch
        metadata: {name: leaf-01, labels: {"a/b": c}}
        spec:
          asn: 65101
          ports: &p [E1/1, 'E1/2', "E1/3"]
          copy: *p
          base: &b {x: 1}
          merged: {<<: *b, y: 2}
          text: |
            line
          folded: >-
            a
            b
        ---
        - ~
        - [1, {a: [2]}]

        """.utf8)

    func testRandomBytesNeverCrash() {
        var generator = Generator(state: 42)
        for round in 0..<300 {
            let count = Int(generator.next() % 200)
            let alphabet: [UInt8] = Array("-:[]{}?,&*!|>'\"%@` #\n\t\r abc019.~<".utf8) + [0, 0xFF, 0xC3, 0xEF, 0xBB, 0xBF]
            let input = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            assertReadsOrPointsInside(input, "round \(round)")
        }
    }

    func testEveryPrefixAndMutationOfAValidFileIsHandled() {
        for end in 0...Self.sample.count {
            assertReadsOrPointsInside(Array(Self.sample[..<end]), "prefix \(end)")
        }
        var generator = Generator(state: 7)
        for round in 0..<300 {
            var input = Self.sample
            let position = Int(generator.next() % UInt64(input.count))
            input[position] = UInt8(truncatingIfNeeded: generator.next())
            assertReadsOrPointsInside(input, "mutation \(round) at \(position)")
        }
    }

    private func assertReadsOrPointsInside(_ input: [UInt8], _ label: String) {
        do {
            _ = try YAMLReader.documents(in: input, file: "fuzz.yaml")
        } catch {
            // libyaml ends a line at LF, CRLF or a lone CR.
            let lines = 1 + input.indices.filter { i in
                input[i] == UInt8(ascii: "\n") || (input[i] == UInt8(ascii: "\r") && (i + 1 == input.count || input[i + 1] != UInt8(ascii: "\n")))
            }.count
            XCTAssert((1...lines + 1).contains(error.mark.line), "\(label): \(error) is outside \(lines) lines")
            XCTAssertGreaterThanOrEqual(error.mark.column, 1, label)
            XCTAssertFalse(error.message.isEmpty, label)
        }
    }
}
