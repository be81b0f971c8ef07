import FabricDiff
import FabricValue
import Foundation

/// `fabricsync-bench diff [count]`: plans `count` (default 2,000) desired
/// objects against as many live ones carrying what a real API server adds
/// (uid, resourceVersion, managedFields, status, defaulted fields), 1% of them
/// changed; prints the best of 5 runs. The goal is under 100 ms.
@Sendable func runDiffBenchmark(_ arguments: [String]) async throws {
    let count = arguments.first.flatMap(Int.init) ?? 2_000
    let desired = (0..<count).map(DiffBenchmarkData.desired)
    var live: [ObjectID: Value] = [:]
    var inventory: [ObjectID] = []
    for (index, object) in desired.enumerated() {
        guard let id = ObjectID(object: object) else { continue }
        live[id] = DiffBenchmarkData.live(from: object, index: index)
        inventory.append(id)
    }
    var best = Double.infinity
    var plan = Plan()
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        plan = Planner.plan(desired: desired, live: live, inventory: inventory)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    print("diff: \(count) desired vs \(live.count) live objects: best of 5 \(String(format: "%.1f", best)) ms "
        + "(\(plan.count(of: .update)) updated, \(plan.count(of: .unchanged)) unchanged; goal < 100 ms)")
}

enum DiffBenchmarkData {
    /// A realistic Hedgehog member: Switches, Connections and VPCs in their real spec shapes.
    static func desired(_ index: Int) -> Value {
        let name: String
        let kind: String
        let group: String
        let spec: Value
        switch index % 4 {
        case 0:
            kind = "Switch"; group = "wiring.githedgehog.com"; name = "leaf-\(index)"
            spec = .object(Object([
                ("role", "server-leaf"), ("description", .string("leaf \(index)")), ("asn", .int(65100 + Int64(index))),
                ("ip", .string("172.30.10.\(index % 250)/32")), ("protocolIP", .string("172.30.11.\(index % 250)/32")),
                ("vtepIP", .string("172.30.12.\(index % 250)/32")), ("groups", ["mclag-1"]),
                ("boot", ["mac": .string("0c:20:12:fe:\(index % 99):00")]),
                ("portSpeeds", .object(Object((1...8).map { ("E1/\($0)", "25G") }))),
            ]))
        case 1:
            kind = "Connection"; group = "wiring.githedgehog.com"; name = "server-\(index)--mclag--leaf"
            spec = ["mclag": ["links": .array((1...2).map { n in
                ["server": ["port": .string("server-\(index)/enp2s\(n)")], "switch": ["port": .string("leaf-\(n)/E1/\(index % 48 + 1)")]]
            })]]
        case 2:
            kind = "VPC"; group = "vpc.githedgehog.com"; name = "vpc-\(index)"
            spec = ["ipv4Namespace": "default", "vlanNamespace": "default",
                    "subnets": .object(Object((1...3).map { n in
                        ("subnet-\(n)", ["subnet": .string("10.\(index % 250).\(n).0/24"), "vlan": .int(1000 + Int64(n)),
                                         "dhcp": ["enable": true, "range": ["start": .string("10.\(index % 250).\(n).10")]]])
                    }))]
        default:
            kind = "Server"; group = "wiring.githedgehog.com"; name = "server-\(index)"
            spec = ["description": .string("compute node \(index)"), "profile": "", "ports": .array((1...4).map { n in
                ["name": .string("enp2s\(n)"), "speed": "25G", "mtu": 9000] })]
        }
        return .object(Object([
            ("apiVersion", .string(group + "/v1beta1")), ("kind", .string(kind)),
            ("metadata", .object(Object([("name", .string(name)), ("namespace", "default"),
                ("labels", ["fabric.githedgehog.com/name": "dc1", "fabric.githedgehog.com/namespace": "hedgehog-system"])]))),
            ("spec", spec),
        ]))
    }

    /// What the server would return for `object`: its fields plus server-owned
    /// ones and defaults; every 100th object has drifted.
    static func live(from object: Value, index: Int) -> Value {
        var live = object
        var metadata = live["metadata"]?.objectValue ?? Object()
        metadata["uid"] = .string("5f0c6b1e-\(index)-4c1a-9d8e-0242ac120002")
        metadata["resourceVersion"] = .string(String(100_000 + index))
        metadata["generation"] = 3
        metadata["creationTimestamp"] = "2026-11-01T10:00:00Z"
        metadata["annotations"] = ["kubectl.kubernetes.io/last-applied-configuration": .string(JSONWriter.string(object))]
        metadata["managedFields"] = [["manager": "fabricsync", "operation": "Apply", "apiVersion": "wiring.githedgehog.com/v1beta1",
                                      "fieldsType": "FieldsV1", "fieldsV1": ["f:spec": ["f:asn": [:], "f:role": [:], "f:boot": ["f:mac": [:]]]]]]
        live["metadata"] = .object(metadata)
        live["status"] = ["applied": ["gen": 3, "time": "2026-11-01T10:00:01Z"], "state": ["ready": true]]
        if var spec = live["spec"]?.objectValue {
            spec["redundancy"] = [:]  // a server default
            if index % 100 == 7, spec.contains("asn") { spec["asn"] = 1 }
            if index % 100 == 7, spec.contains("description") { spec["description"] = "edited by hand" }
            live["spec"] = .object(spec)
        }
        return live
    }
}
