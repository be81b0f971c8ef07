import Foundation
import GitSource
import XCTest

/// The ways of reaching a remote beyond `file://`: a remote that hangs is cut
/// off by the timeout, ssh is started with exactly the key and known hosts
/// given, and HTTPS trusts the CA bundle given.
final class TransportTests: XCTestCase {
    var folder: TemporaryFolder!
    var cache: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder("transport")
        cache = try TemporaryFolder("cache")
    }

    override func tearDown() {
        folder.remove()
        cache.remove()
    }

    func testHangingRemoteTimesOutAndGitIsKilled() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let url = "http://127.0.0.1:\(listener.port)/fabric.git"
        let source = try GitRepositorySource(url: url, cacheDirectory: cache.path, timeout: .seconds(1))
        let started = ContinuousClock.now

        let error = await syncFailure(source)

        XCTAssertEqual(error, GitSourceError(.timedOut, "git ls-remote for \(url) did not finish within 1s; it was killed"))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "generous bound against a hang")
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(processes(mentioning: "127.0.0.1:\(listener.port)"), [], "git and its remote helper are gone")
    }

    func testCancellingASyncKillsGitAtOnce() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let source = try GitRepositorySource(url: "http://127.0.0.1:\(listener.port)/fabric.git", cacheDirectory: cache.path,
                                             timeout: .seconds(60))
        let started = ContinuousClock.now
        let task = Task { try await source.sync() }

        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        let result = await task.result

        XCTAssertEqual((result.failure as? GitSourceError)?.code, .cancelled)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "far sooner than the 60 s timeout")
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(processes(mentioning: "127.0.0.1:\(listener.port)"), [])
    }

    func testSSHIsStartedWithTheKeyAndKnownHostsOnly() async throws {
        let key = try folder.write("keys/it's a key", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        let knownHosts = try folder.write("keys/known hosts", "example.invalid ssh-ed25519 AAAA\n")
        // A stand-in ssh: records its arguments one per line, then refuses like a server would.
        _ = try folder.write("bin/ssh", """
            #!/bin/sh
            for argument in "$@"; do printf '%s\\n' "$argument"; done > '\(folder.path)/ssh-arguments'
            echo 'git@example.invalid: Permission denied (publickey).' >&2
            exit 255

            """, mode: 0o755)
        let path = "\(folder.path)/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let runner = ProcessGitRunner(baseEnvironment: GitEnvironment.isolated(from: ["PATH": path]))
        let source = try GitRepositorySource(url: "ssh://git@example.invalid:2222/fabric.git", cacheDirectory: cache.path,
                                             auth: GitAuth(ssh: .init(keyFile: key, knownHostsFile: knownHosts)), runner: runner)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .authenticationFailed)
        let arguments = (contents(folder.path + "/ssh-arguments") ?? "").split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(arguments.prefix(12)), [
            "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=\(knownHosts)",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
        ])
        XCTAssertTrue(arguments.contains("2222"), "git adds the port: \(arguments)")
        XCTAssertTrue(arguments.contains("git@example.invalid"), "\(arguments)")
    }

    func testSSHCommandQuotesEveryPathForTheShell() {
        let command = GitAuth.sshCommand(for: .init(keyFile: "/keys/it's", knownHostsFile: "/etc/ssh/known hosts"))

        XCTAssertEqual(command, #"ssh -F /dev/null -i '/keys/it'\''s' -o IdentitiesOnly=yes -o 'UserKnownHostsFile=/etc/ssh/known hosts' -o StrictHostKeyChecking=yes -o BatchMode=yes"#)
    }

    func testMissingKeyFileIsReportedByName() async throws {
        let source = try GitRepositorySource(url: "ssh://git@example.invalid/fabric.git", cacheDirectory: cache.path,
                                             auth: GitAuth(ssh: .init(keyFile: folder.path + "/absent", knownHostsFile: "/dev/null")))

        let error = await syncFailure(source)

        XCTAssertEqual(error, GitSourceError(.credentialsUnreadable, "cannot read the SSH key \(folder.path)/absent"))
    }

    func testHTTPSTrustsTheGivenCABundleAndNothingElse() async throws {
        let remote = try TestRemote()
        defer { remote.remove() }
        let sha = try remote.commit(["a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
        let certificate = try makeSelfSignedCertificate()
        let server = try SmartHTTPServer(root: remote.folder.path, folder: folder, certificate: certificate)
        defer { server.stop() }
        let url = server.url("remote.git", scheme: "https")
        let untrusting = try GitRepositorySource(url: url, cacheDirectory: cache.path + "/a")
        let trusting = try GitRepositorySource(url: url, cacheDirectory: cache.path + "/b", auth: GitAuth(certificateAuthorityFile: certificate.cert))

        let refused = await syncFailure(untrusting)
        let checkout = try await trusting.sync()

        XCTAssertEqual(refused?.code, .remoteUnavailable)
        XCTAssertEqual(refused?.message.contains("certificate"), true, refused?.message ?? "")
        XCTAssertEqual(checkout.commit, sha)
    }

    private func makeSelfSignedCertificate() throws -> (cert: String, key: String) {
        let cert = folder.path + "/cert.pem"
        let key = folder.path + "/key.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: GitEnvironment.findProgram("openssl", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw FixtureError("openssl failed") }
        return (cert, key)
    }
}
