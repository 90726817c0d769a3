#!/usr/bin/env python3
"""ci-templates.py BOXCHECK GITHUB.yml GITLAB.yml

The CI templates in ci/templates, checked without a CI system:
  - each parses as YAML, with the structure its CI system needs: the suite
    as a matrix of kernels x arches (one job each), a report job after it
    that merges every cell with `make ci-report`, and the regression gate
    (`make bench-gate`) on pull or merge requests only;
  - every command they run exists: a `make` target in this Makefile's
    database, a `boxcheck` command in `boxcheck --help` with each option
    in that command's --help, a ci/install-deps.sh group, a script of the
    repository (executable), or a command of the small set allowed below.
Planted mistakes (a target, a command, an option, a group that do not
exist) must each be found: the check can fail.
"""
import os
import re
import shlex
import subprocess
import sys

import yaml

ALLOWED = {"apt-get", "git", "cd", "cp", "mkdir", "echo", "ls", "test", "true"}
KERNELS = {"5.10", "6.1", "6.12"}
ARCHES = {"x86_64", "aarch64"}


def make_targets():
    out = subprocess.run(["make", "-pRrq", "-f", "Makefile", ":"],
                         capture_output=True, text=True).stdout
    targets = set()
    for line in out.splitlines():
        m = re.match(r"^([A-Za-z0-9_./%-]+):(?!=)", line)
        if m:
            targets.add(m.group(1))
    return targets


def boxcheck_commands(bin):
    out = subprocess.run([bin, "--help"], capture_output=True, text=True).stdout
    cmds, on = {}, False
    for line in out.splitlines():
        if line.startswith("commands:"):
            on = True
        elif on and not line.strip():
            break
        elif on:
            name = line.split()[0]
            cmds[name] = subprocess.run([bin, name, "--help"],
                                        capture_output=True,
                                        text=True).stdout
    return cmds


def groups():
    out = subprocess.run(["ci/install-deps.sh", "--list", "all"],
                         capture_output=True, text=True)
    text = open("ci/install-deps.sh").read()
    m = re.search(r'^ORDER="([^"]*)"', text, re.M)
    return set(m.group(1).split()) | {"all"} if m else set()


class Checker:
    def __init__(self, bin):
        self.bin = bin
        self.targets = make_targets()
        self.cmds = boxcheck_commands(bin)
        self.groups = groups()
        self.errors = []

    def bad(self, where, what):
        self.errors.append("%s: %s" % (where, what))

    def command(self, where, words):
        """One simple command (a list of words)."""
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        if not words:
            return
        cmd, args = words[0], words[1:]
        if cmd == "make":
            skip = False
            for a in args:
                if skip:
                    skip = False
                elif a == "-C":
                    skip = True
                elif a.startswith("-") or "=" in a:
                    continue
                elif a not in self.targets:
                    self.bad(where, "make target '%s' does not exist" % a)
        elif cmd in ("build/boxcheck", "boxcheck") or cmd.endswith(
                "/build/boxcheck"):
            if not args or args[0] not in self.cmds:
                self.bad(where, "boxcheck has no command '%s'" %
                         (args[0] if args else ""))
                return
            for a in args[1:]:
                opt = a.split("=")[0]
                if opt.startswith("--") and opt not in self.cmds[args[0]]:
                    self.bad(where, "boxcheck %s has no option %s" %
                             (args[0], opt))
        elif cmd == "ci/install-deps.sh":
            for g in args:
                if not g.startswith("-") and g not in self.groups:
                    self.bad(where, "ci/install-deps.sh has no group '%s'" % g)
        elif "/" in cmd:
            if not (os.path.isfile(cmd) and os.access(cmd, os.X_OK)):
                self.bad(where, "'%s' is not an executable of the repo" % cmd)
        elif cmd not in ALLOWED:
            self.bad(where, "command '%s' is not make, boxcheck, a repo "
                     "script or one of %s" % (cmd, sorted(ALLOWED)))

    def script(self, where, text):
        """Shell text: each line, split on && || ; | into commands."""
        text = re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", r"MATRIX_\1", text)
        text = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", text)
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for part in re.split(r"&&|\|\||;|\|", line):
                try:
                    words = shlex.split(part)
                except ValueError as e:
                    self.bad(where, "cannot split '%s': %s" % (part, e))
                    continue
                self.command(where, words)


def need(c, cond, where, what):
    if not cond:
        c.bad(where, what)


