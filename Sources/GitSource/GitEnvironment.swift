import Foundation

/// The environments git runs in. Pure functions of the parent's environment.
public enum GitEnvironment {
    /// Variables carried over from the parent: where programs are, where home
    /// and temporary files are, and the proxy and CA settings a cluster or a
    /// laptop may need to reach the remote. Everything else (GIT_DIR, GIT_WORK_TREE,
    /// GIT_CONFIG_PARAMETERS, …) is dropped so nothing outside steers our git.
    static let carriedOver: Set<String> = [
        "PATH", "HOME", "TMPDIR", "SSH_AUTH_SOCK",
        "http_proxy", "https_proxy", "no_proxy", "all_proxy",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        "SSL_CERT_FILE", "SSL_CERT_DIR",
    ]

    /// The environment for the repository cache: clean, non-interactive, and
    /// deaf to the system and user git configuration, so that the same URL and
    /// ref give the same checkout on every machine.
    public static func isolated(from parent: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = parent.filter { carriedOver.contains($0.key) }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        environment.merge(nonInteractive) { _, fixed in fixed }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        // ssh would otherwise ask on the terminal about an unknown host key.
        environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        return environment
    }

    /// The environment for looking at the user's own work tree (`--source DIR`):
    /// their configuration counts (a global ignore file changes what `status`
    /// shows), but git must not prompt, must not take the index lock the user's
    /// own git may want, and must look at the folder it is given.
    public static func user(from parent: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = parent.filter { !$0.key.hasPrefix("GIT_") }
        environment.merge(nonInteractive) { _, fixed in fixed }
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        return environment
    }

    /// No prompt can ever wait for a person: git's own, the credential
    /// helpers' (through GIT_ASKPASS), and ssh's. English messages, because the
    /// source reads a few of them.
    static let nonInteractive: [String: String] = [
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "SSH_ASKPASS_REQUIRE": "never",
        "LC_ALL": "C",
        "LANG": "C",
    ]

    /// Configuration given through the environment (`GIT_CONFIG_COUNT`,
    /// `GIT_CONFIG_KEY_<n>`, `GIT_CONFIG_VALUE_<n>`): unlike `-c key=value` it
    /// never shows in the process list.
    public static func configuration(_ entries: [(key: String, value: String)]) -> [String: String] {
        var environment = ["GIT_CONFIG_COUNT": String(entries.count)]
        for (index, entry) in entries.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = entry.key
            environment["GIT_CONFIG_VALUE_\(index)"] = entry.value
        }
        return environment
    }

    /// The first executable file called `name` in a `PATH`-style list.
    public static func findProgram(_ name: String, path: String?) -> String? {
        for folder in (path ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A duration as the design writes them: `1s`, `0.5s`, `90s`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        var text = String(format: "%.3f", Double(milliseconds) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return text + "s"
    }
}
