import ArgumentParsing
import FabricController
import FabricDiff
import FabricSource
import FabricValue
import KubeClient

enum DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff",
        abstract: "Show what a reconcile would change.",
        discussion: """
        Against a live cluster the plan is checked with server-side dry-run (nothing is written).
        With --offline, no cluster is contacted and everything is a create.
        Exit status (as kubectl diff): 0 no changes, 1 changes, 2 errors.
        """,
        options: SourceFlags.options + [
            .flag("offline", help: "Compare against an empty cluster, contacting none (everything is a create)."),
            .value("kubeconfig", "PATH", help: "Kubeconfig to use (else $KUBECONFIG, in-cluster, ~/.kube/config)."),
            .value("context", "NAME", help: "Kubeconfig context to use."),
            .value("output", short: "o", "FORMAT", help: "Output format.", default: "text", choices: ["text", "json"]),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let source = try await SourceFlags.load(arguments, console)
        guard source.isValid else {
            console.error(source.issues.map(\.description).joined(separator: "\n"))
            return .failure
        }
        let plans = arguments.flag("offline") ? offlinePlans(source) : try await livePlans(source, arguments, console)
        guard let plans else { return .failure }
        if arguments.string("output") == "json" {
            let items = plans.map { id, plan -> Value in ["fabric_id": .string(id), "plan": PlanPrinter.jsonValue(plan)] }
            console.out(JSONWriter.string(["revision": .string(source.revision), "fabrics": .array(items)], pretty: true) + "\n")
        } else {
            for (id, plan) in plans {
                console.out("# fabric \(id)\n" + PlanPrinter.text(plan))
            }
        }
        return plans.contains { $0.1.hasChanges } ? .changesOrNotReady : .success
    }

    private static func offlinePlans(_ source: LoadedSource) -> [(String, Plan)] {
        source.fabrics.map { fabric in
            // The Fabric object itself is applied from the source too.
            let desired = [fabric.fabricObject] + fabric.desiredMembers(isNamespaced: SourceFlags.guessNamespaced)
            return (fabric.fabric.id, Planner.plan(desired: desired, live: [:], inventory: []))
        }
    }

    /// Plans against the cluster through the reconciler in dry-run mode, so
    /// every apply is checked by the server (`dryRun=All`) and nothing is written.
    private static func livePlans(_ source: LoadedSource, _ arguments: ParsedArguments, _ console: Console) async throws -> [(String, Plan)]? {
        let config = try ClusterConfigLoader(explicitPath: arguments.string("kubeconfig"), context: arguments.string("context")).load()
        let cluster = KubeCluster(client: KubeClient(config: config))
        let targets = TargetClusters(home: cluster)
        defer {
            targets.closeAll()
            cluster.close()
        }
        var options = Reconciler.Options()
        options.dryRun = true
        let reconciler = Reconciler(home: cluster, options: options, notifier: Notifier(hub: nil), target: { await targets.resolve($0) })
        var plans: [(String, Plan)] = []
        var failed = false
        for fabric in source.fabrics {
            let report = await reconciler.reconcile(ReconcileRequest(source: fabric, revision: source.revision, trigger: .manual))
            guard report.outcome.isSuccess || report.outcome == .disabled else {
                console.error("\(fabric.fabric.id): \(report.message)")
                failed = true
                continue
            }
            var plan = report.plan ?? Plan()
            plan.entries.insert(try await fabricEntry(fabric, in: cluster), at: 0)
            plans.append((fabric.fabric.id, plan))
        }
        return failed ? nil : plans
    }

    /// The Fabric object's own line in the plan.
    private static func fabricEntry(_ fabric: FabricSource, in cluster: KubeCluster) async throws -> PlanEntry {
        let desired = fabric.fabricObject
        let id = ObjectID(object: desired)!
        guard let live = try await cluster.fabric(namespace: fabric.fabric.namespace, name: fabric.fabric.name) else {
            return PlanEntry(action: .create, id: id, desired: desired)
        }
        let changes = ObjectDiff.compare(desired: desired, live: live)
        return PlanEntry(action: changes.isEmpty ? .unchanged : .update, id: id, changes: changes, desired: desired)
    }
}
