import Foundation
import GitSource
import XCTest

/// The runner starts git with an array of arguments in a clean environment,
/// returns what it said, and kills it — with everything it started — when the
/// time is up or the caller gives up.
final class ProcessGitRunnerTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder("runner") }
    override func tearDown() { folder.remove() }

    func testNonZeroExitIsReturnedWithGitsOwnWords() async throws {
        let runner = ProcessGitRunner()

        let output = try await runner.run(GitInvocation(["rev-parse", "--verify", "no-such-thing"], directory: folder.path, timeout: .seconds(30)))

        XCTAssertEqual(output.status, 128)
        XCTAssertTrue(output.standardError.contains("not a git repository"), output.standardError)
    }

    func testArgumentsArePassedAsIsWithoutAShell() async throws {
        let runner = ProcessGitRunner()
        let tricky = "$(touch \(folder.path)/pwned); `id` 'quoted' \"double\" *"

        let output = try await runner.run(GitInvocation(["rev-parse", "--sq-quote", tricky], timeout: .seconds(30)))

        XCTAssertEqual(output.standardOutput, " '\(tricky.replacingOccurrences(of: "'", with: "'\\''"))'\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path + "/pwned"))
    }

    func testEnvironmentIsCleanNonInteractiveAndIsolatedFromUserConfiguration() async throws {
        let recorder = try folder.write("env-recorder", "#!/bin/sh\nenv > \"$1\"\n", mode: 0o755)
        let parent = ["PATH": "/usr/bin:/bin", "HOME": "/home/someone", "https_proxy": "http://proxy:3128",
                      "GIT_DIR": "/elsewhere/.git", "GIT_CONFIG_PARAMETERS": "'core.sshCommand'='evil'", "AWS_SECRET_ACCESS_KEY": "x"]
        let runner = ProcessGitRunner(executable: recorder, baseEnvironment: GitEnvironment.isolated(from: parent))

        _ = try await runner.run(GitInvocation([folder.path + "/env"], environment: ["EXTRA": "1"], timeout: .seconds(30)))

        let lines = Set((contents(folder.path + "/env") ?? "").split(separator: "\n").map(String.init))
        for expected in ["PATH=/usr/bin:/bin", "HOME=/home/someone", "https_proxy=http://proxy:3128", "EXTRA=1",
                         "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=/bin/false", "SSH_ASKPASS=/bin/false",
                         "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_SSH_COMMAND=ssh -o BatchMode=yes"] {
            XCTAssertTrue(lines.contains(expected), expected)
        }
        let names = lines.compactMap { $0.split(separator: "=").first.map(String.init) }
        XCTAssertFalse(names.contains("GIT_DIR"))
        XCTAssertFalse(names.contains("GIT_CONFIG_PARAMETERS"))
        XCTAssertFalse(names.contains("AWS_SECRET_ACCESS_KEY"))
    }

    func testTimeoutKillsTheWholeProcessGroup() async throws {
        // Stands in for git starting a helper (ssh, a remote helper) that hangs.
        let hanging = try folder.write("hanging-git", "#!/bin/sh\nsleep 30 &\necho $! > \"$PIDFILE\"\nwait\n", mode: 0o755)
        let runner = ProcessGitRunner(executable: hanging, baseEnvironment: GitEnvironment.isolated())
        let started = ContinuousClock.now

        do {
            _ = try await runner.run(GitInvocation(["--quiet", "fetch"], environment: ["PIDFILE": "\(folder.path)/child.pid"], timeout: .seconds(1)))
            XCTFail("a hanging git must time out")
        } catch {
            XCTAssertEqual(error.code, .timedOut)
            XCTAssertEqual(error.message, "git fetch timed out after 1s and was killed")
        }

        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "generous bound against a hang")
        let child = Int32((contents(folder.path + "/child.pid") ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertNotNil(child)
        try await Task.sleep(for: .milliseconds(200)) // the orphaned child is reaped by init
        XCTAssertFalse(isAlive(child ?? 0), "the helper git started must die with it")
    }

    func testHelperThatEscapedTheProcessGroupCannotHoldTheAnswerBack() async throws {
        // A daemon-like child in its own session, as an ssh ControlPersist master:
        // its standard streams go elsewhere, but it inherits every other descriptor.
        let escaping = try folder.write("escaping-git", """
            #!/bin/sh
            setsid sleep 30 </dev/null >/dev/null 2>&1 &
            echo $! > "$PIDFILE"
            echo said-before-exit
            exit 0

            """, mode: 0o755)
        let runner = ProcessGitRunner(executable: escaping, baseEnvironment: GitEnvironment.isolated())
        let started = ContinuousClock.now

        let output = try await runner.run(GitInvocation(["fetch"], environment: ["PIDFILE": "\(folder.path)/escaped.pid"], timeout: .seconds(60)))

        XCTAssertEqual(output.status, 0)
        XCTAssertEqual(output.standardOutput, "said-before-exit\n")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "answered after a short grace, not after 30 s")
        if let escaped = Int32((contents(folder.path + "/escaped.pid") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(escaped, SIGKILL)
        }
    }

    func testTimeoutAnswersEvenWhenAnEscapedHelperHoldsThePipes() async throws {
        let escaping = try folder.write("escaping-git", "#!/bin/sh\nsetsid sleep 30 &\necho $! > \"$PIDFILE\"\nexec sleep 30\n", mode: 0o755)
        let runner = ProcessGitRunner(executable: escaping, baseEnvironment: GitEnvironment.isolated())
        let started = ContinuousClock.now

        do {
            _ = try await runner.run(GitInvocation(["fetch"], environment: ["PIDFILE": "\(folder.path)/escaped.pid"], timeout: .seconds(1)))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error.code, .timedOut)
        }

        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15))
        if let escaped = Int32((contents(folder.path + "/escaped.pid") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(escaped, SIGKILL)
        }
    }

    func testCancellingTheCallerKillsGit() async throws {
        let hanging = try folder.write("hanging-git", "#!/bin/sh\nexec sleep 30\n", mode: 0o755)
        let runner = ProcessGitRunner(executable: hanging, baseEnvironment: GitEnvironment.isolated())
        let started = ContinuousClock.now
        let task = Task { try await runner.run(GitInvocation(["fetch"], timeout: .seconds(60))) }

        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result

        XCTAssertEqual((result.failure as? GitSourceError)?.code, .cancelled)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15))
    }

    func testMissingGitIsALaunchFailure() async {
        let runner = ProcessGitRunner(executable: folder.path + "/no-git-here")

        do {
            _ = try await runner.run(GitInvocation(["version"], timeout: .seconds(5)))
            XCTFail("expected a launch failure")
        } catch {
            XCTAssertEqual(error.code, .launchFailed)
        }
    }

    func testGitIsFoundInTheGivenPath() throws {
        let fake = try folder.write("bin/git", "#!/bin/sh\necho fake\n", mode: 0o755)

        let runner = ProcessGitRunner(baseEnvironment: GitEnvironment.isolated(from: ["PATH": "\(folder.path)/bin:/usr/bin:/bin"]))

        XCTAssertEqual(runner.executable, fake)
        XCTAssertEqual(try runner.runBlocking(GitInvocation(["version"], timeout: .seconds(5))).standardOutput, "fake\n")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
