import FabricController
import FabricValue
import Foundation
import XCTest

/// A target whose kubeconfig trusts the wrong CA: `error` with
/// `ClusterUnreachable`, nothing applied, and convergence once the Secret
/// carries the right CA. The target is served over real TLS (a python3 `ssl`
/// terminator with openssl-made certificates in front of its emulator).
final class TargetWrongCATests: XCTestCase {
    func kubeconfig(port: Int, ca: [UInt8]) -> String {
        let config: Value = .object(Object([
            ("apiVersion", "v1"), ("kind", "Config"),
            ("clusters", [["name": "target", "cluster": ["server": .string("https://127.0.0.1:\(port)"),
                                                          "certificate-authority-data": .string(Data(ca).base64EncodedString())]]]),
            ("users", [["name": "fabricsync", "user": [:]]]),
            ("contexts", [["name": "target", "context": ["cluster": "target", "user": "fabricsync"]]]),
            ("current-context", "target"),
        ]))
        return JSONWriter.string(config, pretty: true)
    }

    func testAWrongCAIsUnreachableThenConvergesWhenTheSecretIsFixed() async throws {
        let fixture = try TLSFixture.shared()
        let bed = try await TargetTestBed(tokens: [nil])
        let terminator = try TLSTerminator(certificate: fixture.serverCertificate, key: fixture.serverKey, upstreamPort: bed.targets[0].port)
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: kubeconfig(port: terminator.port, ca: try fixture.bytes(fixture.otherCACertificate)))
            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.first?.syncStatus.rawValue, "error")
            let reason = try await bed.readyReason("one")
            XCTAssertEqual(reason, "ClusterUnreachable")
            let nothing = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertNil(nothing, "nothing applied through an untrusted connection")

            bed.startLoop()
            try await bed.putSecret("one-kubeconfig", kubeconfig: kubeconfig(port: terminator.port, ca: try fixture.bytes(fixture.caCertificate)))
            try await bed.eventually("the fabric converges once the CA is right") { try await bed.syncStatus("one") == "in_sync" }
            let member = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertNotNil(member)
        } catch {
            terminator.stop()
            await bed.stop()
            throw error
        }
        terminator.stop()
        await bed.stop()
    }
}
