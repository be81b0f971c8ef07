import KubeClient
import XCTest

/// Which cluster configuration wins: `--kubeconfig`, `$KUBECONFIG`, the
/// in-cluster service account, `~/.kube/config` — and the in-cluster pieces.
final class ClusterAccessOrderTests: XCTestCase {
    private func kubeconfig(server: String) -> String {
        "current-context: c\nclusters: [{name: k, cluster: {server: '\(server)'}}]\ncontexts: [{name: c, context: {cluster: k}}]\n"
    }

    private func serviceAccount(_ folder: TempFolder) throws -> String {
        try folder.write("sa/token", "sa-token")
        try folder.write("sa/ca.crt", "SA CA")
        try folder.write("sa/namespace", "hedgehog-system\n")
        return folder.path + "/sa"
    }

    func testEachSourceWinsOverTheOnesAfterIt() throws {
        let folder = try TempFolder()
        let explicit = try folder.write("explicit", kubeconfig(server: "https://explicit"))
        let fromEnvironment = try folder.write("env", kubeconfig(server: "https://env"))
        try folder.write("home/.kube/config", kubeconfig(server: "https://home"))
        let sa = try serviceAccount(folder)
        let inCluster = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let home = folder.path + "/home"
        func server(_ path: String?, _ environment: [String: String]) throws -> String {
            try ClusterConfigLoader(explicitPath: path, environment: environment, homeFolder: home, serviceAccountFolder: sa).load().server
        }
        XCTAssertEqual(try server(explicit, inCluster.merging(["KUBECONFIG": fromEnvironment]) { $1 }), "https://explicit")
        XCTAssertEqual(try server(nil, inCluster.merging(["KUBECONFIG": fromEnvironment]) { $1 }), "https://env")
        XCTAssertEqual(try server(nil, inCluster), "https://10.96.0.1:443")
        XCTAssertEqual(try server(nil, [:]), "https://home")
        XCTAssertThrowsError(try ClusterConfigLoader(environment: [:], homeFolder: folder.path + "/nowhere").load()) { error in
            XCTAssertTrue("\(error)".contains("no cluster configuration"), "\(error)")
        }
    }

    func testKUBECONFIGIsAColonSeparatedList() throws {
        let folder = try TempFolder()
        let first = try folder.write("a", "clusters: [{name: k, cluster: {server: 'https://a'}}]\n")
        let second = try folder.write("b", kubeconfig(server: "https://b"))
        let c = try ClusterConfigLoader(environment: ["KUBECONFIG": "\(first):\(second)"], homeFolder: folder.path).load()
        XCTAssertEqual(c.server, "https://a", "cluster k is defined first in a")
    }

    func testInClusterReadsTheServiceAccountFolder() throws {
        let folder = try TempFolder()
        let sa = try serviceAccount(folder)
        let c = try XCTUnwrap(InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], serviceAccountFolder: sa))
        XCTAssertEqual(c.server, "https://[fd00::1]:6443")
        XCTAssertEqual(c.tls.certificateAuthorityPEM, Array("SA CA".utf8))
        XCTAssertEqual(c.namespace, "hedgehog-system")
        guard case .tokenFile(let path) = c.credentials else { return XCTFail("\(c.credentials)") }
        XCTAssertEqual(path, sa + "/token")
        XCTAssertNil(try InClusterConfig.load(environment: [:], serviceAccountFolder: sa))
        XCTAssertThrowsError(try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "1"], serviceAccountFolder: folder.path + "/none")) { error in
            XCTAssertTrue("\(error)".contains("token"), "\(error)")
        }
    }
}
