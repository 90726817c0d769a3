#!/usr/bin/env python3
"""k8s.py BOXCHECK DAEMONSET.yaml SONOBUOY-PLUGIN.yaml

The Kubernetes manifests in ci/k8s, checked without a cluster:
  - the DaemonSet file (Namespace, ConfigMap, DaemonSet) parses and has
    what a DaemonSet needs: apps/v1, a selector matching the template's
    labels, a container with a name, image and command, tolerations for
    every node, none of the node's namespaces, the securityContext and
    limits the profile speaks of, every volumeMount backed by a volume
    and the ConfigMap keys the script reads;
  - the Sonobuoy plugin has sonobuoy-config (driver DaemonSet, plugin-name,
    result-format junit, result-files), a spec container whose script
    writes its results under SONOBUOY_RESULTS_DIR and their path into the
    done file (the tarball holding every result-file), and a podSpec of a
    plain container;
  - the profiles are JSON, and their memory limit is the container's;
  - the boxcheck commands the scripts run exist (inspect; judge and its
    options when this build has judge);
  - where kubectl is installed, `kubectl label --local` parses the
    manifests (and a Pod made of the plugin's spec and podSpec).
Planted mistakes must be found: the checks can fail.
"""
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

errors = []
quiet = False  # the planted copies: no kubectl, no notices


def need(cond, what):
    if not cond:
        errors.append(what)


def help_of(bin, *cmd):
    r = subprocess.run([bin, *cmd, "--help"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def commands(bin):
    out = help_of(bin) or ""
    on, names = False, set()
    for line in out.splitlines():
        if line.startswith("commands:"):
            on = True
        elif on and not line.strip():
            break
        elif on:
            names.add(line.split()[0])
    return names


def check_script(bin, where, text):
    """The boxcheck commands of a script: "$bc" CMD --opt ..."""
    cmds = commands(bin)
    joined = text.replace("\\\n", " ")
    found = re.findall(r'"\$bc" (\w+)([^\n]*)', joined)
    need(found, where + ": runs no boxcheck command")
    for cmd, rest in found:
        if cmd == "judge" and cmd not in cmds:
            if quiet:
                continue
            print("k8s: %s: this build has no 'boxcheck judge' (its own "
                  "change adds it): its options are not checked" % where)
            continue
        need(cmd in cmds, "%s: boxcheck has no command '%s'" % (where, cmd))
        usage = help_of(bin, cmd) or ""
        for opt in re.findall(r"(--[a-z][a-z0-9-]*)", rest):
            need(opt in usage, "%s: boxcheck %s has no option %s" %
                 (where, cmd, opt))
    return [c for c, _ in found]


def check_profile(where, text, memory_limit):
    try:
        prof = json.loads(text.replace("HOSTNAME", "pod-0"))
    except ValueError as e:
        need(False, "%s: the profile is not JSON: %s" % (where, e))
        return
    for k in ("hostname", "namespaces", "memory_max", "no_new_privs",
              "read_only_root"):
        need(k in prof, "%s: the profile lacks %s" % (where, k))
    need(prof.get("memory_max") == memory_limit,
         "%s: the profile's memory_max %s is not the container's limit %s" %
         (where, prof.get("memory_max"), memory_limit))


def mebibytes(q):
    m = re.fullmatch(r"(\d+)Mi", str(q))
    return int(m.group(1)) << 20 if m else None


def check_container(where, c, volumes):
    for k in ("name", "image", "command"):
        need(c.get(k), "%s: container %s" % (where, k))
    sc = c.get("securityContext") or {}
    need(sc.get("allowPrivilegeEscalation") is False,
         where + ": allowPrivilegeEscalation: false (no_new_privs)")
    need(sc.get("readOnlyRootFilesystem") is True,
         where + ": readOnlyRootFilesystem: true")
    need(sc.get("privileged") is not True, where + ": not privileged")
    lim = (c.get("resources") or {}).get("limits") or {}
    need(mebibytes(lim.get("memory")), where + ": a memory limit in Mi")
    for vm in c.get("volumeMounts") or []:
        need(vm.get("name") in volumes and vm.get("mountPath"),
             "%s: volumeMount %s has no volume" % (where, vm.get("name")))
    return mebibytes(lim.get("memory"))


def check_pod(where, pod):
    need(any(t.get("operator") == "Exists" and "key" not in t
             for t in pod.get("tolerations") or []),
         where + ": a toleration of every taint (every node)")
    for k in ("hostPID", "hostIPC", "hostNetwork"):
        need(pod.get(k) is False, "%s: %s: false (a container like any "
             "other)" % (where, k))


def check_daemonset(bin, path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    kinds = {d.get("kind"): d for d in docs}
    for k in ("Namespace", "ConfigMap", "DaemonSet"):
        need(k in kinds, "%s: no %s" % (path, k))
    if errors:
        return
    ds, cm = kinds["DaemonSet"], kinds["ConfigMap"]
    ns = kinds["Namespace"]["metadata"]["name"]
    need(ds.get("apiVersion") == "apps/v1", path + ": apps/v1")
    for d in (ds, cm):
        need(d["metadata"].get("namespace") == ns,
             "%s: %s not in namespace %s" % (path, d["kind"], ns))
    sel = ds["spec"]["selector"]["matchLabels"]
    tmpl = ds["spec"]["template"]
    labels = tmpl["metadata"]["labels"]
    need(sel and all(labels.get(k) == v for k, v in sel.items()),
         path + ": the selector matches the template's labels")
    pod = tmpl["spec"]
    check_pod(path, pod)
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    cs = pod.get("containers") or []
    need(len(cs) == 1, path + ": one container")
    mem = check_container(path, cs[0], volumes)
    env = {e["name"]: e for e in cs[0].get("env") or []}
    need(env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {})
         .get("fieldPath") == "spec.nodeName", path + ": NODE_NAME")
    cmname = volumes.get("config", {}).get("configMap", {}).get("name")
    need(cmname == cm["metadata"]["name"], path + ": the config volume is "
         "the ConfigMap")
    data = cm.get("data") or {}
    for key in ("run.sh", "profile.json"):
        need(key in data, "%s: ConfigMap key %s" % (path, key))
    need("/etc/boxcheck/run.sh" in " ".join(cs[0].get("args") or []),
         path + ": the container runs the ConfigMap's run.sh")
    if "profile.json" in data:
        check_profile(path, data["profile.json"], mem)
    if "run.sh" in data:
        cmds = check_script(bin, path, data["run.sh"])
        need(cmds[:2] == ["inspect", "judge"],
             path + ": run.sh runs inspect, then judge")
    kubectl(path, open(path).read())


def check_plugin(bin, path):
    doc = yaml.safe_load(open(path))
    cfg = doc.get("sonobuoy-config") or {}
    need(cfg.get("driver") == "DaemonSet", path + ": driver: DaemonSet")
    need(cfg.get("plugin-name") == "boxcheck", path + ": plugin-name")
    need(cfg.get("result-format") == "junit", path + ": result-format: junit")
    files = cfg.get("result-files") or []
    need(files, path + ": result-files")
    spec, pod = doc.get("spec") or {}, doc.get("podSpec") or {}
    env = {e["name"]: e for e in spec.get("env") or []}
    rdir = env.get("SONOBUOY_RESULTS_DIR", {}).get("value")
    need(rdir, path + ": SONOBUOY_RESULTS_DIR")
    mounts = {m["mountPath"]: m["name"] for m in spec.get("volumeMounts") or []}
    need(mounts.get(rdir) == "results", path + ": the results volume is "
         "mounted at SONOBUOY_RESULTS_DIR")
    # sonobuoy adds the "results" volume itself
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    volumes["results"] = {}
    mem = check_container(path, spec, volumes)
    check_pod(path, pod)
    script = "\n".join(spec.get("args") or [])
    cmds = check_script(bin, path, script)
    need(cmds[:2] == ["inspect", "judge"], path + ": inspect, then judge")
    need(re.search(r'>"\$out/done"', script), path + ": writes the done file")
    tar = re.search(r'tar -czf "\$out/(\S+)" -C "\$out" ([^\n]+)', script)
    done = re.search(r'echo "\$out/(\S+)" >"\$out/done"', script)
    need(tar and done and tar.group(1) == done.group(1),
         path + ": the done file names the tarball of the results")
    if tar:
        for f in files:
            need(f in tar.group(2).split(), "%s: result file %s is not in "
                 "the tarball" % (path, f))
    if "BOXCHECK_PROFILE" in env:
        check_profile(path, env["BOXCHECK_PROFILE"]["value"], mem)
    p = copy.deepcopy(pod)
    p["containers"] = [spec]
    p["volumes"] = list(volumes.values())[:0] + [
        dict(v, name=k) if v else {"name": k, "emptyDir": {}}
        for k, v in volumes.items()]
    kubectl(path + " (spec in podSpec)", yaml.safe_dump(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "plugin"},
         "spec": p}))


