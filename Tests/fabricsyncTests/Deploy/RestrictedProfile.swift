import FabricValue

/// The Pod Security Standard "restricted" profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
/// as a pure check of a Pod spec, plus the read-only root filesystem this project asks for on top. Each violation is
/// named by the field a person would fix.
enum RestrictedProfile {
    /// Volume types the restricted profile allows.
    static let allowedVolumeTypes: Set = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]

    static func violations(in pod: Value) -> [String] {
        var found: [String] = []
        let podContext = pod["securityContext"] ?? [:]
        for flag in ["hostNetwork", "hostPID", "hostIPC"] where pod[flag] == true {
            found.append(flag)
        }
        for volume in pod["volumes"]?.arrayValue ?? [] {
            let types = Set(volume.objectValue?.keys ?? []).subtracting(["name"])
            for type in types.subtracting(allowedVolumeTypes).sorted() {
                found.append("volume \(volume["name"]?.stringValue ?? "?"): \(type)")
            }
        }
        if podContext["runAsUser"] == 0 { found.append("securityContext.runAsUser") }
        let containers = (pod["initContainers"]?.arrayValue ?? []) + (pod["containers"]?.arrayValue ?? [])
        for container in containers {
            let name = container["name"]?.stringValue ?? "?"
            let context = container["securityContext"] ?? [:]
            if (context["runAsNonRoot"] ?? podContext["runAsNonRoot"]) != true { found.append("\(name): runAsNonRoot") }
            if context["runAsUser"] == 0 { found.append("\(name): runAsUser") }
            if context["allowPrivilegeEscalation"] != false { found.append("\(name): allowPrivilegeEscalation") }
            if context["privileged"] == true { found.append("\(name): privileged") }
            if !(context.value(at: "capabilities", "drop")?.strings.contains("ALL") ?? false) { found.append("\(name): capabilities.drop") }
            if !Set(context.value(at: "capabilities", "add")?.strings ?? []).isSubset(of: ["NET_BIND_SERVICE"]) { found.append("\(name): capabilities.add") }
            let seccomp = (context.value(at: "seccompProfile", "type") ?? podContext.value(at: "seccompProfile", "type"))?.stringValue
            if seccomp != "RuntimeDefault" && seccomp != "Localhost" { found.append("\(name): seccompProfile") }
            if context["readOnlyRootFilesystem"] != true { found.append("\(name): readOnlyRootFilesystem") }
        }
        if containers.isEmpty { found.append("no containers") }
        return found
    }
}
