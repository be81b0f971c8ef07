import CYAMLBaseline
import FabricValue
import FabricYAML
import Foundation

/// `fabricsync-bench yaml [--size-mb 20] [--runs 3] [--only c|swift]`: loads a
/// generated multi-document file of Hedgehog Switches and Connections with
/// `YAMLReader.documents` and with libyaml's bare event loop in C, best of
/// `runs` each, and prints both speeds and their ratio (the claim: ours is at
/// least half the C loop's speed). Wall time and the thread's CPU time are
/// both shown: on a shared machine the CPU time is the steadier figure.
@Sendable func runYAMLBenchmark(_ arguments: [String]) async throws {
    var sizeMB = 20
    var runs = 3
    var only: String?  // "c" or "swift": run one side alone, for profilers
    var remaining = arguments[...]
    while let flag = remaining.popFirst() {
        if flag == "--only", let side = remaining.popFirst(), side == "c" || side == "swift" {
            only = side
            continue
        }
        guard let text = remaining.popFirst(), let number = Int(text), number > 0 else {
            throw YAMLBenchmarkUsage("\(flag) needs a positive whole number")
        }
        switch flag {
        case "--size-mb": sizeMB = number
        case "--runs": runs = number
        default: throw YAMLBenchmarkUsage("unknown option \(flag); options: --size-mb N, --runs N, --only c|swift")
        }
    }

    // Written to and read back from a temp file, as the controller reads sources.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-bench-yaml-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }  // best-effort cleanup of a temp folder
    let file = folder.appendingPathComponent("fabric.yaml")
    try Data(HedgehogYAMLGenerator.stream(bytes: sizeMB << 20)).write(to: file)
    let bytes = [UInt8](try Data(contentsOf: file))
    let megabytes = Double(bytes.count) / 1_048_576

    let limits = YAMLLimits(maximumBytes: Int.max, maximumDepth: 256, maximumNodes: Int.max)
    var events = 0
    var documents: [YAMLDocument] = []
    // The two loops take turns so that load from other processes on this
    // shared machine falls on both alike; best of `runs` each.
    var c = Timing()
    var swift = Timing()
    for _ in 0..<runs {
        if only != "swift" {
            c.keepBest(Timing.measure {
                events = bytes.withUnsafeBufferPointer { yaml_baseline_count_events($0.baseAddress, $0.count) }
            })
            if events < 0 { throw YAMLBenchmarkUsage("the C baseline could not parse the generated file") }
        }
        if only == "c" { continue }
        documents = []  // the previous run's tree is freed before the clock starts
        var failure: YAMLError?
        swift.keepBest(Timing.measure {
            do throws(YAMLError) {
                documents = try YAMLReader.documents(in: bytes, file: "fabric.yaml", limits: limits)
            } catch {
                failure = error
            }
        })
        if let failure { throw failure }
    }
    print("yaml: \(format(megabytes)) MB, \(documents.count) documents, \(events) libyaml events, best of \(runs)")
    print("                                  wall ms    MB/s   cpu ms    MB/s")
    print("  libyaml event loop (C):       \(c.row(megabytes))")
    print("  YAMLReader.documents (Swift): \(swift.row(megabytes))")
    print("  ratio Swift/C: wall \(format(c.wall / swift.wall)), cpu \(format(c.cpu / swift.cpu)) (goal >= 0.50)")
    if only != "c" {
        // The reader keeps one 20-byte mark per node (see MarkTable.Entry).
        let nodes = documents.reduce(0) { $0 + nodeCount($1.value) }
        print("  marks: \(nodes) nodes, \(format(Double(nodes * 20) / 1_048_576)) MB")
    }
}

/// Best wall-clock and thread CPU seconds of a few runs.
private struct Timing {
    var wall = Double.infinity
    var cpu = Double.infinity

    mutating func keepBest(_ other: Timing) {
        wall = min(wall, other.wall)
        cpu = min(cpu, other.cpu)
    }

    static func measure(_ body: () -> Void) -> Timing {
        let wallStart = now(CLOCK_MONOTONIC)
        let cpuStart = now(CLOCK_THREAD_CPUTIME_ID)
        body()
        return Timing(wall: now(CLOCK_MONOTONIC) - wallStart, cpu: now(CLOCK_THREAD_CPUTIME_ID) - cpuStart)
    }

    private static func now(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    func row(_ megabytes: Double) -> String {
        func column(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        return column(format(wall * 1000), 8) + column(format(megabytes / wall), 8)
            + column(format(cpu * 1000), 9) + column(format(megabytes / cpu), 8)
    }
}

private struct YAMLBenchmarkUsage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private func nodeCount(_ value: Value) -> Int {
    switch value {
    case .array(let items): return items.reduce(1) { $0 + nodeCount($1) }
    case .object(let object): return object.values.reduce(1) { $0 + nodeCount($1) }
    default: return 1
    }
}

private func format(_ value: Double) -> String { String(format: "%.2f", value) }

/// Realistic members of a large fabric: Switches with their full spec and
/// fabric Connections with their links, repeated until the size is reached.
enum HedgehogYAMLGenerator {
    static func stream(bytes target: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(target + 4096)
        var n = 0
        while out.count < target {
            n += 1
            out.append(contentsOf: (n % 3 == 0 ? connection(n) : switchObject(n)).utf8)
        }
        return out
    }

    private static func pad(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func switchObject(_ n: Int) -> String {
        let rack = n / 2 + 1
        return """
            ---
            # Leaf \(n) of rack \(rack)
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Switch
            metadata:
              name: leaf-\(pad(n))
              namespace: default
              labels:
                fabric.githedgehog.com/name: dc1
                fabric.githedgehog.com/namespace: default
                rack: "\(rack)"
              annotations:
                fabricsync.githedgehog.com/source: "dc1/switches.yaml"
            spec:
              role: server-leaf
              description: Leaf \(n) in rack \(rack)
              profile: dell-s5248f-on
              asn: \(65100 + n % 1000)
              ip: 172.30.\(n % 250).\(n % 200 + 1)/21
              protocolIP: 172.30.8.\(n % 250 + 1)/32
              vtepIP: 172.30.12.\(n % 250 + 1)/32
              groups: [mclag-\(rack)]
              redundancy:
                group: mclag-\(rack)
                type: mclag
              vlanNamespaces:
              - default
              boot:
                mac: "0c:20:12:ff:\(String(format: "%02x", n % 256)):01"
                serial: 'SN\(pad(n))X'
              portBreakouts:
                E1/55: 4x25G
                E1/56: 4x25G
              portSpeeds:
                E1/1: 25G
                E1/2: 25G
              portAutoNegs:
                E1/49: false
              enableAllPorts: true
              ecmp:
                roceQPN: yes
            """ + "\n"
    }

    static func connection(_ n: Int) -> String {
        var text = """
            ---
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Connection
            metadata:
              name: spine-\(pad(n % 4 + 1))--fabric--leaf-\(pad(n))
              namespace: default
              labels:
                fabric.githedgehog.com/name: dc1
            spec:
              fabric:
                links:

            """
        for link in 0..<4 {
            text += """
                    - spine:
                        port: spine-\(pad(n % 4 + 1))/E1/\(link + 1)
                        ip: 172.30.128.\(link * 2)/31
                      leaf:
                        port: leaf-\(pad(n))/E1/\(49 + link)
                        ip: "172.30.128.\(link * 2 + 1)/31"

                """
        }
        return text
    }
}
