import FabricValue
import Foundation
import XCTest

/// Least privilege in the rendered base: no wildcards, Secrets read-only, Pods and Leases only through a Role in the
/// controller's own namespace, bound to the ServiceAccount the Deployment runs as.
final class RBACScopeTests: XCTestCase {
    private let controllerNamespace = "fabricsync-system"

    private func rules(_ role: Value) -> [(groups: [String], resources: [String], verbs: [String])] {
        (role["rules"]?.arrayValue ?? []).map { ($0["apiGroups"]?.strings ?? [], $0["resources"]?.strings ?? [], $0["verbs"]?.strings ?? []) }
    }

    func testNoRoleGrantsWildcards() throws {
        let objects = try RenderedManifests.objects()
        let roles = objects.objects(kind: "ClusterRole") + objects.objects(kind: "Role")
        XCTAssertFalse(roles.isEmpty)
        for role in roles {
            for rule in rules(role) {
                XCTAssertFalse(rule.verbs.contains("*"), "\(role.name) grants verb *")
                XCTAssertFalse(rule.resources.contains { $0 == "*" || $0.hasSuffix("/*") }, "\(role.name) grants resource * (\(rule.resources))")
                XCTAssertFalse(rule.groups.contains("*"), "\(role.name) grants apiGroup *")
                XCTAssertNil(role["aggregationRule"], "\(role.name) aggregates other roles")
            }
        }
    }

    func testSecretsAreOnlyRead() throws {
        let objects = try RenderedManifests.objects()
        for role in objects.objects(kind: "ClusterRole") + objects.objects(kind: "Role") {
            for rule in rules(role) where rule.groups.contains("") && rule.resources.contains("secrets") {
                XCTAssertTrue(Set(rule.verbs).isSubset(of: ["get", "list", "watch"]), "\(role.name) grants \(rule.verbs) on secrets")
            }
        }
    }

    func testPodsAndLeasesOnlyThroughARoleInTheControllerNamespace() throws {
        let objects = try RenderedManifests.objects()
        for role in objects.objects(kind: "ClusterRole") {
            for rule in rules(role) {
                XCTAssertFalse(rule.groups.contains("") && rule.resources.contains { $0 == "pods" || $0.hasPrefix("pods/") }, "ClusterRole \(role.name) grants pods")
                XCTAssertFalse(rule.groups.contains("coordination.k8s.io") && rule.resources.contains("leases"), "ClusterRole \(role.name) grants leases")
            }
        }
        let roles = objects.objects(kind: "Role")
        XCTAssertTrue(roles.allSatisfy { $0.value(at: "metadata", "namespace")?.stringValue == controllerNamespace })
        let granted = roles.flatMap { role in rules(role).flatMap { rule in rule.resources.map { ($0, Set(rule.verbs)) } } }
        let leaseVerbs = granted.filter { $0.0 == "leases" }.reduce(into: Set<String>()) { $0.formUnion($1.1) }
        XCTAssertTrue(["get", "create", "update"].allSatisfy(leaseVerbs.contains), "lease verbs: \(leaseVerbs)")
        let podVerbs = granted.filter { $0.0 == "pods" }.reduce(into: Set<String>()) { $0.formUnion($1.1) }
        XCTAssertTrue(podVerbs.contains("patch"), "the leader cannot label its own Pod: \(podVerbs)")
    }

    func testEveryRoleIsBoundToTheDeploymentsServiceAccount() throws {
        let objects = try RenderedManifests.objects()
        let deployment = try XCTUnwrap(objects.object(kind: "Deployment", name: "fabricsync"))
        let account = try XCTUnwrap(deployment.value(at: "spec", "template", "spec", "serviceAccountName")?.stringValue)
        XCTAssertNotNil(objects.first { $0["kind"] == "ServiceAccount" && $0.name == account && $0.value(at: "metadata", "namespace") == .string(controllerNamespace) })
        for (roleKind, bindingKind) in [("ClusterRole", "ClusterRoleBinding"), ("Role", "RoleBinding")] {
            for role in objects.objects(kind: roleKind) {
                let bindings = objects.objects(kind: bindingKind).filter { $0.value(at: "roleRef", "kind")?.stringValue == roleKind && $0.value(at: "roleRef", "name")?.stringValue == role.name }
                let subjects = bindings.flatMap { $0["subjects"]?.arrayValue ?? [] }
                XCTAssertTrue(subjects.contains { $0["kind"] == "ServiceAccount" && $0["name"] == .string(account) && $0["namespace"] == .string(controllerNamespace) },
                              "\(roleKind) \(role.name) is not bound to \(controllerNamespace)/\(account)")
            }
        }
    }

    func testTheClusterRoleCoversEveryKindWhoseCRDTheBaseInstalls() throws {
        // A member kind the examples use and the CRDs install, but the ClusterRole forgets, would be Forbidden at run time.
        let objects = try RenderedManifests.objects()
        let clusterRoleRules = objects.objects(kind: "ClusterRole").flatMap(rules)
        for crd in objects.objects(kind: "CustomResourceDefinition") {
            let group = crd.value(at: "spec", "group")?.stringValue ?? ""
            let plural = crd.value(at: "spec", "names", "plural")?.stringValue ?? ""
            let verbs = clusterRoleRules.filter { $0.groups.contains(group) && $0.resources.contains(plural) }.reduce(into: Set<String>()) { $0.formUnion($1.verbs) }
            XCTAssertTrue(["get", "list", "watch", "patch"].allSatisfy(verbs.contains), "\(plural).\(group): \(verbs)")
        }
    }
}
