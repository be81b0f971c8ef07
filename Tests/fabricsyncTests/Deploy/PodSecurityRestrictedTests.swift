import FabricValue
import Foundation
import XCTest

/// The rendered Deployment's Pod passes the Pod Security Standard "restricted" profile
/// (https://kubernetes.io/docs/concepts/security/pod-security-standards/), and runs as the design says:
/// two replicas with leader election, health probes, resources, read-only root filesystem with emptyDir scratch space.
final class PodSecurityRestrictedTests: XCTestCase {
    private func deployment() throws -> Value {
        let objects = try RenderedManifests.objects()
        return try XCTUnwrap(objects.object(kind: "Deployment", name: "fabricsync"), "no Deployment fabricsync in the base")
    }

    func testTheControllerNamespaceEnforcesTheRestrictedProfile() throws {
        let objects = try RenderedManifests.objects()
        let namespace = try XCTUnwrap(objects.object(kind: "Namespace", name: "fabricsync-system"))
        XCTAssertEqual(namespace.value(at: "metadata", "labels", "pod-security.kubernetes.io/enforce"), "restricted")
    }

    func testPodAndEveryContainerPassTheRestrictedProfile() throws {
        let pod = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec"))
        XCTAssertEqual(RestrictedProfile.violations(in: pod), [])
    }

    /// The check itself: each way out of the profile, made in the rendered Pod, is named.
    func testEachDepartureFromTheProfileIsNamed() throws {
        let pod = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec"))
        func container(_ change: @escaping (inout Value) -> Void) -> (inout Value) -> Void {
            { pod in
                var containers = pod["containers"]?.arrayValue ?? []
                change(&containers[0])
                pod["containers"] = .array(containers)
            }
        }
        let cases: [(change: (inout Value) -> Void, violation: String)] = [
            ({ $0["hostNetwork"] = true }, "hostNetwork"),
            ({ $0["hostPID"] = true }, "hostPID"),
            ({ $0["volumes"] = .array(($0["volumes"]?.arrayValue ?? []) + [["name": "host", "hostPath": ["path": "/"]]]) }, "volume host: hostPath"),
            ({ $0["securityContext"]?["runAsUser"] = 0 }, "securityContext.runAsUser"),
            (container { $0["securityContext"]?["runAsNonRoot"] = nil }, ""),  // the Pod level still says true
            ({ pod in pod["securityContext"]?["runAsNonRoot"] = nil; container { $0["securityContext"]?["runAsNonRoot"] = nil }(&pod) }, "fabricsync: runAsNonRoot"),
            (container { $0["securityContext"]?["allowPrivilegeEscalation"] = true }, "fabricsync: allowPrivilegeEscalation"),
            (container { $0["securityContext"]?["privileged"] = true }, "fabricsync: privileged"),
            (container { $0["securityContext"]?["capabilities"] = ["drop": ["NET_RAW"]] }, "fabricsync: capabilities.drop"),
            (container { $0["securityContext"]?["capabilities"] = ["drop": ["ALL"], "add": ["NET_ADMIN"]] }, "fabricsync: capabilities.add"),
            ({ pod in pod["securityContext"]?["seccompProfile"] = nil; container { $0["securityContext"]?["seccompProfile"] = nil }(&pod) }, "fabricsync: seccompProfile"),
            (container { $0["securityContext"]?["seccompProfile"] = ["type": "Unconfined"] }, "fabricsync: seccompProfile"),
            (container { $0["securityContext"]?["readOnlyRootFilesystem"] = false }, "fabricsync: readOnlyRootFilesystem"),
        ]
        for (index, testCase) in cases.enumerated() {
            var changed = pod
            testCase.change(&changed)
            XCTAssertEqual(RestrictedProfile.violations(in: changed), testCase.violation.isEmpty ? [] : [testCase.violation], "case \(index)")
        }
    }

