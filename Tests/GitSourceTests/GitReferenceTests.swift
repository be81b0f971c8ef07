import GitSource
import XCTest

/// What `--git-ref` may say, and the revision string each kind gives.
final class GitReferenceTests: XCTestCase {
    let sha = "0123456789abcdef0123456789abcdef01234567"

    func testParsingTable() throws {
        let cases: [(String, GitReference)] = [
            ("main", .name("main")),
            ("release/2024.1", .name("release/2024.1")),
            ("v1.0.0", .name("v1.0.0")),
            ("refs/heads/main", .branch("main")),
            ("refs/tags/v1.0.0", .tag("v1.0.0")),
            (sha, .commit(sha)),
            (sha.uppercased(), .commit(sha)),
            ("0123456", .name("0123456")),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try GitReference(parsing: text), expected, text)
        }
    }

    func testInvalidRefsAreRejected() {
        let invalid = ["", "-upload-pack=evil", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a", "a/",
                       "a//b", "a.", ".hidden", "a/.b", "a.lock", "a/b.lock/c", "@", "a@{1}", "a\u{7}", "refs/heads/", "refs/tags/-x"]
        for text in invalid {
            XCTAssertThrowsError(try GitReference(parsing: text), text) { error in
                XCTAssertEqual((error as? GitSourceError)?.code, .invalidConfiguration, text)
            }
        }
    }

    func testRevisionStrings() throws {
        XCTAssertEqual(try GitReference(parsing: "main").revision(commit: sha), "main@sha1:\(sha)")
        XCTAssertEqual(try GitReference(parsing: "refs/heads/main").revision(commit: sha), "main@sha1:\(sha)")
        XCTAssertEqual(try GitReference(parsing: "refs/tags/v1.2.0").revision(commit: sha), "v1.2.0@sha1:\(sha)")
        XCTAssertEqual(try GitReference(parsing: sha).revision(commit: sha), "sha1:\(sha)")
    }

    func testSourceRejectsUnusableURLs() {
        for url in ["", "-oProxyCommand=evil", "https://host/repo\n.git"] {
            XCTAssertThrowsError(try GitRepositorySource(url: url, cacheDirectory: "/tmp/unused"), url) { error in
                XCTAssertEqual((error as? GitSourceError)?.code, .invalidConfiguration)
            }
        }
    }
}
