import XCTest
import FabricValue
@testable import KubeEmulator

/// Custom resources are pruned, defaulted and validated against the CRD's schema, with the real API's messages.
final class SchemaValidationTests: XCTestCase {
    func create(_ spec: Value, validation: FieldValidation = .strict) throws -> WriteResult {
        let store = try storeWithFabrics()
        return try store.create(store.type("fabrics"), namespace: "default", body: fabric(spec: spec), options: WriteOptions(fieldValidation: validation))
    }

    func testInvalidValuesAre422NamingTheField() {
        let cases: [(Value, String, String, String)] = [
            (["asn": 0], "spec.asn", "FieldValueInvalid", "Invalid value: 0: spec.asn in body should be greater than or equal to 1"),
            (["asn": 4294967296], "spec.asn", "FieldValueInvalid", "Invalid value: 4294967296: spec.asn in body should be less than or equal to 4294967295"),
            (["asn": "65000"], "spec.asn", "FieldValueTypeInvalid", "Invalid value: \"string\": spec.asn in body must be of type integer: \"string\""),
            (["asn": 1.5], "spec.asn", "FieldValueTypeInvalid", "Invalid value: \"number\": spec.asn in body must be of type integer: \"number\""),
            ([:], "spec.asn", "FieldValueRequired", "Required value"),
            (["asn": 1, "role": "border"], "spec.role", "FieldValueNotSupported", "Unsupported value: \"border\": supported values: \"spine\", \"leaf\""),
            (["asn": 1, "ports": [["name": "Ethernet1"]]], "spec.ports[0].name", "FieldValueInvalid", "Invalid value: \"Ethernet1\": spec.ports[0].name in body should match '^E1/[0-9]+$'"),
            (["asn": 1, "description": .string(String(repeating: "x", count: 65))], "spec.description", "FieldValueTooLong", "Too long: may not be more than 64 bytes"),
            (["asn": 1, "tags": "a"], "spec.tags", "FieldValueTypeInvalid", "Invalid value: \"string\": spec.tags in body must be of type array: \"string\""),
            (["asn": 1, "sync": ["enabled": "yes"]], "spec.sync.enabled", "FieldValueTypeInvalid", "Invalid value: \"string\": spec.sync.enabled in body must be of type boolean: \"string\""),
        ]
        for (spec, field, reason, message) in cases {
            assertAPIError(try create(spec), code: 422, reason: "Invalid") { error in
                XCTAssertEqual(error.causes, [APIError.Cause(reason: reason, message: message, field: field)], "\(spec)")
                XCTAssertEqual(error.message, "Fabric.wiring.githedgehog.com \"dc1\" is invalid: \(field): \(message)")
                XCTAssertEqual(error.kind, "Fabric")
                XCTAssertEqual(error.group, "wiring.githedgehog.com")
            }
        }
    }

    func testSeveralErrorsAreListedTogether() {
        assertAPIError(try create(["asn": 0, "role": "x"]), code: 422, reason: "Invalid") { error in
            XCTAssertEqual(error.causes.count, 2)
            XCTAssertTrue(error.message.contains(": [spec."), error.message)
        }
    }

    func testStrictRefusesUnknownFieldsAsABadRequest() {
        assertAPIError(try create(["asn": 1, "colour": "blue"]), code: 400, reason: "BadRequest") { error in
            XCTAssertEqual(error.message, "Fabric in version \"v1alpha2\" cannot be handled as a Fabric: strict decoding error: unknown field \"spec.colour\"")
        }
    }

    func testWarnPrunesAndWarns() throws {
        let result = try create(["asn": 1, "colour": "blue"], validation: .warn)
        XCTAssertEqual(result.warnings, ["unknown field \"spec.colour\""])
        XCTAssertNil(result.object.value(at: "spec", "colour"))
    }

    func testIgnorePrunesSilently() throws {
        let result = try create(["asn": 1, "colour": "blue"], validation: .ignore)
        XCTAssertEqual(result.warnings, [])
        XCTAssertNil(result.object.value(at: "spec", "colour"))
    }

