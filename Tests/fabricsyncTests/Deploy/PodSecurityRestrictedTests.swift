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
        let podContext = pod["securityContext"] ?? [:]
        for flag in ["hostNetwork", "hostPID", "hostIPC"] {
            XCTAssertNotEqual(pod[flag], true, "\(flag) must not be set")
        }
        for volume in pod["volumes"]?.arrayValue ?? [] {
            // The restricted profile allows only these volume types.
            let allowed: Set = ["name", "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]
            let keys = Set(volume.objectValue?.keys ?? [])
            XCTAssertTrue(keys.isSubset(of: allowed), "volume \(volume.name) uses \(keys.subtracting(allowed))")
        }
        XCTAssertNotEqual(podContext["runAsUser"], 0, "the Pod must not run as root")
        let containers = (pod["containers"]?.arrayValue ?? []) + (pod["initContainers"]?.arrayValue ?? [])
        XCTAssertFalse(containers.isEmpty)
        for container in containers {
            let name = container["name"]?.stringValue ?? "?"
            let context = container["securityContext"] ?? [:]
            XCTAssertEqual(context["runAsNonRoot"] ?? podContext["runAsNonRoot"], true, "\(name): runAsNonRoot")
            XCTAssertNotEqual(context["runAsUser"] ?? podContext["runAsUser"], 0, "\(name): runAsUser 0")
            XCTAssertEqual(context["allowPrivilegeEscalation"], false, "\(name): allowPrivilegeEscalation must be false")
            XCTAssertNotEqual(context["privileged"], true, "\(name): privileged")
            XCTAssertTrue(context.value(at: "capabilities", "drop")?.strings.contains("ALL") ?? false, "\(name): capabilities must drop ALL")
            let added = Set(context.value(at: "capabilities", "add")?.strings ?? [])
            XCTAssertTrue(added.isSubset(of: ["NET_BIND_SERVICE"]), "\(name): adds \(added)")
            let seccomp = (context.value(at: "seccompProfile", "type") ?? podContext.value(at: "seccompProfile", "type"))?.stringValue
            XCTAssertTrue(seccomp == "RuntimeDefault" || seccomp == "Localhost", "\(name): seccompProfile is \(seccomp ?? "unset")")
            XCTAssertEqual(context["readOnlyRootFilesystem"], true, "\(name): readOnlyRootFilesystem")
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
