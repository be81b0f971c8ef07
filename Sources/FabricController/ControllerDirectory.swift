import FabricValue
import KubeClient
import Notifications

/// The notification server's view of the controller: fabrics as the watch
/// cache holds them (status included), manual syncs and source refreshes
/// through the controller's queue.
public struct ControllerDirectory: FabricDirectory {
    let controller: Controller
    let store: any FabricStore

    public init(controller: Controller, store: any FabricStore) {
        self.controller = controller
        self.store = store
    }

    public func fabrics() async -> [FabricSummary] {
        let live: [Value]
        do {
            live = try await store.fabrics()
        } catch {
            // The cache is not synced (the API server is unreachable): show what the controller last reported instead.
            return await reportedFabrics()
        }
        return live.compactMap(Self.summary).sorted { $0.fabricID < $1.fabricID }
    }

    public func requestSync(_ fabricID: String) async -> Bool {
        await controller.requestSync(fabricID)
    }

    public func refreshSource() async {
        await controller.refreshSourceNow()
    }

    public func isReady() async -> Bool {
        await controller.firstRoundDone
    }

    public func controllerMetrics() async -> ControllerMetrics {
        var metrics = ControllerMetrics(queueDepth: await controller.queueDepth, reconcilesTotal: await controller.totalReconciles)
        if let cluster = store as? KubeCluster {
            metrics.watchRestarts = cluster.watchRestarts
            metrics.apiRequests = cluster.client.requestCounts.snapshot
                .map { APIRequestCount(verb: $0.key.method, code: $0.key.status, count: $0.value) }
                .sorted { ($0.verb, $0.code) < ($1.verb, $1.code) }
        }
        return metrics
    }

    /// A Fabric object as the REST API shows it.
    static func summary(_ fabric: Value) -> FabricSummary? {
        guard let namespace = fabric["metadata"]?["namespace"]?.stringValue, let name = fabric["metadata"]?["name"]?.stringValue else { return nil }
        let status = fabric["status"] ?? .object(Object())
        let ready = Conditions(status["conditions"])[ConditionType.ready]
        return FabricSummary(
            namespace: namespace, name: name,
            syncStatus: status["syncStatus"]?.stringValue ?? SyncStatus.neverSynced.rawValue,
            ready: ready?.status == .true,
            lastSyncTime: status["lastSyncTime"]?.stringValue,
            revision: status["lastAppliedRevision"]?.stringValue ?? status["lastAttemptedRevision"]?.stringValue,
            status: status
        )
    }

    private func reportedFabrics() async -> [FabricSummary] {
        var result: [FabricSummary] = []
        for id in await controller.knownFabrics {
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let report = await controller.lastReport(id)
            let status = report?.status ?? .object(Object())
            result.append(FabricSummary(namespace: parts[0], name: parts[1], syncStatus: report?.syncStatus.rawValue ?? SyncStatus.neverSynced.rawValue,
                                        ready: report?.ready ?? false, lastSyncTime: status["lastSyncTime"]?.stringValue,
                                        revision: report?.revision, status: status))
        }
        return result
    }
}
