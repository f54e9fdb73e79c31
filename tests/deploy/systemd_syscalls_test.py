#!/usr/bin/env python3
"""The unit's system-call filter and address families allow what sieved uses.

Runs sieved (config/examples/quickstart.yaml on a free port, temp data dir) under
`strace -f -C` through start-up, ingest of generated records, a training, a config
reload and a SIGTERM drain, then checks each system call it made against the set the
unit's SystemCallFilter= lines allow (expanded with `systemd-analyze syscall-filter`).
A call outside the set would fail with EPERM under systemd (SystemCallErrorNumber=).
It also checks the address family of every socket() against RestrictAddressFamilies=,
and that no mapping is made writable and executable (MemoryDenyWriteExecute=).

Usage: systemd_syscalls_test.py UNIT PROJECT_DIR SIEVED SIEVE_GENERATE
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import yaml

UNIT, PROJECT, SIEVED, GENERATE = map(os.path.abspath, sys.argv[1:5])
TOKEN = "syscall-test-token"


def filter_groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter"], check=True, capture_output=True,
                         text=True).stdout
    groups, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.split()[0], set())
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.add(line.split()[0])
    return groups


def expand(names, groups):
    calls = set()
    for name in names:
        calls |= expand(groups[name], groups) if name.startswith("@") else {name}
    return calls


def allowed_calls():
    """The allow-list the unit's SystemCallFilter= lines build, in order."""
    groups = filter_groups()
    allowed = None
    with open(UNIT) as f:
        for line in f:
            match = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
            if not match:
                continue
            names = expand(match[2].split(), groups)
            if match[1]:
                allowed -= names
            else:
                allowed = names if allowed is None else allowed | names
    assert allowed, "the unit has no SystemCallFilter allow-list"
    return allowed


def allowed_families():
    with open(UNIT) as f:
        match = re.search(r"^RestrictAddressFamilies=(.*)$", f.read(), re.M)
    return set(match[1].split())


def request(url, body=None):
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    if body is not None:
        req.add_header("Authorization", f"Bearer {TOKEN}")
    with urllib.request.urlopen(req, timeout=5) as response:
        return response.status, response.read().decode()


class SystemCallFilter(unittest.TestCase):
    def test_filter_allows_what_sieved_calls(self):
        allowed = allowed_calls()
        self.assertNotIn("reboot", allowed)
        self.assertNotIn("setpriority", allowed)
        with tempfile.TemporaryDirectory() as tmp:
            with open(self.run_sieved(tmp)) as f:
                log, summary = f.read().split("% time", 1)
        rows = [line.split() for line in summary.splitlines()[2:] if line[:1] == " "]
        calls = {row[-1] for row in rows if row[-1] != "total"}
        self.assertTrue(calls & {"accept", "accept4"}, "the HTTP server was not traced")
        self.assertGreater(len(calls), 20, "strace saw too little")
        self.assertEqual(sorted(calls - allowed), [])
        # MemoryDenyWriteExecute=yes refuses these.
        self.assertIn("mmap(", log)
        self.assertEqual(re.findall(r"(?:pkey_)?mprotect\([^)]*PROT_EXEC[^)]*\)|"
                                    r"mmap\([^)]*PROT_WRITE\|PROT_EXEC[^)]*\)", log), [])
        families = set(re.findall(r"socket\((AF_[A-Z0-9]+)", log))
        self.assertIn("AF_INET", families)
        self.assertEqual(sorted(families - allowed_families()), [])

    def run_sieved(self, tmp):
        with open(os.path.join(PROJECT, "config", "examples", "quickstart.yaml")) as f:
            config = yaml.safe_load(f)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        with open(f"{tmp}/token", "w") as f:
            f.write(TOKEN)
        config["daemon"].update(data_dir=f"{tmp}/data", admin_token_file=f"{tmp}/token",
                                http={"listen": f"127.0.0.1:{port}"})
        pipeline = config["pipelines"][0]
        pipeline["schedule"] = {"every": "1h", "min_records": 1000}
        pipeline["selector"]["steps_per_round"] = 50
        with open(f"{tmp}/sieve.yaml", "w") as f:
            yaml.safe_dump(config, f)
        trace = f"{tmp}/trace"
        log = open(f"{tmp}/log", "w")
        strace = subprocess.Popen(["strace", "-f", "-qq", "-C", "-o", trace, SIEVED, "--config",
                                   f"{tmp}/sieve.yaml"], stdout=log, stderr=subprocess.STDOUT,
                                  cwd=tmp, env=dict(os.environ, OMP_NUM_THREADS="1"))
        try:
            bootstrap = f"{tmp}/data/embedded-bootstrap"
            self.wait(lambda: os.path.exists(bootstrap) and os.path.getsize(bootstrap), strace)
            with open(bootstrap) as f:
                brokers = f.read().strip()
            generate = subprocess.Popen([GENERATE, "--count", "2000"], stdout=subprocess.PIPE)
            subprocess.run(["kcat", "-P", "-b", brokers, "-t", pipeline["topic"]],
                           stdin=generate.stdout, check=True, timeout=30)
            generate.stdout.close()
            generate.wait(timeout=10)
            rows = re.compile(r'^sieve_window_rows\{[^}]*\} ([0-9.e+]+)$', re.M)

            def window():
                found = rows.search(request(f"{base}/metrics")[1])
                return found and float(found[1]) >= 1000
            self.wait(window, strace)
            url = f"{base}/v1/pipelines/{pipeline['name']}"
            self.assertEqual(request(f"{url}/retrain", b"{}")[0], 202)
            self.wait(lambda: re.search(r"^sieve_active_version\{.*\} [1-9]",
                                        request(f"{base}/metrics")[1], re.M), strace)
            self.assertEqual(request(f"{base}/v1/reload", b"{}")[0], 200)
            sieved = self.child_of(strace.pid)
            os.kill(sieved, 15)
            self.assertEqual(strace.wait(timeout=40), 0)
        finally:
            if strace.poll() is None:
                strace.kill()
                strace.wait()
            log.close()
        return trace

    @staticmethod
    def child_of(pid):
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return int(f.read().split()[0])

    @staticmethod
    def wait(condition, process, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if condition():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("sieved did not get there in time")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
