import FabricController
import FabricSource
import FabricValue
import FabricYAML
import Foundation
import KubeClient
import Notifications
import Synchronization

/// The pieces the converge benchmark wires together: a generated source
/// folder, an emulator in a child process (so this process's CPU time and
/// peak RSS are the controller's alone), a transport that counts requests by
/// what they do, and a controller wired as `fabricsync run` wires it.
enum ConvergeFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fabricName(_ index: Int) -> String { String(format: "fab-%04d", index) }

    /// `root/fab-NNNN/fabric.yaml` and `root/fab-NNNN/members.yaml`: ConfigMaps, Switches, Servers and
    /// Connections in turn, shaped like examples/fabrics/dc1, names unique per fabric, all in `default`.
    static func generate(at root: URL, fabrics: Int, members: Int) throws {
        try? FileManager.default.removeItem(at: root)  // a leftover folder from an earlier run; absent is the usual case
        for index in 0..<fabrics {
            let name = fabricName(index)
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let fabric = """
            apiVersion: wiring.githedgehog.com/v1alpha2
            kind: Fabric
            metadata:
              name: \(name)
              namespace: hedgehog-system
            spec:
              description: Benchmark fabric \(index)
              asn: 65000
              spineCount: 2
              leafCount: 4
              sync:
                enabled: true
                interval: 300
                prune: true
                allowEmpty: false
                targetNamespace: default

            """
            try Data(fabric.utf8).write(to: folder.appendingPathComponent("fabric.yaml"))
            let documents = (0..<members).map { member(fabric: name, fabricIndex: index, index: $0) }
            try Data((documents.joined(separator: "---\n")).utf8).write(to: folder.appendingPathComponent("members.yaml"))
        }
    }

    /// The name of member `index` of a fabric; member 0 is always a ConfigMap (the drift test edits it).
    static func memberName(fabric: String, index: Int) -> String {
        switch index % 4 {
        case 0: return "\(fabric)-site-\(index)"
        case 1: return "\(fabric)-leaf-\(index)"
        case 2: return "\(fabric)-server-\(index)"
        default: return "\(fabric)-server-\(index - 1)--unbundled--\(fabric)-leaf-\(index - 2)"
        }
    }

    private static func member(fabric: String, fabricIndex: Int, index: Int) -> String {
        let name = memberName(fabric: fabric, index: index)
        let octet = index % 250 + 1
        switch index % 4 {
        case 0:
            return """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(name)
              labels:
                app.kubernetes.io/part-of: \(fabric)
            data:
              site: ams-\(fabricIndex)
              rooms: "hall-2"
              racks: "r01,r02,r03"
              oob-network: 172.30.0.0/21
              contact: netops@example.com

            """
        case 1:
            return """
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Switch
            metadata:
              name: \(name)
            spec:
              role: server-leaf
              description: leaf \(index), rack r0\(index % 9 + 1)
              profile: dell-s5248f-on
              boot:
                serial: SN\(fabricIndex)X\(index)
              asn: \(65101 + index)
              ip: 172.30.0.\(octet)/21
              protocolIP: 172.30.8.\(octet)/32
              vtepIP: 172.30.12.\(octet)/32

            """
        case 2:
            return """
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Server
            metadata:
              name: \(name)
            spec:
              description: web-\(index), unbundled to leaf-\(index - 1)

            """
        default:
            return """
            apiVersion: wiring.githedgehog.com/v1beta1
            kind: Connection
            metadata:
              name: \(name)
            spec:
              unbundled:
                link:
                  server:
                    port: \(memberName(fabric: fabric, index: index - 1))/enp2s1
                  switch:
                    port: \(memberName(fabric: fabric, index: index - 2))/E1/\(index)

            """
        }
    }

    /// Every document under `root` (the member files and the Fabric files), for the API-floor flood.
    static func documents(under root: URL) throws -> [Value] {
        var result: [Value] = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "yaml" { files.append(url) }
        }
        for file in files.sorted(by: { $0.path < $1.path }) {
            let bytes = Array(try Data(contentsOf: file))
            result += try YAMLReader.documents(in: bytes, file: file.lastPathComponent).map(\.value).filter { !$0.isNull }
        }
        return result
    }
}

/// `fabricsync emulator` of the built binary, in a child process on a free loopback port.
final class ChildEmulator: @unchecked Sendable {
    let process = Process()
    let url: String