    func testEveryWritableMountIsAnEmptyDir() throws {
        let pod = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec"))
        let volumes = pod["volumes"]?.arrayValue ?? []
        let container = try XCTUnwrap(pod["containers"]?.arrayValue?.first)
        var writablePaths: [String] = []
        for mount in container["volumeMounts"]?.arrayValue ?? [] where mount["readOnly"] != true {
            let volume = try XCTUnwrap(volumes.first { $0["name"] == mount["name"] }, "mount of an undeclared volume")
            let path = mount["mountPath"]?.stringValue ?? "?"
            XCTAssertNotNil(volume["emptyDir"], "writable mount \(path) is not an emptyDir")
            writablePaths.append(path)
        }
        // The Git cache (--git-cache) and /tmp (git and libcurl write there) must be writable.
        let gitCache = try XCTUnwrap(container["args"]?.strings.first { $0.hasPrefix("--git-cache=") }?.dropFirst("--git-cache=".count))
        XCTAssertTrue(writablePaths.contains(String(gitCache)), "the git cache \(gitCache) is not on a writable emptyDir: \(writablePaths)")
        XCTAssertTrue(writablePaths.contains("/tmp"), "no writable /tmp: \(writablePaths)")
    }

    func testTwoReplicasElectALeader() throws {
        let deployment = try deployment()
        XCTAssertEqual(deployment.value(at: "spec", "replicas"), 2)
        let container = try XCTUnwrap(deployment.value(at: "spec", "template", "spec", "containers")?.arrayValue?.first)
        XCTAssertTrue(container["args"]?.strings.contains("--leader-elect") ?? false, "args: \(container["args"] ?? .null)")
        // --leader-elect reads its identity and namespace from the downward API.
        let env = container["env"]?.arrayValue ?? []
        let fieldPaths = Dictionary(env.compactMap { variable -> (String, String)? in
            guard let name = variable["name"]?.stringValue, let path = variable.value(at: "valueFrom", "fieldRef", "fieldPath")?.stringValue else { return nil }
            return (name, path)
        }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(fieldPaths["POD_NAME"], "metadata.name")
        XCTAssertEqual(fieldPaths["POD_NAMESPACE"], "metadata.namespace")
    }

    func testTheKubeletWaitsLongerThanTheShutdownGrace() throws {
        let pod = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec"))
        let args = pod["containers"]?.arrayValue?.first?["args"]?.strings ?? []
        // 30 s is `run`'s default --shutdown-grace; the base may set it.
        let grace = args.first { $0.hasPrefix("--shutdown-grace=") }.map { String($0.dropFirst("--shutdown-grace=".count)) } ?? "30s"
        let graceSeconds = try XCTUnwrap(grace.hasSuffix("s") ? Int64(grace.dropLast()) : nil, "write --shutdown-grace in seconds here: \(grace)")
        let termination = pod["terminationGracePeriodSeconds"]?.intValue ?? 30
        XCTAssertGreaterThan(termination, graceSeconds, "SIGKILL would come before the Lease is released")
    }

    func testTheReplicasPreferDifferentNodes() throws {
        let pod = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec"))
        let terms = pod.value(at: "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution")?.arrayValue ?? []
        let labels = try XCTUnwrap(try deployment().value(at: "spec", "template", "metadata", "labels")?.objectValue)
        XCTAssertTrue(terms.contains { term in
            term.value(at: "podAffinityTerm", "topologyKey") == "kubernetes.io/hostname"
                && (term.value(at: "podAffinityTerm", "labelSelector", "matchLabels")?.objectValue.map { selector in
                    selector.keys.allSatisfy { labels[$0] == selector[$0] } } ?? false)
        }, "no anti-affinity spreading the replicas over nodes")
    }

    func testProbesCheckHealthzAndReadyzOnADeclaredPort() throws {
        let container = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec", "containers")?.arrayValue?.first)
        let ports = Set((container["ports"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
            XCTAssertEqual(container.value(at: probe, "httpGet", "path")?.stringValue, path, probe)
            let port = container.value(at: probe, "httpGet", "port")
            if let named = port?.stringValue {
                XCTAssertTrue(ports.contains(named), "\(probe) port \(named) is not a container port")
            } else {
                XCTAssertNotNil(port?.intValue, "\(probe) has no port")
            }
        }
    }

    func testResourcesHaveRequestsAndAMemoryLimit() throws {
        let container = try XCTUnwrap(try deployment().value(at: "spec", "template", "spec", "containers")?.arrayValue?.first)
        for path in [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]] {
            XCTAssertNotNil(container.value(at: "resources", path[0], path[1])?.stringValue, "resources.\(path.joined(separator: ".")) is not set")
        }
    }
}
