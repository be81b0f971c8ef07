import FabricValue
import Foundation
import KubeClient
import class KubeEmulator.KubeEmulator
import XCTest

/// In-cluster mode without a cluster: a service-account folder laid out as the kubelet does (token, ca.crt and
/// namespace behind a `..data` symlink that is swapped atomically on rotation), `KUBERNETES_SERVICE_HOST`/`_PORT`
/// pointing at a TLS terminator (python3 + an openssl-made CA) in front of the emulator, which requires a bearer token.
/// The environment has no KUBECONFIG and HOME is an empty folder, so the loader must choose the in-cluster config.
final class InClusterModeTests: XCTestCase {
    /// The kubelet's projected-volume layout: `token -> ..data/token`, `..data -> ..<timestamp>`.
    private final class ServiceAccountFolder: @unchecked Sendable {
        let folder: TempFolder
        private var generation = 0
        var path: String { folder.path + "/serviceaccount" }

        init(token: String, ca: URL, namespace: String) throws {
            folder = try TempFolder()
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try publish(token: token, ca: ca, namespace: namespace)
            for name in ["token", "ca.crt", "namespace"] {
                try FileManager.default.createSymbolicLink(atPath: path + "/" + name, withDestinationPath: "..data/" + name)
            }
        }

        /// Writes a new generation and swaps `..data` to it with one rename, as the kubelet rotates a token.
        func publish(token: String, ca: URL, namespace: String) throws {
            generation += 1
            let name = "..2026_11_23_\(generation)"
            let generationFolder = path + "/" + name
            try FileManager.default.createDirectory(atPath: generationFolder, withIntermediateDirectories: false)
            try Data(token.utf8).write(to: URL(fileURLWithPath: generationFolder + "/token"))
            try FileManager.default.copyItem(at: ca, to: URL(fileURLWithPath: generationFolder + "/ca.crt"))
            try Data(namespace.utf8).write(to: URL(fileURLWithPath: generationFolder + "/namespace"))
            let staging = path + "/..data_tmp"
            try FileManager.default.createSymbolicLink(atPath: staging, withDestinationPath: name)
            guard rename(staging, path + "/..data") == 0 else { throw CommandFailure(description: "rename ..data: \(errno)") }
        }
    }

    private struct Setup {
        var emulator: KubeEmulator
        var terminator: TLSTerminator
        var account: ServiceAccountFolder
        var home: TempFolder
        var fixture: TLSFixture

        func loader() -> ClusterConfigLoader {
            // No KUBECONFIG, an empty HOME: only the in-cluster source is left.
            let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(terminator.port), "HOME": home.path]
            return ClusterConfigLoader(environment: environment, serviceAccountFolder: account.path)
        }
    }

    private func start(token: String, emulatorToken: String, ca: URL? = nil) async throws -> Setup {
        let fixture = try TLSFixture.shared()
        let emulator = try KubeEmulator(configuration: .init(bearerToken: emulatorToken))
        let url = try await emulator.start()
        let terminator = try TLSTerminator(certificate: fixture.serverCertificate, key: fixture.serverKey, upstreamPort: try XCTUnwrap(url.port))
        let account = try ServiceAccountFolder(token: token, ca: ca ?? fixture.caCertificate, namespace: "fabricsync-system")
        addTeardownBlock {
            terminator.stop()
            await emulator.shutdown()
        }
        return Setup(emulator: emulator, terminator: terminator, account: account, home: try TempFolder(), fixture: fixture)
    }

    private let noRetry = KubeClient.Options(retry: RetryPolicy(maximumAttempts: 1, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(10)))

    private func defaultNamespace(_ client: KubeClient) async throws(KubeError) -> Value {
        try await client.get(apiVersion: "v1", kind: "Namespace", name: "default")
    }

    func testTheLoaderChoosesTheServiceAccountAndTheClientSendsItsTokenOverTLS() async throws {
        let setup = try await start(token: "t1", emulatorToken: "t1")
        let config = try setup.loader().load()
        XCTAssertEqual(config.server, "https://127.0.0.1:\(setup.terminator.port)")
        XCTAssertEqual(config.namespace, "fabricsync-system")
        XCTAssertEqual(config.origin, "in-cluster service account")

        let client = KubeClient(config: config, options: noRetry)
        let namespace = try await defaultNamespace(client)
        XCTAssertEqual(namespace.value(at: "metadata", "name"), "default")
        XCTAssertEqual(setup.terminator.authorizations.last, "Bearer t1")
        XCTAssertEqual(setup.terminator.handshakeFailures, [])
    }

    func testAServiceAccountWithAnotherCAFailsTLSVerification() async throws {
        let fixture = try TLSFixture.shared()
        let setup = try await start(token: "t1", emulatorToken: "t1", ca: fixture.otherCACertificate)
        let client = KubeClient(config: try setup.loader().load(), options: noRetry)
        do {
            _ = try await defaultNamespace(client)
            XCTFail("a server signed by a CA the service account does not name was trusted")
        } catch {
            guard case .transport(let transport) = error else { return XCTFail("not a transport error: \(error)") }
            XCTAssertEqual(transport.kind, .tlsVerification, transport.description)
        }
        // The client gave up in the handshake: not one byte of HTTP (and so no token) reached the server side.
        XCTAssertEqual(setup.terminator.authorizations, [])
        XCTAssertFalse(setup.emulator.requests.all.contains { $0.path.hasPrefix("/api/v1/namespaces") })
    }

    func testTheEmulatorRefusesAClientWithoutItsToken() async throws {
        let setup = try await start(token: "not-the-token", emulatorToken: "t1")
        let client = KubeClient(config: try setup.loader().load(), options: noRetry)
        do {
            _ = try await defaultNamespace(client)
            XCTFail("the emulator accepted a wrong token")
        } catch {
            XCTAssertEqual(error.status?.code, 401, error.description)
        }
        XCTAssertEqual(setup.terminator.authorizations.last, "Bearer not-the-token")
    }

    func testARotatedTokenIsSentFromTheNextRequestOn() async throws {
        let setup = try await start(token: "t1", emulatorToken: "t1")
        let client = KubeClient(config: try setup.loader().load(), options: noRetry)
        _ = try await defaultNamespace(client)
        XCTAssertEqual(setup.terminator.authorizations.last, "Bearer t1")

        // The kubelet rotates the token; the API server already accepts only the new one. The emulator cannot change
        // its token while running, so one with the new token takes the old one's port behind the same terminator.
        try setup.account.publish(token: "t2", ca: setup.fixture.caCertificate, namespace: "fabricsync-system")
        let port = try XCTUnwrap(setup.emulator.url.port)
        await setup.emulator.shutdown()
        let rotated = try KubeEmulator(configuration: .init(port: port, bearerToken: "t2"))
        _ = try await rotated.start()
        addTeardownBlock { await rotated.shutdown() }

        let namespace = try await defaultNamespace(client)
        XCTAssertEqual(namespace.value(at: "metadata", "name"), "default")
        XCTAssertEqual(setup.terminator.authorizations.last, "Bearer t2")
        XCTAssertEqual(setup.terminator.authorizations.filter { $0 != "Bearer t1" && $0 != "Bearer t2" }, [])
    }
}
