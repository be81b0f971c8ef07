import KubeClient
import XCTest

/// Kubeconfig reading as kubectl does it: contexts, merged files, paths
/// relative to the kubeconfig's folder, base64 data fields, clear errors.
final class KubeconfigTests: XCTestCase {
    private func config(_ folder: TempFolder, _ files: [String: String], load: [String], context: String? = nil,
                        trust: KubeconfigTrust = .local) throws -> ClusterConfig {
        for (name, text) in files { try folder.write(name, text) }
        return try Kubeconfig.load(paths: load.map { folder.path + "/" + $0 }).clusterConfig(context: context, trust: trust)
    }

    private static let twoContexts = """
    apiVersion: v1
    kind: Config
    current-context: dev
    clusters:
    - name: dev-cluster
      cluster:
        server: https://dev.example:6443
        certificate-authority-data: \(base64("DEV CA PEM"))
    - name: prod-cluster
      cluster:
        server: https://prod.example:6443/
        insecure-skip-tls-verify: true
    users:
    - name: dev-user
      user:
        token: dev-token
    - name: prod-user
      user:
        client-certificate-data: \(base64("CERT PEM"))
        client-key-data: \(base64("KEY PEM"))
    contexts:
    - name: dev
      context: {cluster: dev-cluster, user: dev-user, namespace: fabrics}
    - name: prod
      context: {cluster: prod-cluster, user: prod-user}
    """

    func testCurrentContextGivesServerCADataTokenAndNamespace() throws {
        let folder = try TempFolder()
        let c = try config(folder, ["config": Self.twoContexts], load: ["config"])
        XCTAssertEqual(c.server, "https://dev.example:6443")
        XCTAssertEqual(c.tls.certificateAuthorityPEM, Array("DEV CA PEM".utf8))
        XCTAssertEqual(c.namespace, "fabrics")
        guard case .token("dev-token") = c.credentials else { return XCTFail("\(c.credentials)") }
    }

    func testContextFlagSelectsAnotherContextWithClientCertificateAndInsecure() throws {
        let folder = try TempFolder()
        let c = try config(folder, ["config": Self.twoContexts], load: ["config"], context: "prod")
        XCTAssertEqual(c.server, "https://prod.example:6443", "a trailing slash is dropped")
        XCTAssertTrue(c.tls.insecureSkipVerify)
        XCTAssertEqual(c.tls.clientCertificatePEM, Array("CERT PEM".utf8))
        XCTAssertEqual(c.tls.clientKeyPEM, Array("KEY PEM".utf8))
        XCTAssertEqual(c.namespace, "default")
        guard case .none = c.credentials else { return XCTFail("\(c.credentials)") }
    }

    func testFilePathsAreRelativeToTheKubeconfigsFolder() throws {
        let folder = try TempFolder()
        try folder.write("kube/pki/ca.crt", "CA FROM FILE")
        try folder.write("kube/pki/client.crt", "CERT FROM FILE")
        try folder.write("kube/pki/client.key", "KEY FROM FILE")
        try folder.write("kube/token", "file-token\n")
        let c = try config(folder, ["kube/config": """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://10.0.0.1", certificate-authority: pki/ca.crt}}]
            users: [{name: u, user: {client-certificate: pki/client.crt, client-key: pki/client.key, tokenFile: token}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """], load: ["kube/config"])
        XCTAssertEqual(c.tls.certificateAuthorityPEM, Array("CA FROM FILE".utf8))
        XCTAssertEqual(c.tls.clientCertificatePEM, Array("CERT FROM FILE".utf8))
        XCTAssertEqual(c.tls.clientKeyPEM, Array("KEY FROM FILE".utf8))
        guard case .tokenFile(let path) = c.credentials else { return XCTFail("\(c.credentials)") }
        XCTAssertEqual(path, folder.path + "/kube/token")
    }

