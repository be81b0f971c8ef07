import ArgumentParsing
import FabricController
import FabricDiff
import FabricSource
import Foundation
import KubeClient
import Notifications
import Synchronization

enum RunCommand: Command {
    static let spec = CommandSpec(
        name: "run",
        abstract: "Keep a cluster matching the fabrics in a source.",
        discussion: """
        With --once: reconcile every fabric once, print a summary, exit 0 when every enabled fabric is Ready, 1 otherwise.
        With --dry-run: plan and check with server-side dry-run; write nothing, not even status.
        """,
        options: SourceFlags.options + ClusterSetup.options + ServerFlags.options + [
            .flag("once", help: "Reconcile every fabric once and exit."),
            .flag("dry-run", help: "Write nothing; show what would change."),
            .value("concurrency", "N", help: "Fabrics reconciled in parallel.", default: "4"),
            .value("drift-policy", "POLICY", help: "correct: put drift back; report: only report it.", default: "correct", choices: ["correct", "report"]),
            .value("source-poll-interval", "DURATION", help: "How often the source folder is re-read for changes.", default: "2s"),
            .value("shutdown-grace", "DURATION", help: "How long in-flight reconciles may finish after SIGTERM.", default: "30s"),
            .value("log-format", "FORMAT", help: "Log line format.", default: "text", choices: ["text", "json"]),
            .value("replay-buffer", "N", help: "Notification events kept for resume.", default: "10000"),
            .flag("leader-elect", help: "Reconcile only while holding the leader Lease (for more than one replica)."),
            .value("leader-election-namespace", "NS", help: "Namespace of the leader Lease (default: $POD_NAMESPACE, else the kubeconfig's namespace)."),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let log = ControllerLog(format: ControllerLog.Format(rawValue: arguments.string("log-format") ?? "text") ?? .text)
        let source = try SourceFlags.provider(arguments)
        let serverOptions = try ServerFlags.serverOptions(arguments)  // flag mistakes before any cluster work
        let initial = try? await source.load()  // only to learn the namespaces the embedded cluster needs; the controller reports failures
        let setup = try await ClusterSetup.connect(arguments, console, source: initial)
        let relay = ChangeRelay()
        let cluster = KubeCluster(client: setup.client) { change in relay.forward(change) }
        defer { cluster.close() }
        let targets = TargetClusters(home: cluster) { change in relay.forward(change) }
        defer { targets.closeAll() }
        relay.attach(targets)
        let hub = EventHub(replayCapacity: try arguments.int("replay-buffer", range: 1...10_000_000) ?? 10_000, delivery: .background,
                           now: { Date().timeIntervalSince1970 })

        var options = Reconciler.Options()
        options.dryRun = arguments.flag("dry-run")
        options.driftPolicy = DriftPolicy(rawValue: arguments.string("drift-policy") ?? "correct") ?? .correct
        let reconciler = Reconciler(home: cluster, options: options, notifier: Notifier(hub: hub), target: { await targets.resolve($0) })
        var configuration = Controller.Configuration()
        configuration.concurrency = try arguments.int("concurrency", range: 1...256) ?? 4
        configuration.sourcePollInterval = try arguments.duration("source-poll-interval") ?? .seconds(2)
        configuration.reconciler = options
        let controller = Controller(configuration: configuration, source: source, home: cluster,
                                    reconciler: reconciler, log: log)
        relay.attach(controller)
        cluster.watch(apiVersion: Fabric.apiVersion, kind: Fabric.kind)
        cluster.watch(apiVersion: "v1", kind: "Secret")  // target clusters' kubeconfigs: a new or fixed Secret triggers a run

        if arguments.flag("once") || options.dryRun {
            let reports = await controller.reconcileEveryFabricOnce()
            if options.dryRun {
                for report in reports { if let plan = report.plan { console.out("# fabric \(report.fabricID)\n" + PlanPrinter.text(plan)) } }
            }
            if options.dryRun { console.out("# dry run: nothing was written; the table says what a real run would have done\n") }
            console.out(RunSummary.table(reports))
            await setup.shutdown()
            return RunSummary.allReady(reports) ? .success : .changesOrNotReady
        }

        let signals = TerminationSignals()
        var server: NotificationServer?
        let leading = LeadershipFlag(leading: !arguments.flag("leader-elect"))
        if let serverOptions {
            // Ready once the first round is done; a standby (leader election) is ready as it is, so both replicas report ready.
            let readiness: @Sendable () async -> Bool = { leading.isLeading ? await controller.firstRoundDone : true }
            let notifications = NotificationServer(hub: hub, directory: ControllerDirectory(controller: controller, store: cluster), options: serverOptions,
                                                   readiness: readiness)
            let (port, metricsPort) = try await notifications.start()
            log.info("notification server listening", [("url", .string("http://\(serverOptions.host):\(port)/"))] + (metricsPort.map { [("metrics_port", .int(Int64($0)))] } ?? []))
            server = notifications
        }
        let grace = try arguments.duration("shutdown-grace") ?? .seconds(30)
        if arguments.flag("leader-elect") {
            let elector = LeaderElection.elector(arguments, client: setup.client, log: log)
            let loop = LoopHolder()
            let campaign = Task {
                await elector.run { isLeader in
                    leading.set(isLeader)
                    if isLeader {
                        loop.start { await controller.run() }
                    } else {
                        loop.stop()
                        await controller.abandonInFlight()
                    }
                }
            }
            let signal = await signals.next()
            log.info("shutting down", [("signal", .int(Int64(signal)))])
            // Keep renewing the lease while in-flight reconciles finish, so no
            // standby starts leading while we still write; then give it up.
            await controller.drain(grace: grace)
            loop.stop()
            campaign.cancel()
            await elector.release()
        } else {
            let loop = Task { await controller.run() }
            let signal = await signals.next()
            log.info("shutting down", [("signal", .int(Int64(signal)))])
            await controller.drain(grace: grace)
            loop.cancel()
        }
        // After the drain, so clients see the last reconciles end; then WebSockets close with 1001.
        await server?.shutdown()
        await setup.shutdown()
        return .success
    }
}

/// The controller's loop while this process leads.
final class LoopHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func start(_ body: @escaping @Sendable () async -> Void) {
        lock.withLock {
            task?.cancel()
            task = Task { await body() }
        }
    }

