import FabricValue
import Foundation
import KubeClient
import XCTest

/// From a kubeconfig file to a working client: the emulator's own kubeconfig
/// with a bearer token, and a kubeconfig with client-certificate-data against
/// a TLS server that requires it.
final class EndToEndConfigTests: XCTestCase {
    func testTheEmulatorsKubeconfigGivesAWorkingClient() async throws {
        let cluster = try await EmulatorCluster(configuration: .init(bearerToken: "emulator-token"))
        addTeardownBlock { await cluster.stop() }
        let folder = try TempFolder()
        let path = folder.path + "/kubeconfig"
        try cluster.emulator.writeKubeconfig(to: path, namespace: "kube-system")
        let config = try ClusterConfigLoader(environment: ["KUBECONFIG": path]).load()
        XCTAssertEqual(config.namespace, "kube-system")
        let client = KubeClient(config: config)
        let created = try await client.create(EmulatorCluster.configMap("via-kubeconfig", namespace: "kube-system"))
        XCTAssertEqual(created.value(at: "metadata", "namespace"), "kube-system")
    }

    func testAKubeconfigWithClientCertificateDataPassesMutualTLS() async throws {
        let fixture = try TLSFixture.shared()
        let server = try PythonHTTPSServer(certificate: fixture.serverCertificate, key: fixture.serverKey, clientCA: fixture.caCertificate)
        addTeardownBlock { server.stop() }
        func data(_ file: URL) throws -> String { try Data(contentsOf: file).base64EncodedString() }
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            current-context: dc1
            clusters:
            - name: dc1
              cluster:
                server: \(server.baseURL)
                certificate-authority-data: \(try data(fixture.caCertificate))
            users:
            - name: admin
              user:
                client-certificate-data: \(try data(fixture.clientCertificate))
                client-key-data: \(try data(fixture.clientKey))
            contexts:
            - name: dc1
              context: {cluster: dc1, user: admin}
            """
        let config = try ClusterConfig.fromSecretKubeconfig(Array(kubeconfig.utf8), source: "secret hedgehog-system/dc1-kubeconfig")
        let hello = try await KubeClient(config: config).json(APIRequest(method: "GET", path: "/hello"))
        XCTAssertEqual(hello["client"], "client", "the server saw our client certificate")
    }
}

/// An exec credential plugin that hands out a client certificate (PEM text in the ExecCredential).
final class ExecClientCertificateTests: XCTestCase {
    func testAPluginsClientCertificateIsPresented() async throws {
        let fixture = try TLSFixture.shared()
        let server = try PythonHTTPSServer(certificate: fixture.serverCertificate, key: fixture.serverKey, clientCA: fixture.caCertificate)
        addTeardownBlock { server.stop() }
        let folder = try TempFolder()
        let credential: Value = .object(Object([
            ("apiVersion", "client.authentication.k8s.io/v1"), ("kind", "ExecCredential"),
            ("status", .object(Object([
                ("clientCertificateData", .string(String(decoding: try fixture.bytes(fixture.clientCertificate), as: UTF8.self))),
                ("clientKeyData", .string(String(decoding: try fixture.bytes(fixture.clientKey), as: UTF8.self))),
            ]))),
        ]))
        try folder.write("credential.json", JSONWriter.string(credential))
        let plugin = try folder.write("plugin.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n")
        XCTAssertEqual(chmod(plugin, 0o755), 0)
        let config = ClusterConfig(server: server.baseURL, tls: TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate)),
                                   credentials: .exec(ExecPlugin(command: plugin)))
        let hello = try await KubeClient(config: config).json(APIRequest(method: "GET", path: "/hello"))
        XCTAssertEqual(hello["client"], "client")
    }
}
