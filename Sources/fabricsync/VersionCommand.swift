import ArgumentParsing

enum FabricsyncVersion {
    static let current = "0.1.0"
}

enum VersionCommand: Command {
    static let spec = CommandSpec(name: "version", abstract: "Print the version.")

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        console.out("fabricsync \(FabricsyncVersion.current)\n")
        return .success
    }
}