def kubectl(where, text):
    if quiet or not shutil.which("kubectl"):
        return
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write(text)
        f.flush()
        r = subprocess.run(["kubectl", "label", "--local", "-f", f.name,
                            "boxcheck-check=yes", "-o", "yaml"],
                           capture_output=True, text=True, timeout=60)
    need(r.returncode == 0, "%s: kubectl cannot parse it: %s" %
         (where, r.stderr.strip()))


def planted(bin, ds, plugin):
    """A broken copy of each must fail."""
    global errors, quiet
    quiet = True
    cases = [
        (ds, "operator: Exists", "operator: Equal"),
        (ds, "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"),
        (ds, "memory: 64Mi", "memory: 128Mi"),
        (plugin, "driver: DaemonSet", "driver: Job"),
        (plugin, '>"$out/done"', '>"$out/finished"'),
        (plugin, '"$bc" inspect', '"$bc" inspekt'),
    ]
    for path, old, new in cases:
        text = open(path).read()
        if old not in text:
            return "planted: '%s' not in %s" % (old, path)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(text.replace(old, new, 1))
            f.flush()
            saved, errors = errors, []
            (check_daemonset if path == ds else check_plugin)(bin, f.name)
            found, errors = errors, saved
        if not found:
            return "planted: %s with '%s' passed" % (path, new)
    quiet = False
    return None


def main():
    bin, ds, plugin = sys.argv[1:4]
    why = planted(bin, ds, plugin)
    need(why is None, str(why))
    check_daemonset(bin, ds)
    check_plugin(bin, plugin)
    for e in errors:
        print("k8s: " + e, file=sys.stderr)
    if errors:
        return 1
    print("k8s: ok: %s and %s parse and carry what a DaemonSet and a "
          "Sonobuoy plugin need%s; planted mistakes found" %
          (ds, plugin, " (and kubectl parses them)"
           if shutil.which("kubectl") else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
