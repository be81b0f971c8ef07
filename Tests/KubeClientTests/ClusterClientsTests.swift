import KubeClient
import XCTest

/// One client per target cluster, kept while its kubeconfig is unchanged.
final class ClusterClientsTests: XCTestCase {
    private func kubeconfig(_ server: String, user: String = "{token: t}") -> [UInt8] {
        Array("current-context: c\nclusters: [{name: k, cluster: {server: '\(server)'}}]\nusers: [{name: u, user: \(user)}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n".utf8)
    }

    func testAClientIsKeptUntilItsKubeconfigChanges() throws {
        let clients = ClusterClients()
        let first = try clients.client(for: "hedgehog-system/dc1", kubeconfig: kubeconfig("https://dc1:6443"), source: "secret dc1")
        let same = try clients.client(for: "hedgehog-system/dc1", kubeconfig: kubeconfig("https://dc1:6443"), source: "secret dc1")
        let other = try clients.client(for: "hedgehog-system/dc2", kubeconfig: kubeconfig("https://dc2:6443"), source: "secret dc2")
        let changed = try clients.client(for: "hedgehog-system/dc1", kubeconfig: kubeconfig("https://dc1-new:6443"), source: "secret dc1")
        XCTAssertTrue(first.isNew)
        XCTAssertFalse(same.isNew)
        XCTAssertTrue(first.client === same.client)
        XCTAssertTrue(other.isNew)
        XCTAssertTrue(changed.isNew)
        XCTAssertEqual(changed.client.config.server, "https://dc1-new:6443")
        XCTAssertEqual(clients.keys, ["hedgehog-system/dc1", "hedgehog-system/dc2"])
        clients.remove("hedgehog-system/dc2")
        XCTAssertEqual(clients.keys, ["hedgehog-system/dc1"])
    }

    func testASecretsKubeconfigMayNotRunAPlugin() {
        let clients = ClusterClients()
        XCTAssertThrowsError(try clients.client(for: "ns/dc1", kubeconfig: kubeconfig("https://x", user: "{exec: {command: /bin/sh, args: [-c, 'touch /tmp/pwned']}}"),
                                                source: "secret ns/dc1-kubeconfig")) { error in
            XCTAssertTrue("\(error)".contains("secret ns/dc1-kubeconfig: user \"u\" uses an exec credential plugin, refused"), "\(error)")
        }
    }
}
