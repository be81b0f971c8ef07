import FabricValue
import KubeClient
import XCTest

/// The transport against a real HTTPS server (python3's ssl module) with
/// openssl-made certificates: a CA is trusted for one cluster only, and
/// client certificates are presented when the server requires them.
final class TLSTests: XCTestCase {
    private func hello(_ server: PythonHTTPSServer, _ tls: TLSSettings) async throws(TransportError) -> Value? {
        let transport = CurlTransport(options: .init(tls: tls, connectTimeout: .seconds(20)))
        let response = try await transport.send(TransportRequest(method: "GET", url: server.baseURL + "/hello", timeout: .seconds(30)))
        XCTAssertEqual(response.status, 200)
        return try? JSONReader.parse(response.body)  // a bad body fails the caller's comparison, deliberately not thrown
    }

    /// The transport error a request fails with, or nil (and a test failure) when it succeeds.
    private func failure(_ server: PythonHTTPSServer, _ tls: TLSSettings) async -> TransportError? {
        do {
            _ = try await hello(server, tls)
            XCTFail("the request succeeded")
            return nil
        } catch {
            return error
        }
    }

    private func serverTLS(requireClientCertificate: Bool) throws -> (TLSFixture, PythonHTTPSServer) {
        let fixture = try TLSFixture.shared()
        let server = try PythonHTTPSServer(certificate: fixture.serverCertificate, key: fixture.serverKey,
                                           clientCA: requireClientCertificate ? fixture.caCertificate : nil)
        addTeardownBlock { server.stop() }
        return (fixture, server)
    }

    func testSucceedsWhenTheClusterCAIsGiven() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: false)
        let body = try await hello(server, TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate)))
        XCTAssertEqual(body?["client"], .null)
    }

    func testFailsWithAnUnrelatedCAAndNamesTLSVerification() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: false)
        let error = await failure(server, TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.otherCACertificate)))
        XCTAssertEqual(error?.kind, .tlsVerification)
        XCTAssertTrue(error?.description.contains("TLS verification") == true, String(describing: error))
    }

    func testTheSystemTrustStoreDoesNotTrustAClusterCA() async throws {
        let (_, server) = try serverTLS(requireClientCertificate: false)
        let error = await failure(server, TLSSettings())
        XCTAssertEqual(error?.kind, .tlsVerification)
    }

    func testInsecureSkipTLSVerifyAcceptsAnUntrustedServer() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: false)
        let tls = TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.otherCACertificate), insecureSkipVerify: true)
        let body = try await hello(server, tls)
        XCTAssertNotNil(body)
    }

    func testMutualTLSPresentsTheClientCertificate() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: true)
        let tls = TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate),
                              clientCertificatePEM: try fixture.bytes(fixture.clientCertificate),
                              clientKeyPEM: try fixture.bytes(fixture.clientKey))
        let body = try await hello(server, tls)
        XCTAssertEqual(body?["client"], .string("client"))
    }

    func testMutualTLSIsRefusedWithoutAClientCertificate() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: true)
        let error = await failure(server, TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate)))
        // Python's server drops the connection after the failed handshake
        // without an alert, so the client may only see the connection end.
        XCTAssertTrue(error?.kind == .tlsHandshake || error?.kind == .connection, String(describing: error))
    }

    func testMutualTLSIsRefusedWithACertificateFromAnotherCA() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: true)
        let tls = TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate),
                              clientCertificatePEM: try fixture.bytes(fixture.otherClientCertificate),
                              clientKeyPEM: try fixture.bytes(fixture.otherClientKey))
        let error = await failure(server, tls)
        // The server's alert and its closing the socket race: either may reach the client first.
        XCTAssertTrue(error?.kind == .tlsHandshake || error?.kind == .connection, String(describing: error))
    }

    func testAnUnusableClientKeyIsAConfigurationError() async throws {
        let (fixture, server) = try serverTLS(requireClientCertificate: true)
        let tls = TLSSettings(certificateAuthorityPEM: try fixture.bytes(fixture.caCertificate),
                              clientCertificatePEM: try fixture.bytes(fixture.clientCertificate),
                              clientKeyPEM: Array("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".utf8))
        let error = await failure(server, tls)
        XCTAssertEqual(error?.kind, .tlsConfiguration, String(describing: error))
    }
}
