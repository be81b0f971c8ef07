import Foundation
import GitSource

/// A `git` that records what it was started with — its own
/// `/proc/<pid>/cmdline` and the names of its environment variables — then
/// becomes the real git.
struct RecordingGit {
    let executable: String
    let folder: TemporaryFolder

    init(folder: TemporaryFolder) throws {
        guard let realGit = GitEnvironment.findProgram("git", path: ProcessInfo.processInfo.environment["PATH"]) else {
            throw FixtureError("no git in PATH")
        }
        self.folder = folder
        executable = try folder.write("recording-git", """
            #!/bin/sh
            tr '\\000' ' ' < /proc/$$/cmdline >> '\(folder.path)/cmdline.log'
            echo >> '\(folder.path)/cmdline.log'
            env | cut -d= -f1 >> '\(folder.path)/environment-names.log'
            exec '\(realGit)' "$@"

            """, mode: 0o755)
    }

    var runner: ProcessGitRunner { ProcessGitRunner(executable: executable) }
    var commandLines: [String] { (contents(folder.path + "/cmdline.log") ?? "").split(separator: "\n").map(String.init) }
    var environmentNames: Set<String> { Set((contents(folder.path + "/environment-names.log") ?? "").split(separator: "\n").map(String.init)) }
}

/// Scans every process's command line, over and over, while some work runs:
/// catches a secret in the arguments of anything git starts, not only git.
final class CommandLineWatch: @unchecked Sendable {
    private let needle: String
    private let lock = NSLock()
    private var running = true
    private var seen: [String] = []
    private var scans = 0
    private let finished = DispatchSemaphore(value: 0)

    init(lookingFor needle: String) {
        self.needle = needle
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let found = processes(mentioning: needle)
                lock.withLock {
                    seen += found
                    scans += 1
                }
                usleep(1_000)
            }
            finished.signal()
        }
    }

    /// Stops watching; returns the command lines that held the needle, and how many scans ran.
    func stop() -> (sightings: [String], scans: Int) {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { (seen, scans) }
    }
}
