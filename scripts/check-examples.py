#!/usr/bin/env python3
"""Check the example fabrics against the CRDs in manifests/crds, offline.

For every fabric folder under the given roots (default: examples/fabrics and
examples/gitops-repo/fabrics) it assigns members by the folder rule of the
design (a document belongs to the nearest Fabric above it), validates every
object against its CRD's openAPIV3Schema the way the API server would with
kubectl's default strict field validation (unknown fields are errors unless
x-kubernetes-preserve-unknown-fields says otherwise), checks names, duplicate
objects, and the references between Hedgehog objects (ports name wired
devices, attachments name real connections and subnets, ...), and prints the
member counts per fabric.

Needs python3 with PyYAML and jsonschema. Exit 0 when everything is valid,
1 when anything is not. Usage: scripts/check-examples.py [ROOT ...]
"""

import collections
import ipaddress
import os
import re
import sys

import jsonschema
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRD_DIR = os.path.join(REPO, "manifests", "crds")
DEFAULT_ROOTS = ["examples/fabrics", "examples/gitops-repo/fabrics"]
FABRIC_GVK = ("wiring.githedgehog.com", "v1alpha2", "Fabric")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Hedgehog's webhooks refuse longer names for these kinds (they become VRF names).
SHORT_NAME_KINDS = {"VPC", "IPv4Namespace", "External"}

# Core kinds the examples use, with just enough schema to catch type mistakes.
STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
CORE_SCHEMAS = {
    ("", "v1", "ConfigMap"): (True, {
        "type": "object",
        "properties": {"apiVersion": {}, "kind": {}, "metadata": {}, "data": STRING_MAP,
                       "binaryData": STRING_MAP, "immutable": {"type": "boolean"}},
        "additionalProperties": False,
    }),
    ("", "v1", "Namespace"): (False, {
        "type": "object",
        "properties": {"apiVersion": {}, "kind": {}, "metadata": {}, "spec": {"type": "object"}},
        "additionalProperties": False,
    }),
}


def to_json_schema(node):
    """openAPIV3Schema (structural) to JSON Schema: unknown fields are errors unless preserved."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.startswith("x-kubernetes-") or key in ("description", "format", "default", "example"):
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key == "nullable":
            continue
        else:
            out[key] = to_json_schema(value)
    if node.get("x-kubernetes-int-or-string"):
        out = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if (node.get("type") == "object" and "properties" in node and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def structural_problems(node, path):
    """What the API server would refuse in a CRD schema: untyped nodes, defaults that do not validate."""
    problems = []
    if "type" not in node and not node.get("x-kubernetes-preserve-unknown-fields") \
            and not node.get("x-kubernetes-int-or-string"):
        problems.append(f"{path}: no type")
    if "properties" in node and "additionalProperties" in node:
        problems.append(f"{path}: properties and additionalProperties are exclusive")
    if "default" in node:
        for error in jsonschema.Draft7Validator(to_json_schema(node)).iter_errors(node["default"]):
            problems.append(f"{path}: default does not validate: {error.message}")
    for name, sub in node.get("properties", {}).items():
        problems += structural_problems(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            problems += structural_problems(node[key], f"{path}[{key}]")
    return problems


def load_crds(errors):
    """Returns {(group, version, kind): (namespaced, json schema)} and the CRD file names."""
    schemas = dict(CORE_SCHEMAS)
    files = sorted(f for f in os.listdir(CRD_DIR) if f.endswith(".yaml") and f != "kustomization.yaml")
    for name in files:
        with open(os.path.join(CRD_DIR, name)) as handle:
            crd = yaml.safe_load(handle)
        spec = crd["spec"]
        expected = f"{spec['names']['plural']}.{spec['group']}"
        if crd["metadata"]["name"] != expected or name != expected + ".yaml":
            errors.append(f"{name}: CRD name should be {expected} in {expected}.yaml")
        if sum(1 for v in spec["versions"] if v.get("storage")) != 1:
            errors.append(f"{name}: exactly one version must be the storage version")
        for version in spec["versions"]:
            for column in version.get("additionalPrinterColumns", []):
                if not column["jsonPath"].startswith("."):
                    errors.append(f"{name}: printer column {column['name']}: jsonPath must start with '.'")
            key = (spec["group"], version["name"], spec["names"]["kind"])
            raw = version["schema"]["openAPIV3Schema"]
            errors.extend(f"{name}: {problem}" for problem in structural_problems(raw, version["name"]))
            schema = to_json_schema(raw)
            jsonschema.Draft7Validator.check_schema(schema)
            schemas[key] = (spec["scope"] == "Namespaced", schema)
    with open(os.path.join(CRD_DIR, "kustomization.yaml")) as handle:
        listed = yaml.safe_load(handle).get("resources", [])
    if sorted(listed) != files:
        errors.append(f"manifests/crds/kustomization.yaml lists {sorted(listed)}, folder holds {files}")
    return schemas


def gvk(obj):
    group, _, version = obj.get("apiVersion", "").rpartition("/")
    return group, version, obj.get("kind", "")


def read_documents(root, errors):
    """Yields (relative file, document index, object) for every YAML document under root."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")) or name == "kustomization.yaml":
                continue
            path = os.path.join(folder, name)
            with open(path) as handle:
                try:
                    loaded = list(yaml.safe_load_all(handle))
                except yaml.YAMLError as error:
                    errors.append(f"{os.path.relpath(path, REPO)}: does not parse: {error}")
                    continue
            for index, obj in enumerate(loaded):
                if obj is not None:
                    yield os.path.relpath(path, REPO), index, obj


