import FabricValue
import XCTest

/// `Object` behaves the same below and above the size where it starts
/// keeping a hash index: order kept, lookups, replacement, removal, and
/// equality and hashing that ignore order.
final class ObjectStorageTests: XCTestCase {
    func testSmallAndLargeObjectsBehaveAlike() {
        for size in [0, 1, 5, 32, 33, 34, 80] {
            let keys = (0..<size).map { "key-\($0)" }
            var object = Object()
            for (i, key) in keys.enumerated() { object[key] = .int(Int64(i)) }
            XCTAssertEqual(object.keys, keys, "size \(size)")
            XCTAssertEqual(object.count, size)
            for (i, key) in keys.enumerated() { XCTAssertEqual(object[key], .int(Int64(i)), "size \(size) \(key)") }
            XCTAssertNil(object["missing"])

            // Replacing keeps the position; removing closes the gap.
            if size > 2 {
                object[keys[1]] = "replaced"
                XCTAssertEqual(object.keys, keys)
                XCTAssertEqual(object[keys[1]], "replaced")
                object[keys[0]] = nil
                XCTAssertEqual(object.keys, Array(keys.dropFirst()))
                XCTAssertFalse(object.contains(keys[0]))
                XCTAssertEqual(object[keys[size - 1]], .int(Int64(size - 1)))
                object[keys[0]] = 0
                XCTAssertEqual(object.keys.last, keys[0])
            }

            let reversed = Object(object.map { ($0.key, $0.value) }.reversed())
            XCTAssertEqual(reversed, object, "size \(size): order does not matter to equality")
            XCTAssertEqual(reversed.hashValue, object.hashValue, "size \(size): nor to hashing")
            XCTAssertEqual(Object(uniqueKeys: object.keys, values: object.values), object)
        }
    }

    func testCopiesAreIndependent() {
        for size in [3, 40] {
            var original = Object()
            for i in 0..<size { original["k\(i)"] = .int(Int64(i)) }
            var copy = original
            copy["k1"] = "changed"
            copy["new"] = true
            copy["k0"] = nil
            XCTAssertEqual(original["k1"], 1, "size \(size)")
            XCTAssertNil(original["new"])
            XCTAssertEqual(original["k0"], 0)
            XCTAssertEqual(original.count, size)
            XCTAssertEqual(copy.count, size)
            XCTAssertEqual(copy["k1"], "changed")
        }
    }

    func testUnequalObjects() {
        let a: Value = ["x": 1, "y": 2]
        XCTAssertNotEqual(a, ["x": 1])
        XCTAssertNotEqual(a, ["x": 1, "y": 3])
        XCTAssertNotEqual(a, ["x": 1, "z": 2])
    }

    func testLaterDuplicatesWinInPairs() {
        let object = Object([("a", 1), ("b", 2), ("a", 3)])
        XCTAssertEqual(object.keys, ["a", "b"])
        XCTAssertEqual(object["a"], 3)
    }
}
