import KubeClient
import XCTest
@testable import FabricController

/// A kubeconfig read from a Secret is remote input: it may not run programs
/// or read local files, and every refusal names the Secret and key.
final class TargetKubeconfigTrustTests: XCTestCase {
    let ref = TargetSecretRef(namespace: "hedgehog-system", name: "dc1-kubeconfig")

    func kubeconfig(cluster: String = "server: https://10.0.0.1:6443", user: String = "token: abc") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dc1
          cluster:
            \(cluster)
        users:
        - name: admin
          user:
            \(user)
        contexts:
        - name: dc1
          context: {cluster: dc1, user: admin}
        current-context: dc1
        """
    }

    func testRefusalsAndUnusableKubeconfigsNameTheSecretAndKey() {
        let prefix = "Secret hedgehog-system/dc1-kubeconfig: key \"value\" holds a kubeconfig"
        let cases: [(String, String, String)] = [
            ("exec plugin", kubeconfig(user: "exec: {command: aws, args: [eks, get-token], apiVersion: client.authentication.k8s.io/v1}"),
             "\(prefix) with an exec credential plugin, which is refused for remote clusters"),
            ("token file", kubeconfig(user: "tokenFile: /var/run/secrets/token"), "\(prefix) that refers to local files"),
            ("CA file", kubeconfig(cluster: "{server: https://10.0.0.1:6443, certificate-authority: /etc/ca.crt}"), "\(prefix) that refers to local files"),
            ("client key file", kubeconfig(user: "{client-certificate: /tmp/c.crt, client-key: /tmp/c.key}"), "\(prefix) that refers to local files"),
            ("no server", kubeconfig(cluster: "insecure-skip-tls-verify: true"), "\(prefix) that cannot be used:"),
            ("not http", kubeconfig(cluster: "server: ftp://10.0.0.1"), "\(prefix) that cannot be used:"),
            ("no current context", "apiVersion: v1\nkind: Config\nclusters: []\n", "\(prefix) that cannot be used:"),
            ("not YAML", "clusters: [unclosed\n", "\(prefix) that cannot be used:"),
        ]
        for (name, text, expected) in cases {
            switch TargetKubeconfig.config(Array(text.utf8), ref: ref) {
            case .success: XCTFail("\(name): accepted")
            case .failure(let problem):
                guard case .notConfigured(let message) = problem else { XCTFail("\(name): \(problem)"); continue }
                XCTAssertTrue(message.hasPrefix(expected), "\(name): \(message)")
                XCTAssertFalse(message.contains("abc"), "\(name): the token leaked into \(message)")
            }
        }
    }

    func testInlineTokenAndCertificateDataAreAccepted() throws {
        let ca = Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).base64EncodedString()
        let text = kubeconfig(cluster: "{server: https://10.0.0.1:6443, certificate-authority-data: \(ca)}", user: "token: abc")
        let config = try TargetKubeconfig.config(Array(text.utf8), ref: ref).get()
        XCTAssertEqual(config.server, "https://10.0.0.1:6443")
        XCTAssertNotNil(config.tls.certificateAuthorityPEM)
        guard case .token(let token) = config.credentials else { return XCTFail("credentials: \(config.credentials)") }
        XCTAssertEqual(token, "abc")
    }

    func testTheReferenceDefaultsToTheValueKeyInTheFabricsNamespace() {
        XCTAssertEqual(ref.key, "value")
        XCTAssertEqual(ref.description, "Secret hedgehog-system/dc1-kubeconfig key \"value\"")
    }
}