def assign_to_fabrics(root, errors):
    """Applies the folder rule: {fabric folder: (fabric object, [(file, index, member)])}."""
    documents = list(read_documents(root, errors))
    fabrics = {}
    for file, _, obj in documents:
        if gvk(obj) == FABRIC_GVK:
            folder = os.path.dirname(file)
            if folder in fabrics:
                errors.append(f"{file}: a second Fabric in folder {folder}")
            fabrics[folder] = (obj, [])
    for file, index, obj in documents:
        if gvk(obj) == FABRIC_GVK:
            continue
        folder = os.path.dirname(file)
        while folder and folder not in fabrics:
            folder = os.path.dirname(folder)
        if not folder:
            errors.append(f"{file}[{index}]: belongs to no Fabric")
            continue
        fabrics[folder][1].append((file, index, obj))
    return fabrics


def validate_object(where, obj, schemas, errors):
    key = gvk(obj)
    if key[2] == "Secret":
        errors.append(f"{where}: examples carry no Secrets")
        return None
    if key not in schemas:
        errors.append(f"{where}: no CRD or core schema for {obj.get('apiVersion')} {obj.get('kind')}")
        return None
    namespaced, schema = schemas[key]
    for error in jsonschema.Draft7Validator(schema).iter_errors(obj):
        path = ".".join(str(p) for p in error.absolute_path) or "(root)"
        errors.append(f"{where}: {path}: {error.message}")
    name = obj.get("metadata", {}).get("name", "")
    if not DNS1123_SUBDOMAIN.match(name) or len(name) > 253:
        errors.append(f"{where}: metadata.name {name!r} is not a DNS-1123 subdomain")
    if key[2] in SHORT_NAME_KINDS and len(name) > 11:
        errors.append(f"{where}: metadata.name {name!r}: Hedgehog allows at most 11 characters for a {key[2]}")
    if not namespaced and "namespace" in obj.get("metadata", {}):
        errors.append(f"{where}: {key[2]} is cluster-scoped and names a namespace")
    return namespaced


