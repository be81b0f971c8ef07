import FabricController
import FabricSource
import FabricValue
import Foundation
import KubeClient
import XCTest

/// What a kubeconfig Secret holds — tokens, the kubeconfig itself — never
/// shows up in a Fabric's status, in Events, in notifications or in the log,
/// whether the target works, refuses the token or the kubeconfig is refused.
final class TargetSecretsNeverLeakTests: XCTestCase {
    func testSecretContentsNeverAppearInStatusEventsNotificationsOrLogs() async throws {
        let goodToken = "good-\(UUID().uuidString)"
        let wrongToken = "wrong-\(UUID().uuidString)"
        let execArgument = "exec-arg-\(UUID().uuidString)"
        let bed = try await TargetTestBed(tokens: [goodToken])
        do {
            try bed.writeFabric("good", secret: "good-kubeconfig", members: ["good-info": ["v": "1"]])
            try bed.writeFabric("refused", secret: "refused-kubeconfig", members: ["refused-info": ["v": "1"]])
            try bed.writeFabric("exec", secret: "exec-kubeconfig", members: ["exec-info": ["v": "1"]])
            let good = bed.kubeconfig(target: 0, token: goodToken)
            let refused = bed.kubeconfig(target: 0, token: wrongToken)
            let exec = """
            apiVersion: v1
            kind: Config
            clusters: [{name: t, cluster: {server: "\(bed.targets[0].url.absoluteString)"}}]
            users: [{name: u, user: {exec: {command: get-token, args: ["\(execArgument)"], apiVersion: client.authentication.k8s.io/v1}}}]
            contexts: [{name: c, context: {cluster: t, user: u}}]
            current-context: c
            """
            try await bed.putSecret("good-kubeconfig", kubeconfig: good)
            try await bed.putSecret("refused-kubeconfig", kubeconfig: refused)
            try await bed.putSecret("exec-kubeconfig", kubeconfig: exec)

            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.map(\.syncStatus.rawValue), ["not_configured", "in_sync", "error"], reports.map(\.message).joined(separator: "; "))
            let execMessage = try await bed.readyMessage("exec")
            XCTAssertEqual(execMessage, "Secret hedgehog-system/exec-kubeconfig: key \"value\" holds a kubeconfig with an exec credential plugin, "
                           + "which is refused for remote clusters")
            // A rotation and a second round, so change and drift paths have run too.
            try await bed.putSecret("good-kubeconfig", kubeconfig: good + "\n# rotated\n")
            _ = await bed.controller.reconcileEveryFabricOnce()

            var statuses: [Value] = []
            for name in ["good", "refused", "exec"] { statuses.append(try await bed.fabricStatus(name) ?? .null) }
            let places = [
                ("status", JSONWriter.string(.array(statuses))),
                ("events", try await bed.eventsText()),
                ("notifications", bed.notifications.text),
                ("log", bed.logLines.text),
                ("report messages", reports.map(\.message).joined(separator: "\n")),
            ]
            let secrets = [goodToken, wrongToken, execArgument] + [good, refused, exec].map { Data($0.utf8).base64EncodedString() }
            for (place, text) in places {
                XCTAssertFalse(text.isEmpty, "\(place) has something to check")
                for secret in secrets { XCTAssertFalse(text.contains(secret), "\(place) holds Secret content") }
            }
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }
}