    func testPreserveUnknownFieldsKeepsEverythingBelow() throws {
        let result = try create(["asn": 1, "extra": ["anything": ["goes": 1]]])
        XCTAssertEqual(result.object.value(at: "spec", "extra", "anything", "goes"), 1)
    }

    func testDefaultsFillMissingFieldsUnderPresentParents() throws {
        let withSync = try create(["asn": 1, "sync": ["prune": true]]).object
        XCTAssertEqual(withSync.value(at: "spec", "sync"), ["prune": true, "enabled": true, "interval": 300])
        let withoutSync = try create(["asn": 1]).object
        XCTAssertNil(withoutSync.value(at: "spec", "sync"), "no parent, no defaults")
    }

    func testStringFormatsAreChecked() throws {
        var crd = fabricCRD
        crd["spec"]?["versions"] = [["name": "v1alpha2", "served": true, "storage": true, "schema": ["openAPIV3Schema": [
            "type": "object",
            "properties": ["spec": ["type": "object", "properties": [
                "since": ["type": "string", "format": "date-time"], "ip": ["type": "string", "format": "ipv4"],
                "subnet": ["type": "string", "format": "cidr"], "note": ["type": "string", "format": "free-text"],
            ]]],
        ]]]]
        let store = EmulatorStore()
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: crd, options: writer)
        let fabrics = store.type("fabrics")
        XCTAssertNoThrow(try store.create(fabrics, namespace: "default", body: fabric("ok", spec: [
            "since": "2026-11-23T18:00:00Z", "ip": "10.0.0.1", "subnet": "10.10.0.0/16", "note": "anything",
        ]), options: writer))
        XCTAssertNoThrow(try store.create(fabrics, namespace: "default", body: fabric("fraction", spec: ["since": "2026-11-23T18:00:00.123+02:00"]), options: writer))
        let cases: [(Value, String)] = [
            (["since": "yesterday"], "Invalid value: \"yesterday\": spec.since in body must be of type date-time: \"yesterday\""),
            (["ip": "10.0.0.256"], "Invalid value: \"10.0.0.256\": spec.ip in body must be of type ipv4: \"10.0.0.256\""),
            (["subnet": "10.0.0.0"], "Invalid value: \"10.0.0.0\": spec.subnet in body must be of type cidr: \"10.0.0.0\""),
        ]
        for (spec, message) in cases {
            assertAPIError(try store.create(fabrics, namespace: "default", body: fabric("bad", spec: spec), options: writer), code: 422, reason: "Invalid") { error in
                XCTAssertEqual(error.causes.first?.message, message)
            }
        }
    }

    func testIntegralNumbersAreIntegers() throws {
        XCTAssertNoThrow(try create(["asn": 65000.0]))
    }

    func testBuiltInsRefuseUnknownTopLevelFieldsUnderStrict() throws {
        let store = EmulatorStore()
        var typo = configMap("c")
        typo["dat"] = ["a": "1"]
        assertAPIError(try store.create(store.type("configmaps"), namespace: "default", body: typo, options: WriteOptions(fieldValidation: .strict)),
                       code: 400, reason: "BadRequest") { error in
            XCTAssertEqual(error.message, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dat\"")
        }
        let warned = try store.create(store.type("configmaps"), namespace: "default", body: typo, options: WriteOptions(fieldValidation: .warn))
        XCTAssertEqual(warned.warnings, ["unknown field \"dat\""])
        XCTAssertNil(warned.object["dat"])
    }

    func testInvalidNamesAreRefused() throws {
        let store = EmulatorStore()
        assertAPIError(try store.create(store.type("configmaps"), namespace: "default", body: configMap("Bad_Name"), options: writer), code: 422, reason: "Invalid") { error in
            XCTAssertEqual(error.causes.first?.field, "metadata.name")
        }
    }

    func testCRDsThemselvesAreValidated() throws {
        let store = EmulatorStore()
        var crd = fabricCRD
        crd["metadata"] = ["name": "wrong.example.com"]
        assertAPIError(try store.create(store.type("customresourcedefinitions"), namespace: nil, body: crd, options: writer), code: 422, reason: "Invalid") { error in
            XCTAssertEqual(error.causes.first?.field, "metadata.name")
        }
    }
}
