import GitSource
import XCTest

/// Credentials are cut out of any text leaving the module, and git's settings
/// travel in its environment rather than its arguments.
final class RedactionAndFormatTests: XCTestCase {
    func testURLUserInfoIsRedactedTable() {
        let cases: [(String, String)] = [
            ("https://user:pass@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
            ("https://token@host/repo", "https://***@host/repo"),
            ("fatal: unable to access 'https://u:p@host/r/': 401", "fatal: unable to access 'https://***@host/r/': 401"),
            ("https://host/path@with-at", "https://host/path@with-at"),
            ("ssh://git@host:22/repo.git", "ssh://***@host:22/repo.git"),
            ("a https://x:y@h1/ and http://z@h2 end", "a https://***@h1/ and http://***@h2 end"),
            ("https://p%40ss:w@rd@host/r", "https://***@host/r"),
            ("no url here", "no url here"),
            ("file:///tmp/remote.git", "file:///tmp/remote.git"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(Redactor.redactingURLUserInfo(text), expected, text)
        }
    }

    func testKnownSecretsAreRedactedLongestFirst() {
        let redactor = Redactor(secrets: ["abc", "abcdef", ""])

        XCTAssertEqual(redactor.redact("token abcdef and abc"), "token *** and ***")
    }

    func testConfigurationTravelsInTheEnvironment() {
        let environment = GitEnvironment.configuration([("http.extraHeader", "Authorization: Bearer x"), ("http.sslCAInfo", "/ca.pem")])

        XCTAssertEqual(environment, [
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "http.extraHeader", "GIT_CONFIG_VALUE_0": "Authorization: Bearer x",
            "GIT_CONFIG_KEY_1": "http.sslCAInfo", "GIT_CONFIG_VALUE_1": "/ca.pem",
        ])
    }

    func testDurationFormatTable() {
        let cases: [(Duration, String)] = [(.seconds(1), "1s"), (.seconds(120), "120s"), (.milliseconds(500), "0.5s"),
                                           (.milliseconds(1250), "1.25s")]
        for (duration, expected) in cases {
            XCTAssertEqual(GitEnvironment.format(duration), expected)
        }
    }

    func testUserEnvironmentDropsGitVariablesAndNeverPrompts() {
        let environment = GitEnvironment.user(from: ["PATH": "/bin", "GIT_DIR": "/x", "GIT_INDEX_FILE": "/y", "EDITOR": "vi"])

        XCTAssertNil(environment["GIT_DIR"])
        XCTAssertNil(environment["GIT_INDEX_FILE"])
        XCTAssertEqual(environment["EDITOR"], "vi")
        XCTAssertEqual(environment["GIT_TERMINAL_PROMPT"], "0")
        XCTAssertEqual(environment["GIT_OPTIONAL_LOCKS"], "0")
    }
}
