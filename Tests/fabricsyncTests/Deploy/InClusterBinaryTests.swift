import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator
import XCTest

/// The real `fabricsync run --once` in in-cluster mode: no KUBECONFIG, an empty HOME, `KUBERNETES_SERVICE_HOST`/`_PORT`
/// at a TLS terminator (python3, openssl-made CA) before an emulator that requires the service account's token.
/// The binary reads the fixed path `/var/run/secrets/kubernetes.io/serviceaccount`, so it runs in a private mount
/// namespace (`unshare -m`) where a temp folder is bind-mounted there; the test skips where that is not permitted.
/// Token rotation is shown with KubeClient directly (KubeClientTests/InClusterModeTests).
final class InClusterBinaryTests: XCTestCase {
    private struct Cluster {
        var emulator: KubeEmulator
        var terminator: TLSTerminator
        var fixture: TLSFixture
    }

    private func startCluster(token: String) async throws -> Cluster {
        let fixture = try TLSFixture.shared()
        let emulator = try KubeEmulator(configuration: .init(bearerToken: token))
        let url = try await emulator.start()
        try emulator.applyManifests(in: RenderedManifests.folder.appendingPathComponent("crds").path)
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString, credentials: .token(token)))
        _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "hedgehog-system"]])
        let terminator = try TLSTerminator(certificate: fixture.serverCertificate, key: fixture.serverKey, upstreamPort: try XCTUnwrap(url.port))
        addTeardownBlock {
            terminator.stop()
            await emulator.shutdown()
        }
        return Cluster(emulator: emulator, terminator: terminator, fixture: fixture)
    }

    private func temporaryFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }  // best-effort cleanup of a temp folder
        return folder
    }

    /// Runs `fabricsync run --once` as a Pod would, with `ca` as the service account's CA.
    private func runInCluster(_ cluster: Cluster, token: String, ca: URL) async throws -> (status: Int32, stdout: String, stderr: String) {
        let account = try temporaryFolder("serviceaccount")
        try Data(token.utf8).write(to: account.appendingPathComponent("token"))
        try FileManager.default.copyItem(at: ca, to: account.appendingPathComponent("ca.crt"))
        try Data("fabricsync-system".utf8).write(to: account.appendingPathComponent("namespace"))
        let source = try temporaryFolder("source").appendingPathComponent("dc2")
        try FileManager.default.copyItem(at: FabricsyncProcess.packageRoot.appendingPathComponent("examples/fabrics/dc2"), to: source)
        let home = try temporaryFolder("home")
        // A tmpfs over /run (private to this mount namespace) so the mount point can be made without touching the host.
        let script = """
            mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount \
            && mount --bind "$0" /run/secrets/kubernetes.io/serviceaccount && exec "$@"
            """
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
                           "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(cluster.terminator.port)]
        let arguments = ["-m", "sh", "-c", script, account.path, FabricsyncProcess.binary.path, "run", "--once", "--source", source.path]
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try RenderedManifests.runProgram("/usr/bin/unshare", arguments, environment: environment, inherit: false) })
            }
        }
    }

    private func skipUnlessMountNamespacesWork() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
              let probe = try? RenderedManifests.runProgram("/usr/bin/unshare", ["-m", "sh", "-c", "mount -t tmpfs tmpfs /run"]),
              // `try?`: any failure to start the probe means the same as a failed probe: skip.
              probe.status == 0 else {
            throw XCTSkip("unshare -m with mount is not permitted here (needs CAP_SYS_ADMIN); in-cluster mode is covered by KubeClientTests/InClusterModeTests")
        }
    }

    func testRunOnceInClusterTrustsTheServiceAccountCAAndSendsItsToken() async throws {
        try skipUnlessMountNamespacesWork()
        let cluster = try await startCluster(token: "t1")
        let result = try await runInCluster(cluster, token: "t1", ca: cluster.fixture.caCertificate)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("hedgehog-system/dc2"), result.stdout)
        XCTAssertFalse(cluster.terminator.authorizations.isEmpty)
        XCTAssertEqual(Set(cluster.terminator.authorizations), ["Bearer t1"])

        let client = KubeClient(config: ClusterConfig(server: cluster.emulator.url.absoluteString, credentials: .token("t1")))
        let fabric = try await client.get(apiVersion: "wiring.githedgehog.com/v1alpha2", kind: "Fabric", namespace: "hedgehog-system", name: "dc2")
        let ready = fabric.value(at: "status", "conditions")?.arrayValue?.first { $0["type"] == "Ready" }
        XCTAssertEqual(ready?["status"], "True")
        let leaf = try await client.getIfPresent(apiVersion: "wiring.githedgehog.com/v1beta1", kind: "Switch", namespace: "dc2", name: "dc2-leaf-01")
        XCTAssertNotNil(leaf)

        // kubectl through the same TLS endpoint (client-go sends no bearer token over plain http) shows the printer columns.
        guard let kubectl = RenderedManifests.kubectl else { return }
        let kubeconfig = try temporaryFolder("kubeconfig").appendingPathComponent("config")
        try Data("""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:\(cluster.terminator.port)", certificate-authority-data: \(try Data(contentsOf: cluster.fixture.caCertificate).base64EncodedString())}}]
            users: [{name: u, user: {token: t1}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """.utf8).write(to: kubeconfig)
        let table = try RenderedManifests.runProgram(kubectl, ["get", "fabrics", "-n", "hedgehog-system", "-o", "wide"], environment: ["KUBECONFIG": kubeconfig.path])
        XCTAssertEqual(table.status, 0, table.stderr)
        let row = Self.columns(table.stdout)
        XCTAssertEqual(row["NAME"], "dc2", table.stdout)
        XCTAssertEqual(row["ASN"], "65200", table.stdout)
        XCTAssertEqual(row["SPINES"], "0", table.stdout)
        XCTAssertEqual(row["LEAVES"], "1", table.stdout)
        XCTAssertEqual(row["SYNC"], "in_sync", table.stdout)
        XCTAssertEqual(row["READY"], "True", table.stdout)
        XCTAssertEqual(row["REVISION"], fabric.value(at: "status", "lastAppliedRevision")?.stringValue, table.stdout)
        XCTAssertFalse(row["LAST SYNC"]?.isEmpty ?? true, table.stdout)
    }

    /// The first row of a kubectl table, by header (columns start where their header starts; cells may be empty).
    private static func columns(_ table: String) -> [String: String] {
        let lines = table.split(separator: "\n").map(String.init)
        guard lines.count >= 2 else { return [:] }
        let header = Array(lines[0]), row = Array(lines[1])
        var starts: [Int] = []
        for index in header.indices where header[index] != " " && (index == 0 || (index >= 2 && header[index - 1] == " " && header[index - 2] == " ")) {
            starts.append(index)
        }
        var cells: [String: String] = [:]
        for (number, start) in starts.enumerated() {
            let end = number + 1 < starts.count ? starts[number + 1] : max(header.count, row.count)
            func cut(_ text: [Character]) -> String {
                String(text[min(start, text.count)..<min(end, text.count)]).trimmingCharacters(in: .whitespaces)
            }
            cells[cut(header)] = cut(row)
        }
        return cells
    }

    func testRunOnceInClusterRefusesAServerTheServiceAccountCADoesNotSign() async throws {
        try skipUnlessMountNamespacesWork()
        let cluster = try await startCluster(token: "t1")
        let result = try await runInCluster(cluster, token: "t1", ca: cluster.fixture.otherCACertificate)
        XCTAssertNotEqual(result.status, 0, result.stdout)
        XCTAssertTrue((result.stdout + result.stderr).contains("TLS verification"), result.stdout + result.stderr)
        XCTAssertEqual(cluster.terminator.authorizations, [], "a token went to an untrusted server")
    }
}
