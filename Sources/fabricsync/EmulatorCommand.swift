import ArgumentParsing
import KubeEmulator

enum EmulatorCommand: Command {
    static let spec = CommandSpec(
        name: "emulator",
        abstract: "Serve the embedded Kubernetes API emulator on its own.",
        discussion: "Serves until SIGINT or SIGTERM. With --state, the objects survive a restart.",
        options: [
            .value("listen", "HOST:PORT", help: "Where to listen.", default: "127.0.0.1:6443"),
            .value("state", "FILE", help: "Keep the objects in this file (written atomically)."),
            .value("kubeconfig-out", "FILE", help: "Write a kubeconfig for the emulator here."),
            .value("token", "TOKEN", help: "Require this bearer token."),
        ]
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        try await KubeEmulator.runStandalone(listen: arguments.string("listen") ?? "127.0.0.1:6443", stateFile: arguments.string("state"),
                                             kubeconfigPath: arguments.string("kubeconfig-out"), bearerToken: arguments.string("token"))
        return .success
    }
}
