import XCTest

final class NotificationsPlaceholder: XCTestCase {
    func testModuleBuilds() {}
}
