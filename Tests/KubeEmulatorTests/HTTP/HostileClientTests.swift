import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// Bad and hostile clients get proper errors and never block anyone else.
final class HostileClientTests: XCTestCase {
    func testOversizeBodyIsRefusedAndTheServerCarriesOn() async throws {
        let harness = try await EmulatorHarness()
        let huge = configMap("huge", data: ["blob": .string(String(repeating: "x", count: 4 * 1024 * 1024))])
        let response = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: huge)
        XCTAssertEqual(response.status, 413)
        let after = try await harness.request("GET", "/api/v1/namespaces/default")
        XCTAssertEqual(after.status, 200)
        await harness.stop()
    }

    func testASlowLorisClientDoesNotBlockOthers() async throws {
        let harness = try await EmulatorHarness()
        // python3 opens ten connections that send half a request head and then stall.
        let script = """
        import socket, sys, time
        socks = []
        for _ in range(10):
            s = socket.create_connection(("127.0.0.1", \(harness.emulator.port)))
            s.sendall(b"GET /api/v1/namespaces HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ")
            socks.append(s)
        print("stalled", flush=True)
        time.sleep(3)
        """
        let loris = Task { try await harness.run("/usr/bin/python3", ["-c", script]) }
        try await Task.sleep(for: .milliseconds(500))
        for _ in 0..<5 {
            let response = try await harness.request("GET", "/api/v1/namespaces/default")
            XCTAssertEqual(response.status, 200)
        }
        let result = try await loris.value
        XCTAssertEqual(result.status, 0, result.stderr)
        await harness.stop()
    }

    func testGarbageAndWrongShapesAreBadRequests() async throws {
        let harness = try await EmulatorHarness()
        let array = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: [1, 2])
        XCTAssertEqual(array.status, 400)
        let wrongKind = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "x"]])
        XCTAssertEqual(wrongKind.status, 400)
        XCTAssertEqual(wrongKind.json["message"], "the kind in the data (Secret) does not match the expected kind (ConfigMap)")
        let badSelector = try await harness.request("GET", "/api/v1/configmaps?labelSelector=a%20in%20b")
        XCTAssertEqual(badSelector.status, 400)
        let badPatch = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/none", rawBody: Data("[".utf8), contentType: "application/json-patch+json")
        XCTAssertEqual(badPatch.status, 400)
        let yamlApply = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/y?fieldManager=t",
                                                  rawBody: Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: v\n".utf8),
                                                  contentType: "application/apply-patch+yaml")
        XCTAssertEqual(yamlApply.status, 201, yamlApply.text)
        XCTAssertEqual(yamlApply.json.value(at: "data", "k"), "v")
        await harness.stop()
    }
}
