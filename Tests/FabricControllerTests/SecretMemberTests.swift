import FabricController
import FabricDiff
import FabricValue
import Notifications
import Synchronization
import XCTest

/// A Secret member's values never show: not in plans, logs or notifications.
final class SecretMemberTests: XCTestCase {
    static let secretValue = "hunter2-very-secret"

    static func secret(_ value: String) -> String {
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: credentials\ntype: Opaque\nstringData:\n  password: \"\(value)\"\n"
    }

    func testSecretValuesNeverAppearInPlansLogsOrNotifications() async throws {
        let harness = try await ControllerHarness(files: ["dc/fabric.yaml": Fixtures.fabric("dc"), "dc/secret.yaml": Self.secret(Self.secretValue)])
        defer { Task { await harness.shutdown() } }
        let events = DriftTests.Collector()
        var all = Subscriptions()
        all.apply(.subscribe(.all))
        _ = harness.hub.connect(events, subscriptions: all)

        _ = await harness.reconcileOnce()
        try harness.write("dc/secret.yaml", Self.secret(Self.secretValue + "-rotated"))
        let reports = await harness.reconcileOnce()
        let plan = try XCTUnwrap(reports["hedgehog-system/dc"]?.plan)
        XCTAssertEqual(plan.count(of: .update), 1)

        try await harness.whileRunning {
            _ = try await harness.client.mergePatch(apiVersion: "v1", kind: "Secret", namespace: "default", name: "credentials",
                                                    patch: ["stringData": ["password": .string(Self.secretValue + "-by-hand")]])
            try await harness.eventually("the drift is seen") { !events.of(MessageType.driftDetected).isEmpty }
        }

        let base64 = Array(Self.secretValue.utf8).base64
        let printed = PlanPrinter.text(plan) + JSONWriter.string(PlanPrinter.jsonValue(plan))
        let notified = events.received.withLock { $0.map { JSONWriter.string($0.value) }.joined(separator: "\n") }
        let logged = harness.log.all.joined(separator: "\n")
        for (name, text) in [("plan", printed), ("notifications", notified), ("logs", logged)] {
            XCTAssertFalse(text.contains(Self.secretValue), "\(name) shows the secret")
            XCTAssertFalse(text.contains(base64.dropLast(2)), "\(name) shows the secret's base64")
        }
        XCTAssertTrue(printed.contains("***"), printed)
    }
}

extension Array where Element == UInt8 {
    /// Standard base64, for checking that an encoded secret does not leak.
    var base64: String {
        let table = [Character]("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < count {
            let chunk = [UInt8](self[index..<Swift.min(index + 3, count)])
            let b: [UInt8] = chunk + [UInt8](repeating: 0, count: 3 - chunk.count)
            let n = (Int(b[0]) << 16) | (Int(b[1]) << 8) | Int(b[2])
            out += String(table[(n >> 18) & 63]) + String(table[(n >> 12) & 63])
            out += chunk.count > 1 ? String(table[(n >> 6) & 63]) : "="
            out += chunk.count > 2 ? String(table[n & 63]) : "="
            index += 3
        }
        return out
    }
}
