import FabricSource
import Foundation
import XCTest

/// Hundreds of damaged variants of a valid source (bytes flipped, dropped,
/// duplicated, truncated): each loads to a result, never a crash, and every
/// issue it reports has a position inside the source and a message.
final class MutationTests: XCTestCase {
    let original = Array("""
        apiVersion: wiring.githedgehog.com/v1alpha2
        kind: Fabric
        metadata:
          name: dc1
          namespace: hedgehog-system
        spec:
          asn: 65000
          sync: {interval: 60, prune: true, targetNamespace: fab}
        ---
        apiVersion: wiring.githedgehog.com/v1beta1
        kind: Switch
        metadata:
          name: leaf-01
          labels: {rack: r1}
        spec:
          role: server-leaf
          asn: 65101
          ports: [{name: E1/1, speed: 25G}, {name: E1/2, speed: 25G}]
          boot: &boot {mac: "0c:20:12:fe:01:00"}
          again: *boot

        """.utf8)

    func testDamagedInputNeverCrashes() throws {
        let root = try temporaryFolder(self)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let junk: [UInt8] = Array(":-[]{}&*!|>'\"#%@`\t\n ,?".utf8) + [0, 0xFF, 0xC3]
        var invalid = 0
        for round in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + next(4)) {
                let at = next(bytes.count)
                switch next(4) {
                case 0: bytes[at] = junk[next(junk.count)]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(bytes[at], at: at)
                default: bytes.removeSubrange(at...)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "x")] }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: root + "/fabric.yaml"))
            let loaded = try SourceLoader.load(root: root, options: SourceOptions(git: nil))
            if !loaded.isValid { invalid += 1 }
            for issue in loaded.issues {
                XCTAssertEqual(issue.mark.file, "fabric.yaml", "round \(round)")
                XCTAssertGreaterThanOrEqual(issue.mark.line, 1, "round \(round): \(issue)")
                XCTAssertGreaterThanOrEqual(issue.mark.column, 1, "round \(round): \(issue)")
                XCTAssertFalse(issue.message.isEmpty, "round \(round)")
            }
        }
        XCTAssertGreaterThan(invalid, 100, "the damage must mostly be noticed")
    }
}
