import FabricValue
import KubeClient
import XCTest

/// The client under the emulator's fault hooks: 500s, 429 with Retry-After,
/// slow responses, and a token file that changes between requests.
final class FaultTests: XCTestCase {
    private func cluster(token: String? = nil, credentials: Credentials = .none,
                         options: KubeClient.Options = KubeClient.Options(retry: RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(20), maximumDelay: .seconds(2)))) async throws -> EmulatorCluster {
        let cluster = try await EmulatorCluster(configuration: .init(bearerToken: token), credentials: credentials, options: options)
        addTeardownBlock { await cluster.stop() }
        return cluster
    }

    func testServerErrorsOnReadsAreRetried() async throws {
        let cluster = try await cluster()
        _ = try await cluster.client.create(EmulatorCluster.configMap("x"))
        cluster.emulator.requests.reset()
        cluster.emulator.faults.failNext(2, status: 500, verb: .get)
        let got = try await cluster.client.get(apiVersion: "v1", kind: "ConfigMap", name: "x")
        XCTAssertEqual(got.value(at: "metadata", "name"), "x")
        XCTAssertEqual(cluster.emulator.requests.count(.get), 3, "two failures, then success")
    }

    func testServerErrorsOnCreatesAreNotRetried() async throws {
        let cluster = try await cluster()
        cluster.emulator.requests.reset()
        cluster.emulator.faults.failNext(1, status: 500, verb: .create)
        do {
            _ = try await cluster.client.create(EmulatorCluster.configMap("x"))
            XCTFail("an injected 500 was not reported")
        } catch {
            XCTAssertEqual(error.status?.code, 500)
            XCTAssertEqual(error.status?.reason, "InternalError")
        }
        XCTAssertEqual(cluster.emulator.requests.count(.create), 1)
    }

    func testTooManyRequestsWaitsForRetryAfterAndRetriesAnyVerb() async throws {
        let cluster = try await cluster()
        cluster.emulator.faults.failNext(1, status: 429, retryAfterSeconds: 1, verb: .create)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await cluster.client.create(EmulatorCluster.configMap("x"))
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(900), "the server's Retry-After was honoured")
        XCTAssertEqual(cluster.emulator.requests.count(.create), 2)
    }

    func testGivingUpKeepsTheLastStatus() async throws {
        let cluster = try await cluster()
        cluster.emulator.faults.failNext(10, status: 503, verb: .list)
        do {
            _ = try await cluster.client.list(apiVersion: "v1", kind: "ConfigMap")
            XCTFail("succeeded through ten 503s")
        } catch {
            XCTAssertEqual(error.status?.code, 503)
        }
        XCTAssertEqual(cluster.emulator.requests.count(.list), 5, "the policy's five attempts")
    }

    func testASlowResponseTimesOut() async throws {
        let cluster = try await cluster(options: KubeClient.Options(retry: .never, requestTimeout: .milliseconds(300)))
        cluster.emulator.faults.delayResponses(by: .seconds(3), verb: .get)
        do {
            _ = try await cluster.client.get(apiVersion: "v1", kind: "ConfigMap", name: "x")
            XCTFail("a 3 s response beat a 300 ms timeout")
        } catch {
            guard case .transport(let transport) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(transport.kind, .timeout)
        }
        cluster.emulator.faults.clearDelays()
    }

    func testATokenFileThatChangesIsReadForTheNextRequest() async throws {
        let folder = try TempFolder()
        let tokenPath = try folder.write("token", "old-token")
        let cluster = try await cluster(token: "new-token", credentials: .tokenFile(tokenPath))
        do {
            _ = try await cluster.client.list(apiVersion: "v1", kind: "Namespace")
            XCTFail("the wrong token was accepted")
        } catch {
            XCTAssertEqual(error.status?.code, 401)
        }
        let rotated = try folder.write("token.next", "new-token\n")
        XCTAssertEqual(rename(rotated, tokenPath), 0)
        let namespaces = try await cluster.client.list(apiVersion: "v1", kind: "Namespace")
        XCTAssertFalse(namespaces.items.isEmpty)
    }
}