    func stop() { lock.withLock { task?.cancel(); task = nil } }
}

enum LeaderElection {
    static func elector(_ arguments: ParsedArguments, client: KubeClient, log: ControllerLog) -> LeaderElector {
        let environment = ProcessInfo.processInfo.environment
        let namespace = arguments.string("leader-election-namespace") ?? environment["POD_NAMESPACE"] ?? client.config.namespace
        let identity = environment["POD_NAME"] ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let pod = environment["POD_NAME"].map { (namespace: environment["POD_NAMESPACE"] ?? namespace, name: $0) }
        return LeaderElector(client: client, namespace: namespace, rules: LeaderElectionRules(identity: identity), pod: pod, log: log)
    }
}

/// Whether this replica leads (always, without `--leader-elect`), for readiness.
final class LeadershipFlag: Sendable {
    private let value: Atomic<Bool>
    init(leading: Bool) { value = Atomic(leading) }
    var isLeading: Bool { value.load(ordering: .acquiring) }
    func set(_ leading: Bool) { value.store(leading, ordering: .releasing) }
}

enum RunSummary {
    static func table(_ reports: [ReconcileReport]) -> String {
        var rows = [["FABRIC", "READY", "STATUS", "CREATED", "UPDATED", "UNCHANGED", "PRUNED", "FAILED", "DURATION", "MESSAGE"]]
        for report in reports {
            let c = report.counts
            rows.append([report.fabricID, report.ready ? "True" : "False", report.syncStatus.rawValue, "\(c.created)", "\(c.updated)", "\(c.unchanged)",
                         "\(c.pruned)", "\(c.failed)", FabricStatusBuilder.durationText(report.duration), report.message])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in index < widths.count ? cell + String(repeating: " ", count: widths[index] - cell.count + 2) : cell }.joined()
        }.joined(separator: "\n") + "\n"
    }

    /// Every enabled fabric Ready (a disabled one is fine as it is).
    static func allReady(_ reports: [ReconcileReport]) -> Bool {
        reports.allSatisfy { $0.ready || $0.outcome == .disabled }
    }
}
