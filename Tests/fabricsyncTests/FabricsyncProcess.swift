import Glibc
import Foundation
import XCTest

/// Runs the built `fabricsync` binary as a user would, and captures what it prints.
struct FabricsyncProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (for `examples/`), found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary sits beside the test executable in the build folder.
    static var binary: URL {
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testExecutable.deletingLastPathComponent().appendingPathComponent("fabricsync")
    }

    /// Spawns with `posix_spawn` rather than Foundation's `Process`, whose
    /// `run()` was seen to crash (a bad read inside its own copying) when
    /// other tests in the same process were spawning children at the same time.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Result {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FABRICSYNC_") }
        env.merge(environment) { $1 }
        // `env -C` runs the binary from the package root, so relative `examples/…` paths resolve.
        let argv = ["/usr/bin/env", "-C", packageRoot.path, binary.path] + arguments
        let envp = env.map { "\($0.key)=\($0.value)" }

        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw spawnError("pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnvp = envp.map { strdup($0) } + [nil]
        defer { for pointer in cArgv + cEnvp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgv, cEnvp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw spawnError("posix_spawn \(argv[0]) (error \(spawned))")
        }
        // Read both pipes while the process runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let outHandle = FileHandle(fileDescriptor: outPipe[0], closeOnDealloc: true)
        let errHandle = FileHandle(fileDescriptor: errPipe[0], closeOnDealloc: true)
        DispatchQueue.global().async(group: group) { outData = outHandle.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = errHandle.readDataToEndOfFile() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            kill(pid, SIGKILL)
            var ignored: Int32 = 0
            waitpid(pid, &ignored, 0)
            throw spawnError("fabricsync \(arguments) did not finish in \(timeout) s")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    private static func spawnError(_ message: String) -> NSError {
        NSError(domain: "fabricsync", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
    }
}