def check_github(c, path):
    doc = yaml.safe_load(open(path))
    # YAML 1.1 reads the key `on` as True
    on = doc.get("on", doc.get(True))
    need(c, isinstance(on, dict) and "pull_request" in on and "push" in on,
         path, "on: push and pull_request")
    jobs = doc.get("jobs") or {}
    for name in ("suite", "report", "gate"):
        need(c, name in jobs, path, "no job '%s'" % name)
    if c.errors:
        return
    m = jobs["suite"].get("strategy", {}).get("matrix", {})
    need(c, set(map(str, m.get("kernel", []))) == KERNELS and
         set(m.get("arch", [])) == ARCHES, path,
         "suite: a matrix of kernels %s x arches %s" % (KERNELS, ARCHES))
    need(c, jobs["suite"]["strategy"].get("fail-fast") is False, path,
         "suite: fail-fast: false (every cell runs)")
    need(c, jobs["report"].get("needs") in ("suite", ["suite"]), path,
         "report: needs suite")
    need(c, "pull_request" in str(jobs["gate"].get("if", "")), path,
         "gate: on pull requests only")
    runs = {}
    for jname, job in jobs.items():
        need(c, "runs-on" in job, path, jname + ": runs-on")
        steps = job.get("steps") or []
        need(c, steps, path, jname + ": steps")
        text = ""
        for i, st in enumerate(steps):
            need(c, isinstance(st, dict) and ("run" in st or "uses" in st),
                 path, "%s step %d: run or uses" % (jname, i + 1))
            if "run" in st:
                c.script("%s: %s" % (path, jname), st["run"])
                text += st["run"] + "\n"
            if str(st.get("uses", "")).startswith("actions/upload-artifact"):
                text += "UPLOAD %s\n" % st.get("with", {}).get("path", "")
        runs[jname] = text
    need(c, "make ci-vm-cell KERNEL=${{ matrix.kernel }} "
         "ARCH=${{ matrix.arch }}" in runs["suite"] and "UPLOAD build/ci/" in runs["suite"], path,
         "suite: make ci-vm-cell per cell, its build/ci uploaded")
    need(c, "make ci-report" in runs["report"], path,
         "report: make ci-report")
    need(c, "make bench-gate GATE_BASE=" in runs["gate"], path,
         "gate: make bench-gate")


def check_gitlab(c, path):
    doc = yaml.safe_load(open(path))
    need(c, doc.get("stages") == ["suite", "report", "gate"], path,
         "stages: suite, report, gate")
    for name in ("suite", "report", "gate"):
        need(c, isinstance(doc.get(name), dict), path, "no job '%s'" % name)
    if c.errors:
        return
    mat = (doc["suite"].get("parallel") or {}).get("matrix") or [{}]
    need(c, set(map(str, mat[0].get("KERNEL", []))) == KERNELS and
         set(mat[0].get("ARCH", [])) == ARCHES, path,
         "suite: parallel: matrix of KERNEL %s x ARCH %s" % (KERNELS, ARCHES))
    need(c, "build/ci/" in doc["suite"].get("artifacts", {}).get("paths", []),
         path, "suite: build/ci/ as an artifact")
    needs = doc["report"].get("needs") or []
    need(c, any((n == "suite" or (isinstance(n, dict) and
                                  n.get("job") == "suite")) for n in needs),
         path, "report: needs suite")
    need(c, "merge_request" in str(doc["gate"].get("rules", "")), path,
         "gate: on merge requests only")
    texts = {}
    jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and
            ("script" in v or k == "default")}
    for jname, job in jobs.items():
        lines = (job.get("script") or []) + (job.get("before_script") or [])
        need(c, lines or jname == "default", path, jname + ": script")
        for line in lines:
            need(c, isinstance(line, str), path, jname + ": script lines")
            c.script("%s: %s" % (path, jname), line)
        texts[jname] = "\n".join(lines)
    need(c, "make ci-vm-cell KERNEL=$KERNEL ARCH=$ARCH" in texts["suite"],
         path, "suite: make ci-vm-cell per cell")
    need(c, "make ci-report" in texts["report"], path,
         "report: make ci-report")
    need(c, "make bench-gate GATE_BASE=" in texts["gate"], path,
         "gate: make bench-gate")


def planted(c):
    """Each kind of mistake is found."""
    probes = ["make no-such-target", "build/boxcheck no-such-command",
              "build/boxcheck report --no-such-option x.json",
              "ci/install-deps.sh no-such-group", "curl -o x http://x",
              "ci/no-such-script.sh"]
    for p in probes:
        before = len(c.errors)
        c.script("planted", p)
        if len(c.errors) == before:
            return "a planted mistake was not found: " + p
        del c.errors[before:]
    return None


def main():
    bin, github, gitlab = sys.argv[1:4]
    c = Checker(bin)
    need(c, c.targets and c.cmds and c.groups, "setup",
         "no make targets, boxcheck commands or groups found")
    why = planted(c)
    if why:
        c.bad("self-test", why)
    check_github(c, github)
    check_gitlab(c, gitlab)
    for e in c.errors:
        print("ci-templates: " + e, file=sys.stderr)
    if c.errors:
        return 1
    print("ci-templates: ok: %s and %s parse, run the suite as %d kernels x "
          "%d arches, merge with make ci-report, gate pull/merge requests; "
          "every make target, boxcheck command and option, group and script "
          "they call exists" % (github, gitlab, len(KERNELS), len(ARCHES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
