#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the structure of bulwark's Kubernetes manifest (no cluster needed).

Usage: scripts/k8s-validate.py MANIFEST [EXTRACT_DIR]

Prints TAP-free findings, one per line, and exits 1 if there is any.  With
EXTRACT_DIR, writes each ConfigMap data key there as a file, so that the
caller can check the values.

The DaemonSet configures nothing (bulwark refuses every container that
tries) and enters none of the node's namespaces (bulwark's escape rule
refuses that too).  Checked: the kinds (Namespace, ConfigMap, DaemonSet)
and their namespace; the DaemonSet's selector and labels; no hostPID,
hostIPC or hostNetwork, and no container that runs nsenter; a privileged
init container that runs "load" with the node's root filesystem mounted
read-only at /host; unprivileged containers otherwise (non-root, no added
capabilities, no privilege escalation); every hostPath mounted read-only,
so that nothing is written on the node; every volumeMount names a volume;
every ConfigMap volume, item and configMapKeyRef refers to a ConfigMap and
key defined in the manifest, and every key of the expectations ConfigMap
is used; the Prometheus annotations name a port of a container and a path
that bulwark-node.sh serves; the readiness probe asks a path that
bulwark-node.sh serves, on a known port; the containers' arguments are
subcommands of bulwark-node.sh.
"""

import os
import re
import sys

import yaml

NODE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "deploy", "kubernetes", "bulwark-node.sh")
# Host path -> where the "load" init container mounts it, read-only.
LOAD_MOUNTS = {"/": "/host"}
# Host path -> where the other containers mount it, read-only: the node
# policy service's stamp.
NODE_MOUNTS = {"/run/bulwark": "/host/run/bulwark"}

problems = []


def problem(msg):
    problems.append(msg)


def get(obj, *keys, default=None):
    for k in keys:
        if not isinstance(obj, dict) or k not in obj:
            return default
        obj = obj[k]
    return obj


def node_script_text():
    try:
        with open(NODE_SCRIPT, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        problem(f"cannot read {NODE_SCRIPT}: {e}")
        return ""


def node_subcommands():
    """The subcommands that bulwark-node.sh's final case statement accepts."""
    text = node_script_text()
    main = text[text.rfind('case ${1:-} in'):]
    return set(re.findall(r"^([a-z]+)\)", main, re.M))


