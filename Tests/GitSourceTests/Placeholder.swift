import XCTest

final class GitSourcePlaceholder: XCTestCase {
    func testModuleBuilds() {}
}
