import FabricValue
import KubeClient
import XCTest

/// The requests the client puts on the wire, seen through a recording
/// transport (the test double sits at the transport, the I/O edge).
final class RequestShapeTests: XCTestCase {
    final class RecordingTransport: HTTPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [TransportRequest] = []
        var requests: [TransportRequest] { lock.withLock { seen.filter { !$0.url.hasSuffix("/api/v1") } } }

        func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
            lock.withLock { seen.append(request) }
            if request.url.hasSuffix("/api/v1") {
                return TransportResponse(status: 200, body: Array(DiscoveryTests.coreV1.utf8))
            }
            return TransportResponse(status: 200, body: request.body ?? Array(#"{"kind":"ConfigMap","apiVersion":"v1"}"#.utf8))
        }

        func stream(_ request: TransportRequest) -> TransportStream {
            lock.withLock { seen.append(request) }
            let (stream, feed) = TransportStream.makeFed()
            feed.yield(.head(ResponseHead(status: 200, headers: [:])))
            feed.finish()
            return stream
        }
    }

    private func client(_ transport: RecordingTransport) -> KubeClient {
        KubeClient(config: ClusterConfig(server: "https://api.example:6443/", credentials: .token("s3cret"), namespace: "fabrics"), transport: transport)
    }

    func testApplyIsAnApplyPatchWithFieldManagerForceAndDryRun() async throws {
        let transport = RecordingTransport()
        _ = try await client(transport).apply(EmulatorCluster.configMap("cm", namespace: "default"), dryRun: true)
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.method, "PATCH")
        XCTAssertEqual(request.url, "https://api.example:6443/api/v1/namespaces/default/configmaps/cm?fieldManager=fabricsync&force=true&dryRun=All")
        XCTAssertEqual(request.headers["Content-Type"], "application/apply-patch+yaml")
        XCTAssertEqual(request.headers["Authorization"], "Bearer s3cret")
        XCTAssertEqual(request.headers["Accept"], "application/json")
    }

    func testObjectsWithoutANamespaceGoToTheConfigsNamespace() async throws {
        let transport = RecordingTransport()
        var object = EmulatorCluster.configMap("cm")
        object["metadata"]?["namespace"] = nil
        _ = try await client(transport).create(object)
        XCTAssertEqual(transport.requests.first?.url, "https://api.example:6443/api/v1/namespaces/fabrics/configmaps")
        XCTAssertEqual(transport.requests.first?.method, "POST")
    }

    func testDeleteSendsThePropagationPolicy() async throws {
        let transport = RecordingTransport()
        try await client(transport).delete(apiVersion: "v1", kind: "ConfigMap", name: "cm", propagation: .foreground, preconditionUID: "u-1")
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.method, "DELETE")
        let options = try JSONReader.parse(request.body ?? [])
        XCTAssertEqual(options["propagationPolicy"], "Foreground")
        XCTAssertEqual(options.value(at: "preconditions", "uid"), "u-1")
    }

    func testAWatchAsksForBookmarksFromAVersion() async throws {
        let transport = RecordingTransport()
        for try await _ in client(transport).watch(apiVersion: "v1", kind: "ConfigMap", allNamespaces: true,
                                                   options: WatchOptions(resourceVersion: "42", timeoutSeconds: 300, labelSelector: "fabric.githedgehog.com/name=dc1")) {}
        XCTAssertEqual(transport.requests.first?.url,
                       "https://api.example:6443/api/v1/configmaps?watch=true&resourceVersion=42&allowWatchBookmarks=true&timeoutSeconds=300&labelSelector=fabric.githedgehog.com%2Fname%3Ddc1")
    }

    func testStatusPatchIsAMergePatchOfTheStatusSubresource() async throws {
        let transport = RecordingTransport()
        _ = try await client(transport).patchStatus(apiVersion: "v1", kind: "ConfigMap", name: "cm", status: .object(Object([("x", 1)])))
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.url, "https://api.example:6443/api/v1/namespaces/fabrics/configmaps/cm/status")
        XCTAssertEqual(request.headers["Content-Type"], "application/merge-patch+json")
        XCTAssertEqual(String(decoding: request.body ?? [], as: UTF8.self), #"{"status":{"x":1}}"#)
    }
}
