import ArgumentParsing
import Foundation

/// One fabricsync subcommand: its flags, and what it does with them.
protocol Command {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus
}

enum CommandDispatcher {
    static var commands: [any Command.Type] {[
        RunCommand.self,
        ValidateCommand.self,
        DiffCommand.self,
        SyncCommand.self,
        ExportCommand.self,
        EmulatorCommand.self,
        StatusCommand.self,
        EventsCommand.self,
        VersionCommand.self,
    ]}

    static func run(_ arguments: [String], environment: [String: String]) async -> ExitStatus {
        let console = Console()
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            console.out(overview())
            return arguments.isEmpty ? .failure : .success
        }
        if name == "--version" { return await run(["version"], environment: environment) }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            console.error("fabricsync: unknown command '\(name)'\n\n" + overview())
            return .failure
        }
        do {
            switch try ArgumentParser(command.spec).parse(Array(arguments.dropFirst()), environment: environment) {
            case .help:
                console.out(HelpText.render(command.spec, program: "fabricsync"))
                return .success
            case .run(let parsed):
                return try await command.run(parsed, console)
            }
        } catch let error as UsageError {
            console.error("fabricsync \(name): \(error.message)\nRun 'fabricsync \(name) --help' for usage.")
            return .failure
        } catch {
            console.error("fabricsync \(name): \(error)")
            return .failure
        }
    }

    static func overview() -> String {
        var lines = ["fabricsync \(FabricsyncVersion.current): keeps Kubernetes matching Hedgehog fabrics kept as YAML.", "", "USAGE: fabricsync <command> [options]", "", "COMMANDS:"]
        for command in commands {
            let name = command.spec.name
            lines.append("  " + name + String(repeating: " ", count: max(2, 12 - name.count)) + command.spec.abstract)
        }
        lines.append("")
        lines.append("Run 'fabricsync <command> --help' for a command's options.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Where commands print: results to standard output, diagnostics to standard
/// error (Glibc's `stdout`/`stderr` globals are off limits under strict concurrency).
struct Console: Sendable {
    func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
