import Glibc

/// Starts programs with `posix_spawn`. Foundation's `Process.run()` was seen
/// to crash (a bad read inside its own copying) when several threads started
/// children at once — a controller running `git` and kubeconfig exec plugins
/// while serving must not — so every child of fabricsync starts here.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    /// Read ends of the child's standard output and error; the caller reads and closes them.
    public let standardOutput: Int32
    public let standardError: Int32

    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// - Parameters:
    ///   - executable: a path, or a name looked up on `PATH`.
    ///   - directory: the child's working directory (through `env -C`, as
    ///     glibc's `addchdir_np` is not visible to Swift).
    ///   - newProcessGroup: the child leads a group of its own, so one
    ///     `kill(-pid, …)` stops it and everything it started.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                             directory: String? = nil, newProcessGroup: Bool = false) throws(SpawnError) -> ChildProcess {
        var argv = [executable] + arguments
        if let directory { argv = ["/usr/bin/env", "-C", directory] + argv }
        let path = argv[0]
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { throw SpawnError(message: "pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw SpawnError(message: "pipe: \(String(cString: strerror(errno)))")
        }
        // Not inherited by other children started meanwhile (dup2 onto 1 and 2 clears the flag for this one).
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if newProcessGroup {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnvp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArgv + cEnvp { free(pointer) } }
        var pid: pid_t = 0
        let result = path.contains("/")
            ? posix_spawn(&pid, path, &actions, &attributes, cArgv, cEnvp)
            : posix_spawnp(&pid, path, &actions, &attributes, cArgv, cEnvp)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw SpawnError(message: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, standardOutput: outPipe[0], standardError: errPipe[0])
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it (as a shell says it).
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Everything left to read from `fd`, then closes it.
    public static func readAll(_ fd: Int32) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        close(fd)
        return data
    }

    /// Runs to completion, reading both outputs (standard error on a thread of
    /// its own, so a chatty child cannot fill one pipe while the other is read).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           directory: String? = nil) throws(SpawnError) -> (status: Int32, output: [UInt8], errors: [UInt8]) {
        let child = try spawn(executable, arguments, environment: environment, directory: directory)
        let errors = ErrorsReader(fd: child.standardError)
        let output = readAll(child.standardOutput)
        let errorBytes = errors.join()
        return (child.waitForExit(), output, errorBytes)
    }
}

/// Reads a pipe to its end on a dedicated pthread (never a shared pool's thread).
private final class ErrorsReader: @unchecked Sendable {
    private var thread = pthread_t()
    private var bytes: [UInt8] = []
    private let fd: Int32

    init(fd: Int32) {
        self.fd = fd
        let box = Unmanaged.passRetained(self)
        pthread_create(&thread, nil, { context in
            let reader = Unmanaged<ErrorsReader>.fromOpaque(context!).takeRetainedValue()
            reader.bytes = ChildProcess.readAll(reader.fd)
            return nil
        }, box.toOpaque())
    }

    func join() -> [UInt8] {
        pthread_join(thread, nil)
        return bytes
    }
}
