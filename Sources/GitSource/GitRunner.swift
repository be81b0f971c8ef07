import Foundation

/// One run of `git`: its arguments (never a shell line), where it runs, what it
/// adds to the runner's environment, and how long it may take.
public struct GitInvocation: Sendable, Equatable {
    public var arguments: [String]
    public var directory: String?
    /// Added on top of the runner's base environment (credentials travel here, never in `arguments`).
    public var environment: [String: String]
    public var timeout: Duration

    public init(_ arguments: [String], directory: String? = nil, environment: [String: String] = [:], timeout: Duration) {
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
        self.timeout = timeout
    }

    /// The git subcommand, for messages: the first argument that is not an option.
    public var subcommand: String { arguments.first { !$0.hasPrefix("-") } ?? "git" }
}

/// What a finished git run printed, and its exit status. A non-zero status is
/// an answer, not an error: the caller decides what it means.
public struct GitOutput: Sendable, Equatable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public var succeeded: Bool { status == 0 }
}

/// The I/O edge of this module: something that runs git. Throws only when git
/// could not run to its end (not found, timed out, cancelled).
public protocol GitRunning: Sendable {
    func run(_ invocation: GitInvocation) async throws(GitSourceError) -> GitOutput
}

/// Runs the real `git` program with Foundation's `Process`. Foundation starts
/// each child as the leader of its own process group, so a timeout or a
/// cancellation kills git and everything it started (ssh, remote helpers,
/// upload-pack) with one `kill(-pgid)`.
public struct ProcessGitRunner: GitRunning {
    public let executable: String
    public let baseEnvironment: [String: String]

    /// - Parameters:
    ///   - executable: the git program; looked up in the environment's `PATH` when nil.
    ///   - baseEnvironment: the complete environment git starts with (see `GitEnvironment`).
    public init(executable: String? = nil, baseEnvironment: [String: String] = GitEnvironment.isolated()) {
        self.executable = executable ?? GitEnvironment.findProgram("git", path: baseEnvironment["PATH"]) ?? "git"
        self.baseEnvironment = baseEnvironment
    }

    public func run(_ invocation: GitInvocation) async throws(GitSourceError) -> GitOutput {
        let running = RunningGit()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<GitOutput, GitSourceError>, Never>) in
                start(invocation, running: running) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            running.stop(because: .cancelled)
        }
        return try result.get()
    }

    /// For the few synchronous callers (a revision label for a local folder):
    /// blocks the calling thread until git ends.
    public func runBlocking(_ invocation: GitInvocation) throws(GitSourceError) -> GitOutput {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        start(invocation, running: RunningGit()) { result in
            box.set(result)
            done.signal()
        }
        done.wait()
        return try box.get()
    }

    private func start(_ invocation: GitInvocation, running: RunningGit,
                       completion: @escaping @Sendable (Result<GitOutput, GitSourceError>) -> Void) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = invocation.arguments
        process.environment = baseEnvironment.merging(invocation.environment) { _, added in added }
        if let directory = invocation.directory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors

        let finished = DispatchGroup()
        let collected = CollectedOutput()
        finished.enter()
        process.terminationHandler = { process in
            collected.setStatus(process.terminationStatus)
            finished.leave()
        }
        do {
            try process.run()
        } catch {
            try? output.fileHandleForWriting.close() // deliberate: the pipes were never used; closing is tidying up
            try? errors.fileHandleForWriting.close()
            completion(.failure(GitSourceError(.launchFailed, "cannot start \(executable): \(error.localizedDescription)")))
            return
        }
        running.started(pid: process.processIdentifier)
        // Our copies of the write ends must go, or the readers never see end-of-file.
        try? output.fileHandleForWriting.close() // deliberate: only fails if already closed
        try? errors.fileHandleForWriting.close()
        for (pipe, isError) in [(output, false), (errors, true)] {
            finished.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isError: isError)
                finished.leave()
            }
        }
        let seconds = Double(invocation.timeout.components.seconds) + Double(invocation.timeout.components.attoseconds) / 1e18
        let timer = DispatchWorkItem { running.stop(because: .timedOut) }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds), execute: timer)
        let subcommand = invocation.subcommand
        let timeout = invocation.timeout
        finished.notify(queue: .global()) {
            timer.cancel()
            switch running.finish() {
            case .timedOut:
                completion(.failure(GitSourceError(.timedOut, "git \(subcommand) timed out after \(GitEnvironment.format(timeout)) and was killed")))
            case .cancelled:
                completion(.failure(GitSourceError(.cancelled, "git \(subcommand) was cancelled and killed")))
            case nil:
                completion(.success(collected.output()))
            }
        }
    }
}

/// The shared state of one git run: its process group, and why it was stopped.
private final class RunningGit: @unchecked Sendable {
    enum StopReason { case timedOut, cancelled }
    private let lock = NSLock()
    private var pid: pid_t = 0
    private var done = false
    private var reason: StopReason?

    func started(pid: pid_t) {
        lock.lock()
        self.pid = pid
        let stopEarly = reason != nil
        lock.unlock()
        if stopEarly { kill(-pid, SIGKILL) }
    }

    /// Kills the whole process group. After git itself exited, the group is
    /// only killed while our pipes are still open, which means a member of the
    /// group still lives and the group id cannot have been reused.
    func stop(because stopReason: StopReason) {
        lock.lock()
        guard !done, reason == nil else { lock.unlock(); return }
        reason = stopReason
        let target = pid
        lock.unlock()
        if target > 0 { kill(-target, SIGKILL) }
    }

    func finish() -> StopReason? {
        lock.withLock {
            done = true
            return reason
        }
    }
}

private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32 = -1
    private var standardOutput = Data()
    private var standardError = Data()

    func setStatus(_ value: Int32) { lock.withLock { status = value } }

    func set(_ data: Data, isError: Bool) {
        lock.withLock {
            if isError { standardError = data } else { standardOutput = data }
        }
    }

    func output() -> GitOutput {
        lock.withLock {
            GitOutput(status: status,
                      standardOutput: String(decoding: standardOutput, as: UTF8.self),
                      standardError: String(decoding: standardError, as: UTF8.self))
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<GitOutput, GitSourceError> = .failure(GitSourceError(.launchFailed, "git did not run"))

    func set(_ value: Result<GitOutput, GitSourceError>) { lock.withLock { result = value } }
    func get() throws(GitSourceError) -> GitOutput { try lock.withLock { result }.get() }
}
