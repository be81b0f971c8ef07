import Foundation

/// The git runs of one sync: they share an environment (credentials and
/// configuration), a redactor, and one deadline — the source's timeout bounds
/// the whole sync, not each step.
struct GitSession: Sendable {
    let runner: any GitRunning
    let environment: [String: String]
    let redactor: Redactor
    let deadline: ContinuousClock.Instant
    let timeout: Duration
    /// The remote as it may be shown: credentials redacted.
    let displayURL: String

    init(runner: any GitRunning, auth: ResolvedAuth, extraEnvironment: [String: String], url: String, timeout: Duration) {
        // Settings every run needs. No hooks can run from the cache; automatic
        // maintenance stays in our process group, so our timeout bounds it too.
        let configuration: [(key: String, value: String)] = [
            ("core.hooksPath", "/dev/null"),
            ("gc.autoDetach", "false"),
            ("maintenance.autoDetach", "false"),
            ("init.defaultBranch", "main"),
            ("advice.detachedHead", "false"),
            ("credential.helper", ""),
        ] + auth.configuration
        var environment = GitEnvironment.configuration(configuration)
        environment.merge(auth.environment) { _, added in added }
        environment.merge(extraEnvironment) { _, added in added }
        self.runner = runner
        self.environment = environment
        self.redactor = auth.redactor
        self.deadline = ContinuousClock.now + timeout
        self.timeout = timeout
        self.displayURL = auth.redactor.redact(url)
    }

    /// Runs git with what is left of the deadline. A timeout names the
    /// source's own limit, not the remainder this step happened to get.
    func run(_ arguments: [String], in directory: String? = nil) async throws(GitSourceError) -> GitOutput {
        let remaining = deadline - ContinuousClock.now
        let step = arguments.first { !$0.hasPrefix("-") } ?? "git"
        guard remaining > .zero else { throw timedOut(step) }
        do {
            return try await runner.run(GitInvocation(arguments, directory: directory, environment: environment, timeout: remaining))
        } catch {
            if error.code == .timedOut { throw timedOut(step) }
            throw GitSourceError(error.code, redactor.redact(error.message))
        }
    }

    /// Runs git and turns a non-zero exit into an error with git's own words.
    @discardableResult
    func require(_ arguments: [String], in directory: String? = nil, failure code: GitSourceError.Code,
                 _ what: String) async throws(GitSourceError) -> GitOutput {
        let output = try await run(arguments, in: directory)
        guard output.succeeded else { throw failure(code, what, output) }
        return output
    }

    func failure(_ code: GitSourceError.Code, _ what: String, _ output: GitOutput) -> GitSourceError {
        let said = Self.summary(of: output.standardError)
        let detail = said.isEmpty ? "git exited with status \(output.status)" : said
        return GitSourceError(code, redactor.redact("\(what): \(detail)"))
    }

    private func timedOut(_ step: String) -> GitSourceError {
        GitSourceError(.timedOut, "git \(step) for \(displayURL) did not finish within \(GitEnvironment.format(timeout)); it was killed")
    }

    /// git's complaint on one line: its lines without hints or blank ones,
    /// bounded so a chatty remote cannot fill a status condition.
    static func summary(of standardError: String) -> String {
        let lines = standardError.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            // Our GIT_ASKPASS refuses on purpose; git's complaint about it is noise.
            .filter { !$0.isEmpty && !$0.hasPrefix("hint:") && !$0.contains("askpass response") }
        let text = lines.joined(separator: "; ")
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }
}
