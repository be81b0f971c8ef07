import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// The hooks the controller's tests use: injected failures and delays, the request log, the bearer token.
final class FaultInjectionTests: XCTestCase {
    func testFailNextAnswersWithTheChosenStatusThenRecovers() async throws {
        let harness = try await EmulatorHarness()
        harness.emulator.faults.failNext(2, status: 429, retryAfterSeconds: 3, verb: .list)
        let first = try await harness.request("GET", "/api/v1/configmaps")
        XCTAssertEqual(first.status, 429)
        XCTAssertEqual(first.headers["retry-after"], "3")
        XCTAssertEqual(first.json["reason"], "TooManyRequests")
        let get = try await harness.request("GET", "/api/v1/namespaces/default")
        XCTAssertEqual(get.status, 200, "a GET does not match a LIST rule")
        let second = try await harness.request("GET", "/api/v1/configmaps")
        XCTAssertEqual(second.status, 429)
        let third = try await harness.request("GET", "/api/v1/configmaps")
        XCTAssertEqual(third.status, 200)

        harness.emulator.faults.failNext(1, status: 503, pathContains: "/configmaps")
        let unavailable = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: configMap("x"))
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.json["reason"], "ServiceUnavailable")
        harness.emulator.faults.failNext(1)
        let internalError = try await harness.request("GET", "/api/v1/namespaces")
        XCTAssertEqual(internalError.status, 500)
        await harness.stop()
    }

    func testDelaysHoldResponses() async throws {
        let harness = try await EmulatorHarness()
        harness.emulator.faults.delayResponses(by: .milliseconds(300), verb: .get)
        let start = ContinuousClock.now
        _ = try await harness.request("GET", "/api/v1/namespaces/default")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(300))
        harness.emulator.faults.clearDelays()
        await harness.stop()
    }

    func testRequestLogCountsByVerb() async throws {
        let harness = try await EmulatorHarness()
        _ = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: configMap("c"))
        _ = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/c")
        _ = try await harness.request("GET", "/api/v1/namespaces/default/configmaps")
        _ = try await harness.request("PUT", "/api/v1/namespaces/default/configmaps/c", body: configMap("c", data: ["a": "2"]))
        _ = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/c", body: ["data": ["b": "1"]], contentType: "application/merge-patch+json")
        _ = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/c?fieldManager=t", body: configMap("c"), contentType: "application/apply-patch+yaml")
        _ = try await harness.request("DELETE", "/api/v1/namespaces/default/configmaps/c")
        let log = harness.emulator.requests
        XCTAssertEqual(log.count(.create), 1)
        XCTAssertEqual(log.count(.get), 1)
        XCTAssertEqual(log.count(.list), 1)
        XCTAssertEqual(log.count(.update), 1)
        XCTAssertEqual(log.count(.patch), 1)
        XCTAssertEqual(log.count(.apply), 1)
        XCTAssertEqual(log.count(.delete), 1)
        XCTAssertEqual(log.writeCount(pathContains: "/configmaps/c"), 4)
        _ = try await harness.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", body: configMap("d"))
        XCTAssertEqual(log.all.last?.isDryRun, true)
        XCTAssertEqual(log.all.filter { $0.verb == .create && !$0.isDryRun }.count, 1)
        await harness.stop()
    }

    func testBearerTokenIsRequiredWhenConfigured() async throws {
        let harness = try await EmulatorHarness(configuration: .init(bearerToken: "s3cret"))
        let anonymous = try await harness.request("GET", "/api/v1/namespaces")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.json["reason"], "Unauthorized")
        let wrong = try await harness.request("GET", "/api/v1/namespaces", headers: ["Authorization": "Bearer nope"])
        XCTAssertEqual(wrong.status, 401)
        let right = try await harness.request("GET", "/api/v1/namespaces", headers: ["Authorization": "Bearer s3cret"])
        XCTAssertEqual(right.status, 200)
        let health = try await harness.request("GET", "/healthz")
        XCTAssertEqual(health.status, 200)
        await harness.stop()
    }
}