    init() throws {
        let binary = URL(fileURLWithPath: (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")))
            .deletingLastPathComponent().appendingPathComponent("fabricsync")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkError("no fabricsync binary beside the benchmark at \(binary.path): build it first (swift build -c release)")
        }
        process.executableURL = binary
        process.arguments = ["emulator", "--listen", "127.0.0.1:0"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchmarkError("the emulator exited before saying where it listens") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "http://") else { throw BenchmarkError("unexpected emulator output: \(text)") }
        url = String(text[range.lowerBound...].prefix { !$0.isWhitespace })
    }

    /// Installs manifests/crds and the Fabrics' namespace, as a cluster admin would before running the controller.
    func prepare() async throws {
        let client = KubeClient(config: ClusterConfig(server: url), options: .init(qps: 1e9, burst: 1_000_000))
        let crds = ConvergeFixtures.packageRoot.appendingPathComponent("manifests/crds")
        for file in try FileManager.default.contentsOfDirectory(atPath: crds.path).sorted() where file.hasSuffix(".yaml") && file != "kustomization.yaml" {
            let bytes = Array(try Data(contentsOf: crds.appendingPathComponent(file)))
            for document in try YAMLReader.documents(in: bytes, file: file) where !document.value.isNull {
                _ = try await client.apply(document.value)
            }
        }
        _ = try await client.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "hedgehog-system"]])
    }

    func writeKubeconfig(to path: String) throws {
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster:
            server: \(url)
        contexts:
        - name: bench
          context:
            cluster: bench
            user: bench
            namespace: default
        current-context: bench
        users:
        - name: bench
          user: {}

        """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// A `CurlTransport` that counts what each request does (the emulator's own
/// request log lives in its process; counting at the client's I/O edge sees the same requests).
final class CountingTransport: HTTPTransport {
    private let inner = CurlTransport()
    private let counts = Mutex<[String: Int]>([:])

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        record(request)
        return try await inner.send(request)
    }

    func stream(_ request: TransportRequest) -> TransportStream {
        record(request)
        return inner.stream(request)
    }

    var snapshot: [String: Int] { counts.withLock { $0 } }
    func reset() { counts.withLock { $0.removeAll() } }

    private func record(_ request: TransportRequest) {
        let path = request.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.url
        let category: String
        switch request.method {
        case "GET": category = request.url.contains("watch=true") || request.url.contains("watch=1") ? "watch" : "get/list"
        case "PATCH" where path.hasSuffix("/status"): category = "status patch"
        case "PATCH" where (request.headers["Content-Type"] ?? "").contains("apply-patch"):
            category = path.contains("/fabrics/") ? "fabric apply" : "member apply"
        case "POST" where path.hasSuffix("/events"): category = "event"
        default: category = path.contains("/fabrics/") ? "fabric \(request.method)" : "member \(request.method)"
        }
        counts.withLock { $0[category, default: 0] += 1 }
    }
}

/// A controller over one cluster, wired as `fabricsync run` wires it.
struct BenchController {
    let client: KubeClient
    let cluster: KubeCluster
    let controller: Controller
    let transport: CountingTransport

    init(server: String, folder: String, concurrency: Int, clientOptions: KubeClient.Options) {
        let transport = CountingTransport()
        self.transport = transport
        client = KubeClient(config: ClusterConfig(server: server), options: clientOptions, transport: transport)
        let relay = BenchRelay()
        let cluster = KubeCluster(client: client) { relay.forward($0) }
        self.cluster = cluster
        let hub = EventHub(replayCapacity: 10_000, now: { Date().timeIntervalSince1970 })
        let options = Reconciler.Options()
        let reconciler = Reconciler(home: cluster, options: options, notifier: Notifier(hub: hub), target: { _ in .cluster(cluster) })
        var configuration = Controller.Configuration()
        configuration.concurrency = concurrency
        configuration.reconciler = options
        // One line per reconcile would dominate the output; the benchmark keeps the formatting cost but drops the lines.
        controller = Controller(configuration: configuration, source: FolderSource(root: folder, options: SourceOptions(git: nil)), home: cluster,
                                reconciler: reconciler, log: ControllerLog(write: { _ in }))
        relay.target.withLock { $0 = controller }
        cluster.watch(apiVersion: Fabric.apiVersion, kind: Fabric.kind)
    }
}

private final class BenchRelay: Sendable {
    let target = Mutex<Controller?>(nil)
    func forward(_ change: ObservedChange) {
        guard let controller = target.withLock({ $0 }) else { return }
        Task { await controller.observe(change) }
    }
}

enum ProcessFigures {
    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
        let micros = usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
        return Double(seconds) + Double(micros) / 1e6
    }

    /// A field of /proc/self/status in KiB (VmHWM: peak resident set).
    static func statusKiB(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }  // not Linux: reported as unknown
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? -1
        }
        return -1
    }
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}