    func testMergedFilesFirstDefinitionWinsAndCurrentContextFromTheFirstThatSetsIt() throws {
        let folder = try TempFolder()
        let first = """
            clusters: [{name: shared, cluster: {server: "https://first"}}]
            contexts: [{name: a, context: {cluster: shared}}]
            """
        let second = """
            current-context: b
            clusters: [{name: shared, cluster: {server: "https://second"}}, {name: only2, cluster: {server: "https://only2"}}]
            contexts: [{name: a, context: {cluster: only2}}, {name: b, context: {cluster: shared}}]
            """
        let third = "current-context: a\n"
        let files = ["1": first, "2": second, "3": third]
        XCTAssertEqual(try config(folder, files, load: ["1", "2", "3"]).server, "https://first", "b from file 2, shared from file 1")
        XCTAssertEqual(try config(folder, files, load: ["1", "2", "3"], context: "a").server, "https://first", "context a from file 1")
        XCTAssertEqual(try config(folder, files, load: ["3", "2", "1"]).server, "https://only2", "current-context a from file 3, a from file 2")
    }

    func testMissingFilesInTheListAreSkippedButNotAllOfThem() throws {
        let folder = try TempFolder()
        try folder.write("real", "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x'}}]\ncontexts: [{name: c, context: {cluster: k}}]\n")
        XCTAssertEqual(try Kubeconfig.load(paths: [folder.path + "/absent", folder.path + "/real"]).clusterConfig().server, "https://x")
        XCTAssertThrowsError(try Kubeconfig.load(paths: [folder.path + "/absent"])) { error in
            XCTAssertTrue("\(error)".contains("absent"), "\(error)")
        }
        XCTAssertThrowsError(try Kubeconfig.load(paths: [folder.path + "/absent"], requireAll: true))
    }

    func testUnusableConfigurationsFailWithAMessageNamingThePiece() throws {
        let cluster = "clusters: [{name: k, cluster: {server: 'https://x'}}]\n"
        let cases: [(String, String, String?, KubeconfigTrust, String)] = [
            ("no current context", cluster + "contexts: [{name: c, context: {cluster: k}}]", nil, .local, "no current-context"),
            ("unknown context", cluster + "contexts: [{name: c, context: {cluster: k}}]", "nope", .local, "context \"nope\" is not defined (contexts: c)"),
            ("unknown cluster", "current-context: c\ncontexts: [{name: c, context: {cluster: gone}}]", nil, .local, "names cluster \"gone\", which is not defined"),
            ("unknown user", cluster + "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: who}}]", nil, .local, "names user \"who\""),
            ("no server", "current-context: c\nclusters: [{name: k, cluster: {}}]\ncontexts: [{name: c, context: {cluster: k}}]", nil, .local, "cluster \"k\" has no server"),
            ("bad base64", "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x', certificate-authority-data: '@@@'}}]\ncontexts: [{name: c, context: {cluster: k}}]", nil, .local, "certificate-authority-data is not valid base64"),
            ("missing CA file", "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x', certificate-authority: nope.crt}}]\ncontexts: [{name: c, context: {cluster: k}}]", nil, .local, "nope.crt cannot be read"),
            ("cert without key", cluster + "current-context: c\nusers: [{name: u, user: {client-certificate-data: \(base64("C"))}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]", nil, .local, "without its key"),
            ("CA and insecure", "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x', insecure-skip-tls-verify: true, certificate-authority-data: \(base64("CA"))}}]\ncontexts: [{name: c, context: {cluster: k}}]", nil, .local, "both insecure-skip-tls-verify"),
            ("exec from a Secret", cluster + "current-context: c\nusers: [{name: u, user: {exec: {command: aws}}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]", nil, .remote, "exec credential plugin, refused"),
            ("file from a Secret", "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x', certificate-authority: /etc/passwd}}]\ncontexts: [{name: c, context: {cluster: k}}]", nil, .remote, "names the local file /etc/passwd, refused"),
            ("not YAML", "clusters: [", nil, .local, "kubeconfig"),
            ("not a mapping", "- 1", nil, .local, "expected a mapping"),
        ]
        let folder = try TempFolder()
        for (name, text, context, trust, expected) in cases {
            XCTAssertThrowsError(try config(folder, ["config": text], load: ["config"], context: context, trust: trust), name) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(name): \(error)")
            }
        }
    }

    func testARemoteKubeconfigWithDataFieldsIsAccepted() throws {
        let text = "current-context: c\nclusters: [{name: k, cluster: {server: 'https://x', certificate-authority-data: \(base64("CA"))}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]"
        let c = try Kubeconfig.parse(Array(text.utf8), file: "secret hedgehog-system/dc1-kubeconfig").clusterConfig(trust: .remote)
        XCTAssertEqual(c.tls.certificateAuthorityPEM, Array("CA".utf8))
    }
}
