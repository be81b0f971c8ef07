import Foundation
import GitSource
import XCTest

/// HTTPS credentials come from files and reach the server, but never a
/// process's arguments, an error message, or a revision.
final class SecretHandlingTests: XCTestCase {
    var remote: TestRemote!
    var cache: TemporaryFolder!
    var secrets: TemporaryFolder!
    var server: SmartHTTPServer!
    let token = "ghp_S3cretT0kenThatMustNeverLeak"

    override func setUpWithError() throws {
        remote = try TestRemote()
        cache = try TemporaryFolder("cache")
        secrets = try TemporaryFolder("secrets")
        try remote.commit(["fabric/a.yaml": switchYAML("leaf-01")])
        try remote.push("main")
    }

    override func tearDown() {
        server?.stop()
        remote?.remove()
        cache?.remove()
        secrets.remove()
    }

    private func startServer(requiring authorization: String?) throws {
        server = try SmartHTTPServer(root: remote.folder.path, folder: secrets, requiredAuthorization: authorization)
    }

    private func assertNoLeak(_ text: String, _ secret: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.contains(secret), "\(what) leaks the secret: \(text)", file: file, line: line)
    }

    func testBearerTokenReachesTheServerOnlyThroughTheEnvironment() async throws {
        try startServer(requiring: "Bearer \(token)")
        let tokenFile = try secrets.write("token", token + "\n")
        let recording = try RecordingGit(folder: secrets)
        let source = try GitRepositorySource(url: server.url("remote.git"), cacheDirectory: cache.path,
                                             auth: GitAuth(http: .bearerToken(file: tokenFile)), runner: recording.runner)
        let watch = CommandLineWatch(lookingFor: token)

        let checkout = try await source.sync()
        _ = try await source.sync()

        let (sightings, scans) = watch.stop()
        XCTAssertEqual(sightings, [], "the token showed in a process's arguments")
        XCTAssertGreaterThan(scans, 0)
        XCTAssertTrue(server.authorizations.contains("Bearer \(token)"), "the token must reach the server")
        XCTAssertFalse(server.authorizations.contains("-"), "every request carries it")
        XCTAssertGreaterThan(recording.commandLines.count, 3)
        for line in recording.commandLines { assertNoLeak(line, token, "git's command line") }
        XCTAssertTrue(recording.environmentNames.isSuperset(of: ["GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"]))
        for text in [checkout.revision, checkout.directory, checkout.workTree, checkout.commit, "\(checkout)"] {
            assertNoLeak(text, token, "the checkout")
        }
        XCTAssertEqual(contents(checkout.directory + "/fabric/a.yaml"), switchYAML("leaf-01"))
    }

    func testWrongTokenFailsWithAMessageThatDoesNotShowIt() async throws {
        try startServer(requiring: "Bearer the-right-one")
        let tokenFile = try secrets.write("token", token)
        let recording = try RecordingGit(folder: secrets)
        let url = server.url("remote.git")
        let source = try GitRepositorySource(url: url, cacheDirectory: cache.path,
                                             auth: GitAuth(http: .bearerToken(file: tokenFile)), runner: recording.runner)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .authenticationFailed)
        XCTAssertEqual(error?.message, "authentication to \(url) failed: fatal: could not read Username for 'http://127.0.0.1:\(server.port)': terminal prompts disabled")
        assertNoLeak(error?.message ?? "", token, "the error")
        assertNoLeak("\(String(describing: error))", token, "the error's description")
        XCTAssertTrue(server.authorizations.contains("Bearer \(token)"))
        for line in recording.commandLines { assertNoLeak(line, token, "git's command line") }
    }

    func testBasicAuthComesFromUsernameAndPasswordFiles() async throws {
        let password = "pa55-w0rd-never-shown"
        let expected = "Basic " + Data("fabric-bot:\(password)".utf8).base64EncodedString()
        try startServer(requiring: expected)
        let usernameFile = try secrets.write("username", "fabric-bot\n")
        let passwordFile = try secrets.write("password", password + "\n")
        let recording = try RecordingGit(folder: secrets)
        let source = try GitRepositorySource(url: server.url("remote.git"), cacheDirectory: cache.path,
                                             auth: GitAuth(http: .basic(usernameFile: usernameFile, passwordFile: passwordFile)),
                                             runner: recording.runner)

        let checkout = try await source.sync()

        XCTAssertEqual(checkout.revision.hasPrefix("main@sha1:"), true)
        XCTAssertTrue(server.authorizations.contains(expected))
        for line in recording.commandLines {
            assertNoLeak(line, password, "git's command line")
            assertNoLeak(line, String(expected.dropFirst(6)), "git's command line")
        }
    }

    func testRotatedTokenFileIsReadOnTheNextSync() async throws {
        try startServer(requiring: "Bearer \(token)")
        let tokenFile = try secrets.write("token", "expired-token")
        let source = try GitRepositorySource(url: server.url("remote.git"), cacheDirectory: cache.path,
                                             auth: GitAuth(http: .bearerToken(file: tokenFile)))
        let refused = await syncFailure(source)

        _ = try secrets.write("token", token)
        let checkout = try await source.sync()

        XCTAssertEqual(refused?.code, .authenticationFailed)
        XCTAssertTrue(checkout.changed)
    }

    func testMissingOrEmptyTokenFileIsReportedByName() async throws {
        let empty = try secrets.write("empty", "\n")
        for (file, expected) in [(secrets.path + "/absent", "cannot read the token file \(secrets.path)/absent"),
                                 (empty, "the token file \(empty) is empty")] {
            let source = try GitRepositorySource(url: remote.url, cacheDirectory: cache.path, auth: GitAuth(http: .bearerToken(file: file)))

            let error = await syncFailure(source)

            XCTAssertEqual(error, GitSourceError(.credentialsUnreadable, expected))
        }
    }

    func testCredentialsWrittenIntoTheURLAreSentAsAHeaderAndNeverShown() async throws {
        let password = "hunter2-in-url"
        try startServer(requiring: "Basic " + Data("fabric-bot:p@ss/\(password)".utf8).base64EncodedString())
        let recording = try RecordingGit(folder: secrets)
        let source = try GitRepositorySource(url: server.url("remote.git", userInfo: "fabric-bot:p%40ss%2F\(password)"),
                                             cacheDirectory: cache.path, runner: recording.runner)
        let watch = CommandLineWatch(lookingFor: password)

        let checkout = try await source.sync()

        XCTAssertEqual(watch.stop().sightings, [], "git passes the remote URL to its helper's command line")
        XCTAssertEqual(source.url, server.url("remote.git"))
        XCTAssertEqual(contents(checkout.directory + "/fabric/a.yaml"), switchYAML("leaf-01"))
        assertNoLeak(contents(cache.path + "/repo.git/config") ?? "", password, "the cache's config")
        for line in recording.commandLines { assertNoLeak(line, password, "git's command line") }
    }

    func testRefusedURLCredentialsAreNotShownInTheError() async throws {
        try startServer(requiring: "Bearer \(token)")
        let source = try GitRepositorySource(url: server.url("remote.git", userInfo: "user:hunter2-in-url"), cacheDirectory: cache.path)

        let error = await syncFailure(source)

        XCTAssertEqual(error?.code, .authenticationFailed)
        assertNoLeak(error?.message ?? "", "hunter2-in-url", "the error")
        XCTAssertEqual(error?.message.hasPrefix("authentication to http://127.0.0.1:\(server.port)/remote.git failed: "), true, error?.message ?? "")
    }

    func testCredentialsInTheURLAndInFilesAreRefused() throws {
        XCTAssertThrowsError(try GitRepositorySource(url: "https://u:p@host/r.git", cacheDirectory: cache.path,
                                                     auth: GitAuth(http: .bearerToken(file: "/token")))) { error in
            XCTAssertEqual((error as? GitSourceError)?.code, .invalidConfiguration)
            XCTAssertFalse("\(error)".contains("u:p"))
        }
    }
}
