import FabricSource
import Foundation
import XCTest

/// The example fabrics the README runs are valid, and split into the fabrics their folders say.
final class ShippedExamplesTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testExampleFabricsLoadWithoutIssues() throws {
        for (root, fabrics) in [("examples/fabrics", ["dc1", "dc2", "lab"]), ("examples/gitops-repo/fabrics", nil)] {
            let loaded = try SourceLoader.load(root: Self.repository + "/" + root, options: SourceOptions(git: nil))
            XCTAssertEqual(loaded.issues.map(\.description), [], root)
            XCTAssertFalse(loaded.fabrics.isEmpty, root)
            if let fabrics { XCTAssertEqual(loaded.fabrics.map(\.fabric.name), fabrics, root) }
            for fabric in loaded.fabrics { XCTAssertFalse(fabric.members.isEmpty, "\(root): \(fabric.fabric.id)") }
        }
    }
}
