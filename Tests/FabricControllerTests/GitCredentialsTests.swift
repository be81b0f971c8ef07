import FabricController
import FabricSource
import FabricValue
import Foundation
import GitSource
import Notifications
import XCTest

/// A token-protected Git remote (git's smart HTTP over python3): the token
/// reaches the server, the fabric applies, and the token appears nowhere the
/// controller writes — not in status, Events, notifications or logs — also
/// when the token is wrong and the source is unavailable.
final class GitCredentialsTests: XCTestCase {
    let token = "ghp-test-token-\(UUID().uuidString.prefix(8))"

    func testTheGitTokenNeverReachesStatusEventsNotificationsOrLogs() async throws {
        let remote = try TestRemote()
        let secrets = try TemporaryFolder("git-secrets")
        let cache = try TemporaryFolder("git-cache")
        defer { remote.remove(); secrets.remove(); cache.remove() }
        try remote.commit(["fabrics/a/fabric.yaml": Fixtures.fabric("a"), "fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "1"])])
        try remote.push("main")
        let server = try SmartHTTPServer(root: remote.folder.path, folder: secrets, requiredAuthorization: "Bearer \(token)")
        defer { server.stop() }
        let tokenFile = try secrets.write("token", token + "\n")
        let repository = try GitRepositorySource(url: server.url("remote.git"), ref: "main", path: "fabrics", cacheDirectory: cache.path,
                                                 auth: GitAuth(http: .bearerToken(file: tokenFile)))
        let provider = GitSourceProvider(repository: repository, options: SourceOptions(), interval: .milliseconds(200))
        let harness = try await ControllerHarness(files: [:], source: provider)
        defer { Task { await harness.shutdown() } }
        let events = DriftTests.Collector()
        var all = Subscriptions()
        all.apply(.subscribe(.all))
        _ = harness.hub.connect(events, subscriptions: all)

        try await harness.whileRunning {
            try await harness.eventually("applied through the token") { try await harness.fabric("a").value(at: "status", "syncStatus") == "in_sync" }
            // Now the token is wrong: every fabric says SourceUnavailable, with git's refusal and no token.
            _ = try secrets.write("token", "wrong-\(token)\n")
            try remote.commit(["fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "2"])])
            try remote.push("main")
            try await harness.eventually("SourceUnavailable") {
                Conditions(try await harness.fabric("a")["status"]?["conditions"])[ConditionType.ready]?.reason == "SourceUnavailable"
            }
        }
        XCTAssertTrue(server.authorizations.contains("Bearer \(token)"), "the token did reach the server")
        let status = JSONWriter.string(try await harness.fabric("a"))
        let recorded = JSONWriter.string(.array(try await harness.events()))
        let notified = events.received.withLock { $0.map { JSONWriter.string($0.value) }.joined(separator: "\n") }
        let logged = harness.log.all.joined(separator: "\n")
        for (what, text) in [("status", status), ("Events", recorded), ("notifications", notified), ("logs", logged)] {
            XCTAssertFalse(text.contains(token), "\(what) shows the Git token")
        }
    }
}
