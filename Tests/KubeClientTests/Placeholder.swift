import XCTest

final class KubeClientPlaceholder: XCTestCase {
    func testModuleBuilds() {}
}