def check_daemonset(ds, configmaps, namespace):
    name = get(ds, "metadata", "name")
    where = f"DaemonSet {name}"
    if ds.get("apiVersion") != "apps/v1":
        problem(f"{where}: apiVersion is {ds.get('apiVersion')}, not apps/v1")
    if get(ds, "metadata", "namespace") != namespace:
        problem(f"{where}: not in namespace {namespace}")
    spec = ds.get("spec") or {}
    pod = get(spec, "template", "spec") or {}
    selector = get(spec, "selector", "matchLabels") or {}
    labels = get(spec, "template", "metadata", "labels") or {}
    if not selector:
        problem(f"{where}: no selector.matchLabels")
    for k, v in selector.items():
        if labels.get(k) != v:
            problem(f"{where}: selector {k}={v} does not match the pod labels")

    for k in ("hostPID", "hostIPC", "hostNetwork"):
        if pod.get(k) is True:
            problem(f"{where}: {k} must not be true: nothing enters the "
                    f"node's namespaces (bulwark's escape rule refuses it)")
    if get(pod, "nodeSelector", "kubernetes.io/os") != "linux":
        problem(f"{where}: nodeSelector kubernetes.io/os must be linux")

    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    if len(volumes) != len(pod.get("volumes") or []):
        problem(f"{where}: duplicate volume names")
    host_paths = {v["hostPath"]["path"]: n for n, v in volumes.items()
                  if "hostPath" in v}
    for p in sorted((set(LOAD_MOUNTS) | set(NODE_MOUNTS)) - set(host_paths)):
        problem(f"{where}: no hostPath volume for {p}")

    inits = pod.get("initContainers") or []
    containers = pod.get("containers") or []
    if not containers:
        problem(f"{where}: no containers")
    loaders = [c for c in inits if (c.get("args") or [None])[0] == "load"]
    if not loaders:
        problem(f"{where}: no init container runs \"load\"")
    for c in loaders:
        if get(c, "securityContext", "privileged") is not True:
            problem(f"{where}: init container {c.get('name')} loads a "
                    f"module: it must be privileged")
        mounted = {m.get("name"): m.get("mountPath")
                   for m in c.get("volumeMounts") or []}
        for p in sorted(set(LOAD_MOUNTS) & set(host_paths)):
            if mounted.get(host_paths[p]) != LOAD_MOUNTS[p]:
                problem(f"{where}: init container {c.get('name')} does not "
                        f"mount the node's {p} at {LOAD_MOUNTS[p]}")
    for c in containers:
        sc = c.get("securityContext") or {}
        if sc.get("privileged") is True:
            problem(f"{where}: container {c.get('name')} only reads: it "
                    f"must not be privileged")
        if sc.get("runAsNonRoot") is not True:
            problem(f"{where}: container {c.get('name')} must run as "
                    f"non-root")
        if sc.get("allowPrivilegeEscalation") is not False:
            problem(f"{where}: container {c.get('name')} must not allow "
                    f"privilege escalation")
        if get(sc, "capabilities", "add"):
            problem(f"{where}: container {c.get('name')} adds capabilities")
        mounted = {m.get("name"): m.get("mountPath")
                   for m in c.get("volumeMounts") or []}
        for p in sorted(set(NODE_MOUNTS) & set(host_paths)):
            if mounted.get(host_paths[p]) != NODE_MOUNTS[p]:
                problem(f"{where}: container {c.get('name')} does not "
                        f"mount the node's {p} at {NODE_MOUNTS[p]}")

    subcommands = node_subcommands()
    ports = set()
    images = set()
    used_keys = set()
    for c in inits + containers:
        cname = c.get("name")
        images.add(c.get("image"))
        if not c.get("image") or ":" not in c.get("image", ""):
            problem(f"{where}: container {cname} has no image tag")
        words = [str(w) for w in (c.get("command") or []) +
                 (c.get("args") or [])]
        if any("nsenter" in w for w in words):
            problem(f"{where}: container {cname} runs nsenter: bulwark's "
                    f"escape rule refuses it")
        for m in c.get("volumeMounts") or []:
            if m.get("name") not in volumes:
                problem(f"{where}: container {cname} mounts undefined "
                        f"volume {m.get('name')}")
                continue
            host = get(volumes[m.get("name")], "hostPath", "path")
            if host and m.get("readOnly") is not True:
                problem(f"{where}: container {cname} mounts the node's "
                        f"{host} writable: the DaemonSet writes nothing on "
                        f"the node")
        for e in c.get("env") or []:
            ref = get(e, "valueFrom", "configMapKeyRef")
            if ref is None:
                continue
            cm = configmaps.get(ref.get("name"))
            if cm is None:
                problem(f"{where}: container {cname} env {e.get('name')} "
                        f"refers to undefined ConfigMap {ref.get('name')}")
            elif ref.get("key") not in (cm.get("data") or {}):
                problem(f"{where}: container {cname} env {e.get('name')} "
                        f"refers to missing key {ref.get('key')}")
            else:
                used_keys.add((ref.get("name"), ref.get("key")))
        for ef in c.get("envFrom") or []:
            ref = ef.get("configMapRef")
            if ref is not None and ref.get("name") not in configmaps:
                problem(f"{where}: container {cname} envFrom refers to "
                        f"undefined ConfigMap {ref.get('name')}")
            elif ref is not None:
                for k in configmaps[ref.get("name")].get("data") or {}:
                    used_keys.add((ref.get("name"), k))
        for p in c.get("ports") or []:
            ports.add(str(p.get("containerPort")))
            if p.get("name"):
                ports.add(p["name"])
        args = c.get("args") or []
        if not args or args[0] not in subcommands:
            problem(f"{where}: container {cname} runs {args}, not a "
                    f"bulwark-node.sh subcommand {sorted(subcommands)}")
        probe = c.get("readinessProbe") or c.get("livenessProbe")
        if probe and "httpGet" in probe:
            if str(probe["httpGet"].get("port")) not in ports:
                problem(f"{where}: container {cname} probes an unknown port")
    if len(images) != 1:
        problem(f"{where}: containers use different images: {sorted(images)}")

    for n, v in volumes.items():
        if "configMap" not in v:
            continue
        cm = configmaps.get(v["configMap"].get("name"))
        if cm is None:
            problem(f"{where}: volume {n} refers to undefined ConfigMap "
                    f"{v['configMap'].get('name')}")
            continue
        for item in v["configMap"].get("items") or []:
            if item.get("key") not in (cm.get("data") or {}):
                problem(f"{where}: volume {n} refers to missing ConfigMap "
                        f"key {item.get('key')}")
            else:
                used_keys.add((v["configMap"].get("name"), item.get("key")))
    for cname, cm in configmaps.items():
        for k in cm.get("data") or {}:
            if (cname, k) not in used_keys:
                problem(f"ConfigMap {cname}: key {k} is used by no container")

    ann = get(spec, "template", "metadata", "annotations") or {}
    if ann.get("prometheus.io/scrape") != "true":
        problem(f"{where}: no prometheus.io/scrape: \"true\" annotation")
    if str(ann.get("prometheus.io/port")) not in ports:
        problem(f"{where}: prometheus.io/port {ann.get('prometheus.io/port')}"
                f" is not a container port")
    path = ann.get("prometheus.io/path", "/metrics")
    # The node script writes each CGI program at "$www<path>".
    text = node_script_text()
    if f'"$www{path}"' not in text:
        problem(f"{where}: prometheus.io/path {path} is not served by "
                f"bulwark-node.sh")
    readiness = 0
    for c in containers:
        probe = c.get("readinessProbe") or {}
        probe_path = get(probe, "httpGet", "path")
        if probe_path is None:
            continue
        readiness += 1
        if probe_path == path or f'"$www{probe_path}"' not in text:
            problem(f"{where}: container {c.get('name')} probes "
                    f"{probe_path}, not the readiness report that "
                    f"bulwark-node.sh serves")
    if not readiness:
        problem(f"{where}: no container has an httpGet readiness probe")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: k8s-validate.py MANIFEST [EXTRACT_DIR]")
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]

    kinds = [d.get("kind") for d in docs]
    for k in ("Namespace", "ConfigMap", "DaemonSet"):
        if k not in kinds:
            problem(f"no {k}")
    namespaces = [get(d, "metadata", "name") for d in docs
                  if d.get("kind") == "Namespace"]
    namespace = namespaces[0] if namespaces else None
    configmaps = {}
    for d in docs:
        if d.get("kind") == "ConfigMap":
            configmaps[get(d, "metadata", "name")] = d
            if get(d, "metadata", "namespace") != namespace:
                problem(f"ConfigMap {get(d, 'metadata', 'name')}: not in "
                        f"namespace {namespace}")
            for k, v in (d.get("data") or {}).items():
                if not isinstance(v, str):
                    problem(f"ConfigMap key {k}: value is not a string")
    for d in docs:
        if d.get("kind") == "DaemonSet":
            check_daemonset(d, configmaps, namespace)

    if len(sys.argv) == 3:
        for cname, cm in configmaps.items():
            out = os.path.join(sys.argv[2], cname)
            os.makedirs(out, exist_ok=True)
            for k, v in (cm.get("data") or {}).items():
                with open(os.path.join(out, k), "w", encoding="utf-8") as f:
                    f.write(str(v))

    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