def check_references(label, objects, errors):
    """Cross-checks the Hedgehog objects of one fabric, as Hedgehog's webhooks would."""
    by_kind = collections.defaultdict(dict)
    for obj in objects:
        by_kind[obj["kind"]][obj["metadata"]["name"]] = obj.get("spec", {})
    devices = set(by_kind["Switch"]) | set(by_kind["Server"])
    used_ports = set()

    def port(conn, value):
        device = value.split("/", 1)[0]
        if device not in devices:
            errors.append(f"{label}: Connection {conn}: port {value} names no Switch or Server of this fabric")
        if value in used_ports:
            errors.append(f"{label}: Connection {conn}: port {value} is wired twice")
        used_ports.add(value)

    for conn, spec in by_kind["Connection"].items():
        for body in spec.values():
            links = body.get("links", []) + body.get("peerLinks", []) + body.get("sessionLinks", [])
            if "link" in body:
                links.append(body["link"])
            for link in links:
                for end in link.values():
                    if isinstance(end, dict) and "port" in end:
                        port(conn, end["port"])
    for name, spec in by_kind["Switch"].items():
        for group in spec.get("groups", []) + [spec.get("redundancy", {}).get("group")]:
            if group and group not in by_kind["SwitchGroup"]:
                errors.append(f"{label}: Switch {name}: SwitchGroup {group} is not in this fabric")
        for vlan_ns in spec.get("vlanNamespaces", []):
            if vlan_ns not in by_kind["VLANNamespace"]:
                errors.append(f"{label}: Switch {name}: VLANNamespace {vlan_ns} is not in this fabric")
    for name, spec in by_kind["VPC"].items():
        ipv4 = by_kind["IPv4Namespace"].get(spec.get("ipv4Namespace", "default"))
        vlans = by_kind["VLANNamespace"].get(spec.get("vlanNamespace", "default"))
        if ipv4 is None or vlans is None:
            errors.append(f"{label}: VPC {name}: its IPv4Namespace or VLANNamespace is not in this fabric")
            continue
        pools = [ipaddress.ip_network(s) for s in ipv4.get("subnets", [])]
        for subnet_name, subnet in spec.get("subnets", {}).items():
            network = ipaddress.ip_network(subnet["subnet"])
            if not any(network.subnet_of(pool) for pool in pools):
                errors.append(f"{label}: VPC {name}/{subnet_name}: {network} is outside its IPv4Namespace")
            if ipaddress.ip_address(subnet.get("gateway", str(network.network_address + 1))) not in network:
                errors.append(f"{label}: VPC {name}/{subnet_name}: gateway outside the subnet")
            if not any(r["from"] <= subnet.get("vlan", 0) <= r["to"] for r in vlans.get("ranges", [])):
                errors.append(f"{label}: VPC {name}/{subnet_name}: VLAN {subnet.get('vlan')} outside its VLANNamespace")
    for name, spec in by_kind["VPCAttachment"].items():
        vpc, _, subnet = spec.get("subnet", "").partition("/")
        if subnet not in by_kind["VPC"].get(vpc, {}).get("subnets", {}):
            errors.append(f"{label}: VPCAttachment {name}: subnet {spec.get('subnet')} is not in this fabric")
        if spec.get("connection") not in by_kind["Connection"]:
            errors.append(f"{label}: VPCAttachment {name}: Connection {spec.get('connection')} is not in this fabric")
    for name, spec in by_kind["VPCPeering"].items():
        for permit in spec.get("permit", []):
            if len(permit) != 2:
                errors.append(f"{label}: VPCPeering {name}: each permit entry names exactly two VPCs")
            for vpc, peer in permit.items():
                known = by_kind["VPC"].get(vpc, {}).get("subnets")
                if known is None:
                    errors.append(f"{label}: VPCPeering {name}: VPC {vpc} is not in this fabric")
                for subnet in (peer or {}).get("subnets", []):
                    if known is not None and subnet not in known:
                        errors.append(f"{label}: VPCPeering {name}: subnet {vpc}/{subnet} does not exist")


def main(roots):
    errors = []
    schemas = load_crds(errors)
    owners = {}
    for root in roots:
        for folder, (fabric, members) in sorted(assign_to_fabrics(os.path.join(REPO, root), errors).items()):
            validate_object(f"{folder}/Fabric", fabric, schemas, errors)
            target = fabric.get("spec", {}).get("sync", {}).get("targetNamespace", "default")
            fabric_id = f"{fabric['metadata'].get('namespace', 'default')}/{fabric['metadata']['name']}"
            counts = collections.Counter()
            for file, index, obj in members:
                where = f"{file}[{index}]"
                namespaced = validate_object(where, obj, schemas, errors)
                counts[obj.get("kind", "?")] += 1
                namespace = obj.get("metadata", {}).get("namespace", target) if namespaced else ""
                key = (gvk(obj)[0], obj.get("kind"), namespace, obj.get("metadata", {}).get("name"))
                if key in owners:
                    errors.append(f"{where}: {key} is also a member at {owners[key]}")
                owners[key] = f"{where} ({fabric_id})"
            check_references(fabric_id, [m[2] for m in members], errors)
            summary = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
            print(f"{fabric_id} ({folder}): {len(members)} members: {summary}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT_ROOTS))
