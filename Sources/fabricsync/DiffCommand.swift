import ArgumentParsing
import FabricDiff
import FabricSource
import FabricValue

enum DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff",
        abstract: "Show what a reconcile would change.",
        discussion: "Exit status (as kubectl diff): 0 no changes, 1 changes, 2 errors.",
        options: SourceFlags.options + [
            .flag("offline", help: "Compare against an empty cluster, contacting none (everything is a create)."),
            .value("output", short: "o", "FORMAT", help: "Output format.", default: "text", choices: ["text", "json"]),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        guard arguments.flag("offline") else {
            throw UsageError("diff against a live cluster is not available yet; use --offline")
        }
        let source = try SourceFlags.load(arguments, console)
        guard source.isValid else {
            console.error(source.issues.map(\.description).joined(separator: "\n"))
            return .failure
        }
        var plans: [(String, Plan)] = []
        for fabric in source.fabrics {
            // The Fabric object itself is applied from the source too.
            let desired = [fabric.fabricObject] + fabric.desiredMembers(isNamespaced: SourceFlags.guessNamespaced)
            plans.append((fabric.fabric.id, Planner.plan(desired: desired, live: [:], inventory: [])))
        }
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
}
