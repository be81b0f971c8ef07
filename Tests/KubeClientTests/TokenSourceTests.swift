import Foundation
import KubeClient
import XCTest

/// Tokens are read fresh when their file rotates, and exec plugin tokens are
/// cached until they expire.
final class TokenSourceTests: XCTestCase {
    func testARotatedTokenFileIsReadOnTheNextRequest() async throws {
        let folder = try TempFolder()
        let path = try folder.write("token", "first\n")
        let source = TokenSource(.tokenFile(path))
        let first = try await source.token()
        XCTAssertEqual(first, "first")
        // Kubelet rotates by swapping a new file in; do the same (a new inode).
        let replacement = try folder.write("token.new", "second")
        XCTAssertEqual(rename(replacement, path), 0)
        let second = try await source.token()
        XCTAssertEqual(second, "second")
    }

    func testAnEmptyOrMissingTokenFileIsAnError() async throws {
        let folder = try TempFolder()
        let empty = try folder.write("empty", "\n")
        for path in [empty, folder.path + "/missing"] {
            do {
                _ = try await TokenSource(.tokenFile(path)).token()
                XCTFail("no error for \(path)")
            } catch {
                XCTAssertTrue(error.message.contains(path), error.message)
            }
        }
    }

    /// A plugin script that counts its runs in a file and prints a token with the given expiry.
    private func plugin(_ folder: TempFolder, expiry: String) throws -> ExecPlugin {
        let script = try folder.write("plugin.sh", """
            #!/bin/sh
            echo run >> "$COUNT_FILE"
            n=$(wc -l < "$COUNT_FILE" | tr -d ' ')
            test -n "$KUBERNETES_EXEC_INFO" || exit 3
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-%s-%s","expirationTimestamp":"%s"}}' "$1" "$n" "\(expiry)"
            """)
        XCTAssertEqual(chmod(script, 0o755), 0)
        return ExecPlugin(command: "./plugin.sh", arguments: ["arg"], environment: ["COUNT_FILE": folder.path + "/count"], folder: folder.path)
    }

    func testAnExecTokenIsCachedUntilItExpires() async throws {
        let folder = try TempFolder()
        let source = TokenSource(.exec(try plugin(folder, expiry: "2999-01-01T00:00:00Z")))
        let first = try await source.token()
        let second = try await source.token()
        XCTAssertEqual(first, "token-arg-1")
        XCTAssertEqual(second, "token-arg-1", "cached, not run again")
        source.invalidate()
        let third = try await source.token()
        XCTAssertEqual(third, "token-arg-2", "run again after a 401 invalidated it")
    }

    func testAnExpiredExecTokenRunsThePluginAgain() async throws {
        let folder = try TempFolder()
        let source = TokenSource(.exec(try plugin(folder, expiry: "2000-01-01T00:00:00Z")))
        let first = try await source.token()
        let second = try await source.token()
        XCTAssertEqual([first, second], ["token-arg-1", "token-arg-2"])
    }

    func testAFailingPluginReportsItsExitAndStandardError() async throws {
        let folder = try TempFolder()
        let script = try folder.write("fail.sh", "#!/bin/sh\necho 'no credentials found' >&2\nexit 7\n")
        XCTAssertEqual(chmod(script, 0o755), 0)
        do {
            _ = try await TokenSource(.exec(ExecPlugin(command: script))).token()
            XCTFail("no error")
        } catch {
            XCTAssertTrue(error.message.contains("exited with 7: no credentials found"), error.message)
        }
    }
}
