import FabricController
import FabricSource
import FabricValue
import KubeClient
import XCTest

/// The kubeconfig Secret is watched: a missing Secret is `not_configured`
/// until it is created, wrong credentials are `error` until they are fixed,
/// a rotated Secret replaces the client, and an unused client is closed —
/// all without restarting the controller.
final class TargetSecretLifecycleTests: XCTestCase {
    func testAMissingSecretIsNotConfiguredThenConvergesOnceTheSecretIsCreated() async throws {
        let bed = try await TargetTestBed(tokens: ["token-one"])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            let first = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(first.first?.syncStatus.rawValue, "not_configured")
            let notConfiguredStatus = try await bed.syncStatus("one")
            XCTAssertEqual(notConfiguredStatus, "not_configured")
            let notConfiguredReason = try await bed.readyReason("one")
            XCTAssertEqual(notConfiguredReason, "ClusterNotConfigured")
            let message = try await bed.readyMessage("one")
            XCTAssertEqual(message, "Secret hedgehog-system/one-kubeconfig, named by spec.cluster.kubeConfigSecretRef, does not exist")
            XCTAssertEqual(bed.targets[0].requests.writeCount(), 0, "nothing applied anywhere")
            XCTAssertEqual(bed.home.requests.count(.apply, pathContains: "/configmaps"), 0)

            bed.startLoop()
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one"))
            try await bed.eventually("the fabric converges once its Secret exists") { try await bed.syncStatus("one") == "in_sync" }
            let member = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertNotNil(member)
            // The failure's own retry may get there first; the Secret's watch event still triggers a run of its own.
            try await bed.eventually("a run triggered by the Secret") { bed.notifications.text.contains("\"trigger\":\"target_change\"") }

            _ = try await bed.homeClient.delete(apiVersion: "v1", kind: "Secret", namespace: TargetTestBed.namespace, name: "one-kubeconfig")
            try await bed.eventually("a deleted Secret is not_configured again") { try await bed.syncStatus("one") == "not_configured" }
            XCTAssertEqual(bed.targetClusters.openTargets, [], "and its client is closed")
            let kept = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertNotNil(kept, "nothing is pruned while the target is not configured")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testAMissingKeyIsNotConfiguredAndNamesTheKeysThereAre() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", key: "kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: nil))
            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.first?.syncStatus.rawValue, "not_configured")
            let message = try await bed.readyMessage("one")
            XCTAssertEqual(message, "Secret hedgehog-system/one-kubeconfig has no key \"kubeconfig\" (its keys: value)")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testAWrongTokenIsForbiddenThenRecoversWhenTheSecretIsFixed() async throws {
        let bed = try await TargetTestBed(tokens: ["right-token"])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "wrong-token"))
            let first = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(first.first?.syncStatus.rawValue, "error")
            let reason = try await bed.readyReason("one")
            XCTAssertEqual(reason, "Forbidden")
            let message = try await bed.readyMessage("one") ?? ""
            XCTAssertTrue(message.contains("does not accept the credentials"), message)
            XCTAssertTrue(message.contains("Secret hedgehog-system/one-kubeconfig key \"value\""), message)

            bed.startLoop()
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "right-token"))
            try await bed.eventually("the fabric converges once the token is fixed") { try await bed.syncStatus("one") == "in_sync" }
            let member = try await bed.configMap("one-info", in: bed.targetClients[0])
            XCTAssertNotNil(member)
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testAnUnreachableTargetIsClusterUnreachable() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            // A port nothing listens on (the target's, once it is shut down).
            let kubeconfig = bed.kubeconfig(target: 0, token: nil)
            await bed.targets[0].shutdown()
            try await bed.putSecret("one-kubeconfig", kubeconfig: kubeconfig)
            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.first?.syncStatus.rawValue, "error")
            let reason = try await bed.readyReason("one")
            XCTAssertEqual(reason, "ClusterUnreachable")
            let message = try await bed.readyMessage("one") ?? ""
            XCTAssertTrue(message.contains("cannot be reached"), message)
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testARotatedSecretReplacesTheClientAndItsWatches() async throws {
        let bed = try await TargetTestBed(tokens: ["token-one"])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one"))
            bed.startLoop()
            try await bed.eventually("the fabric converges") { try await bed.syncStatus("one") == "in_sync" }
            let ref = TargetSecretRef(namespace: TargetTestBed.namespace, name: "one-kubeconfig")
            let before = try XCTUnwrap(bed.targetClusters.cluster(for: ref))
            let watchesBefore = bed.targets[0].requests.count(.watch)

            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: "token-one", comment: "\n# rotated\n"))
            try await bed.eventually("a new client replaces the old one") {
                bed.targetClusters.cluster(for: ref).map { $0 !== before } ?? false
            }
            // The new client's informers watch again; drift is still seen and put back through them.
            _ = try await bed.targetClients[0].mergePatch(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "one-info",
                                                          patch: ["data": ["site": "edited"]])
            try await bed.eventually("drift is put back through the new client") {
                try await bed.configMap("one-info", in: bed.targetClients[0])?["data"]?["site"]?.stringValue == "lab1"
            }
            XCTAssertGreaterThan(bed.targets[0].requests.count(.watch), watchesBefore)
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testAClientNoFabricNamesAnyMoreIsClosed() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["site": "lab1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: nil))
            let first = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(first.first?.syncStatus.rawValue, "in_sync", first.first?.message ?? "")
            XCTAssertEqual(bed.targetClusters.openTargets.map(\.name), ["one-kubeconfig"])

            try bed.writeFabric("one", members: ["one-info": ["site": "lab1"]])
            let reports = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(reports.first?.syncStatus.rawValue, "in_sync", reports.first?.message ?? "")
            XCTAssertEqual(bed.targetClusters.openTargets, [])
            let member = try await bed.configMap("one-info", in: bed.homeClient)
            XCTAssertNotNil(member, "with no spec.cluster the members go to the controller's own cluster")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testADeletedFabricPrunesInItsTargetAndItsClientIsClosed() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("home", members: ["home-info": ["v": "1"]])
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["v": "1"]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: bed.kubeconfig(target: 0, token: nil))
            _ = await bed.controller.reconcileEveryFabricOnce()
            XCTAssertEqual(bed.targetClusters.openTargets.map(\.name), ["one-kubeconfig"])

            try FileManager.default.removeItem(at: bed.source.appendingPathComponent("one"))
            bed.startLoop()
            try await bed.eventually("the fabric's member is pruned from its target") {
                try await bed.configMap("one-info", in: bed.targetClients[0]) == nil
            }
            try await bed.eventually("the Fabric is gone") { try await bed.fabricStatus("one") == nil }
            try await bed.eventually("the client no fabric names is closed") { bed.targetClusters.openTargets.isEmpty }
            let homeMember = try await bed.configMap("home-info", in: bed.homeClient)
            XCTAssertNotNil(homeMember)
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }

    func testOnlyAChangeToTheDataOfANamedSecretTriggersARun() async throws {
        let bed = try await TargetTestBed(tokens: [nil])
        do {
            try bed.writeFabric("one", secret: "one-kubeconfig", members: ["one-info": ["v": "1"]])
            let kubeconfig = bed.kubeconfig(target: 0, token: nil)
            try await bed.putSecret("one-kubeconfig", kubeconfig: kubeconfig)
            bed.startLoop()
            try await bed.eventually("the fabric converges") { try await bed.syncStatus("one") == "in_sync" }
            func targetChangeRuns() -> Int { bed.notifications.all.filter { $0.contains("\"trigger\":\"target_change\"") }.count }
            let before = targetChangeRuns()

            try await bed.putSecret("unrelated", kubeconfig: kubeconfig)
            _ = try await bed.homeClient.mergePatch(apiVersion: "v1", kind: "Secret", namespace: TargetTestBed.namespace, name: "one-kubeconfig",
                                                    patch: ["metadata": ["labels": ["touched": "yes"]]])
            try await bed.putSecret("one-kubeconfig", kubeconfig: kubeconfig + "\n# rotated\n")
            try await bed.eventually("the data change triggers a run") { targetChangeRuns() == before + 1 }
            try await Task.sleep(for: .milliseconds(500))  // room for a wrong extra run to show up
            XCTAssertEqual(targetChangeRuns(), before + 1, "neither an unrelated Secret nor a label change triggered a run")
        } catch {
            await bed.stop()
            throw error
        }
        await bed.stop()
    }
}
