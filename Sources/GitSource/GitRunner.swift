import ChildProcess
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
        let finished = DispatchGroup()
        let collected = CollectedOutput()
        let subcommand = invocation.subcommand
        let timeout = invocation.timeout
        // Called once: when git and its pipes are done, or when waiting for the
        // pipes has gone on too long (see `RunningGit.grace`).
        let finish: @Sendable () -> Void = {
            guard let outcome = running.finish() else { return }
            switch outcome {
            case .timedOut:
                completion(.failure(GitSourceError(.timedOut, "git \(subcommand) timed out after \(GitEnvironment.format(timeout)) and was killed")))
            case .cancelled:
                completion(.failure(GitSourceError(.cancelled, "git \(subcommand) was cancelled and killed")))
            case .exited:
                completion(.success(collected.output()))
            }
        }
        running.onStop = { Self.timers.asyncAfter(deadline: .now() + RunningGit.grace, execute: finish) }
        finished.enter()
        let exitSeen = OnceFlag()
        let reportExit: @Sendable (Int32) -> Void = { status in
            guard exitSeen.claim() else { return }
            collected.setStatus(status)
            // A helper that left the process group may hold our pipes open for long after git ended.
            Self.timers.asyncAfter(deadline: .now() + RunningGit.grace, execute: finish)
            finished.leave()
        }
        // Started with posix_spawn in a process group of its own (one kill stops git
        // and everything it started); Foundation's Process.run() was seen to crash
        // when other threads started children at the same time.
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(executable, invocation.arguments,
                                           environment: baseEnvironment.merging(invocation.environment) { _, added in added },
                                           directory: invocation.directory, newProcessGroup: true)
        } catch {
            _ = exitSeen.claim()
            finished.leave() // no termination will ever be reported
            _ = running.finish()
            completion(.failure(GitSourceError(.launchFailed, "cannot start \(executable): \(error)")))
            return
        }
        running.started(pid: child.pid)
        // git's own exit, reaped on a thread of its own; a helper that outlives git
        // (an ssh ControlPersist master) may hold the pipes, which the grace period bounds.
        Thread.detachNewThread { reportExit(child.waitForExit()) }
        for (fd, isError) in [(child.standardOutput, false), (child.standardError, true)] {
            finished.enter()
            // A thread of its own: a read that blocks for minutes must never hold
            // one of the few threads of Dispatch's shared pool (two on a two-core
            // machine), which the timeout itself needs.
            Thread.detachNewThread {
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                // In chunks, so what was said so far is there even if end-of-file never comes.
                while let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty { // deliberate: a read error ends the output like EOF
                    collected.append(chunk, isError: isError)
                }
                finished.leave()
            }
        }
        let seconds = Double(invocation.timeout.components.seconds) + Double(invocation.timeout.components.attoseconds) / 1e18
        let timer = DispatchWorkItem { running.stop(because: .timedOut) }
        Self.timers.asyncAfter(deadline: .now() + max(0, seconds), execute: timer)
        finished.notify(queue: Self.timers) {
            timer.cancel()
            finish()
        }
    }
}

extension ProcessGitRunner {
    /// Timeouts, grace periods and answers: short, never-blocking work, kept
    /// off the shared pools so that busy or blocked workers cannot delay a kill.
    fileprivate static let timers = DispatchQueue(label: "GitSource.ProcessGitRunner.timers")
}

private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    var isClaimed: Bool { lock.withLock { claimed } }

    /// True for the first caller only.
    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}

/// The shared state of one git run: its process group, why it was stopped,
/// and whether its caller has had the answer.
private final class RunningGit: @unchecked Sendable {
    enum Outcome { case exited, timedOut, cancelled }
    /// How long to wait for the pipes to close once git has exited or been killed.
    static let grace: DispatchTimeInterval = .seconds(2)
    private let lock = NSLock()
    private var pid: pid_t = 0
    private var answered = false
    private var reason: Outcome?
    private var stopHandler: (@Sendable () -> Void)?

    var onStop: (@Sendable () -> Void)? {
        get { lock.withLock { stopHandler } }
        set { lock.withLock { stopHandler = newValue } }
    }

    func started(pid: pid_t) {
        lock.lock()
        self.pid = pid
        let stopEarly = reason != nil
        lock.unlock()
        if stopEarly { kill(-pid, SIGKILL) }
    }

    /// Kills the whole process group, once. Until the caller has its answer
    /// something of the group still holds our pipes, so the group id cannot
    /// have been reused.
    func stop(because stopReason: Outcome) {
        lock.lock()
        guard !answered, reason == nil else { lock.unlock(); return }
        reason = stopReason
        let target = pid
        let handler = stopHandler
        lock.unlock()
        if target > 0 { kill(-target, SIGKILL) }
        handler?()
    }

    /// The outcome for the first caller; nil for every later one.
    func finish() -> Outcome? {
        lock.withLock {
            guard !answered else { return nil }
            answered = true
            return reason ?? .exited
        }
    }
}

private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32 = -1
    private var standardOutput = Data()
    private var standardError = Data()

    func setStatus(_ value: Int32) { lock.withLock { status = value } }

    func append(_ data: Data, isError: Bool) {
        lock.withLock {
            if isError { standardError.append(data) } else { standardOutput.append(data) }
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
