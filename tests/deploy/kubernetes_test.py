#!/usr/bin/env python3
"""Checks the Kubernetes base in deploy/kubernetes.

Builds it with `kubectl kustomize`, parses every manifest and checks the invariants
docs/operations.md promises against the daemon's own config (the sieve.yaml that the
ConfigMap carries, validated with `sievectl config check`) and the Prometheus rules.

Usage: kubernetes_test.py PROJECT_DIR SIEVECTL
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

PROJECT, SIEVECTL = sys.argv[1], sys.argv[2]
BASE = os.path.join(PROJECT, "deploy", "kubernetes")


def duration_seconds(text):
    match = re.fullmatch(r"(\d+)(ms|s|m|h)", str(text))
    assert match, f"unsupported duration {text!r}"
    return int(match[1]) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match[2]]


def build():
    out = subprocess.run(["kubectl", "kustomize", BASE], check=True, capture_output=True,
                         text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


class KubernetesBase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = build()
        cls.by_kind = {}
        for doc in cls.docs:
            cls.by_kind.setdefault(doc["kind"], []).append(doc)
        cls.sts = cls.one("StatefulSet")
        cls.pod = cls.sts["spec"]["template"]["spec"]
        cls.sieved = next(c for c in cls.pod["containers"] if c["name"] == "sieved")
        cls.config_map = cls.one("ConfigMap")
        cls.config = yaml.safe_load(cls.config_map["data"]["sieve.yaml"])
        cls.mounts = {m["mountPath"]: m for m in cls.sieved["volumeMounts"]}
        cls.volumes = {v["name"]: v for v in cls.pod["volumes"]}

    @classmethod
    def one(cls, kind):
        docs = cls.by_kind.get(kind, [])
        assert len(docs) == 1, f"expected one {kind}, found {len(docs)}"
        return docs[0]

    def test_kinds(self):
        self.assertEqual(sorted(self.by_kind), sorted(
            ["ConfigMap", "PrometheusRule", "Service", "ServiceAccount", "ServiceMonitor",
             "StatefulSet"]))
        for doc in self.docs:
            self.assertIn("apiVersion", doc)
            self.assertTrue(doc["metadata"]["name"])

    def test_config_is_valid_for_the_daemon(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(self.config_map["data"]["sieve.yaml"])
            f.flush()
            run = subprocess.run([SIEVECTL, "config", "check", f.name], capture_output=True,
                                 text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_config_mounted_as_directory(self):
        args = self.sieved["command"] + self.sieved["args"]
        self.assertEqual(args[0], "/usr/bin/sieved")
        config_path = args[args.index("--config") + 1]
        mount = self.mounts[os.path.dirname(config_path)]
        self.assertNotIn("subPath", mount, "subPath mounts never see ConfigMap edits")
        volume = self.volumes[mount["name"]]
        self.assertEqual(volume["configMap"]["name"], self.config_map["metadata"]["name"])
        self.assertIn(os.path.basename(config_path), self.config_map["data"])
        # The reloader watches the same directory and the pods share a PID namespace.
        self.assertTrue(self.pod["shareProcessNamespace"])
        reloader = next(c for c in self.pod["containers"] if c["name"] == "config-reloader")
        script = " ".join(reloader["command"])
        self.assertIn(os.path.dirname(config_path) + "/..data", script)
        self.assertIn("kill -HUP", script)
        self.assertEqual(reloader["command"][:2], ["/bin/sh", "-c"])
        parse = subprocess.run(["sh", "-n", "-c", reloader["command"][2]], capture_output=True,
                               text=True)
        self.assertEqual(parse.returncode, 0, parse.stderr)
        self.assertTrue(any(m["mountPath"] == os.path.dirname(config_path) and "subPath" not in m
                            for m in reloader["volumeMounts"]))

    def test_config_reloader_signals_sieved_on_change(self):
        # Runs the reloader's script against a fake config directory and /proc whose
        # only "sieved" is a shell of ours that records SIGHUP.
        reloader = next(c for c in self.pod["containers"] if c["name"] == "config-reloader")
        with tempfile.TemporaryDirectory() as tmp:
            etc, proc, hups = f"{tmp}/etc", f"{tmp}/proc", f"{tmp}/hups"
            os.makedirs(f"{etc}/..2024_01")
            os.makedirs(f"{etc}/..2024_02")
            os.symlink("..2024_01", f"{etc}/..data")
            target = subprocess.Popen(
                ["sh", "-c", f'trap "echo hup >> {hups}" HUP; while :; do sleep 0.05; done'])
            os.makedirs(f"{proc}/{target.pid}")
            with open(f"{proc}/{target.pid}/comm", "w") as f:
                f.write("sieved\n")
            os.makedirs(f"{proc}/1")
            with open(f"{proc}/1/comm", "w") as f:
                f.write("pause\n")
            script = (reloader["command"][2].replace("/etc/sieve", etc)
                      .replace("/proc/", proc + "/").replace("sleep 5", "sleep 0.1"))
            watcher = subprocess.Popen(["sh", "-c", script], stdout=subprocess.DEVNULL)
            try:
                time.sleep(0.5)
                self.assertFalse(os.path.exists(hups), "signalled without a change")
                os.symlink("..2024_02", f"{etc}/..data.tmp")
                os.replace(f"{etc}/..data.tmp", f"{etc}/..data")  # what the kubelet does
                deadline = time.monotonic() + 10
                while not os.path.exists(hups) and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)
                with open(hups) as f:
                    self.assertEqual(f.read(), "hup\n", "exactly one SIGHUP per change")
            finally:
                watcher.kill()
                target.kill()
                watcher.wait()
                target.wait()

    def test_store_on_a_claim_per_pod(self):
        data_dir = self.config["daemon"]["data_dir"]
        mount = self.mounts[data_dir]
        self.assertFalse(mount.get("readOnly", False))
        claims = {t["metadata"]["name"]: t for t in self.sts["spec"]["volumeClaimTemplates"]}
        self.assertIn(mount["name"], claims)
        self.assertNotIn(mount["name"], self.volumes, "the store must not be a pod volume")
        self.assertEqual(claims[mount["name"]]["spec"]["accessModes"], ["ReadWriteOnce"])

    def test_admin_token_from_a_required_secret(self):
        token = self.config["daemon"]["admin_token_file"]
        mount = self.mounts[os.path.dirname(token)]
        secret = self.volumes[mount["name"]]["secret"]
        self.assertFalse(secret.get("optional", False), "sieved refuses to start without it")

    def test_ports_match_the_daemon(self):
        host, port = self.config["daemon"]["http"]["listen"].rsplit(":", 1)
        self.assertNotIn(host, ("127.0.0.1", "localhost"), "probes could not reach the pod")
        ports = {p["name"]: p["containerPort"] for p in self.sieved["ports"]}
        self.assertEqual(ports["http"], int(port))
        service = self.one("Service")
        self.assertEqual(service["spec"]["ports"][0]["targetPort"], "http")
        self.assertEqual(self.sts["spec"]["serviceName"], service["metadata"]["name"])
        self.assertEqual(service["spec"]["selector"],
                         self.sts["spec"]["template"]["metadata"]["labels"] |
                         service["spec"]["selector"])
        self.assertEqual(self.sts["spec"]["selector"]["matchLabels"], service["spec"]["selector"])

    def test_probes_on_the_daemon_paths(self):
        expected = {"startupProbe": "/healthz", "livenessProbe": "/healthz",
                    "readinessProbe": "/readyz"}
        for probe, path in expected.items():
            get = self.sieved[probe]["httpGet"]
            self.assertEqual(get["path"], path, probe)
            self.assertEqual(get["port"], "http", probe)

    def test_grace_period_covers_drain(self):
        shutdown = duration_seconds(self.config["daemon"]["shutdown_timeout"])
        pre_stop = self.sieved["lifecycle"]["preStop"]["exec"]["command"]
        self.assertEqual(pre_stop[0], "sleep")
        grace = self.pod["terminationGracePeriodSeconds"]
        self.assertGreaterEqual(grace, int(pre_stop[1]) + shutdown + 5)
        self.assertLessEqual(grace, int(pre_stop[1]) + shutdown + 30, "needlessly long")

    def test_resources_non_root_read_only(self):
        self.assertTrue(self.pod["securityContext"]["runAsNonRoot"])
        self.assertNotEqual(self.pod["securityContext"]["runAsUser"], 0)
        for container in self.pod["containers"]:
            resources = container["resources"]
            for kind in ("requests", "limits"):
                self.assertIn("cpu", resources[kind], container["name"])
                self.assertIn("memory", resources[kind], container["name"])
            context = container["securityContext"]
            self.assertTrue(context["readOnlyRootFilesystem"], container["name"])
            self.assertFalse(context["allowPrivilegeEscalation"], container["name"])
            self.assertEqual(context["capabilities"]["drop"], ["ALL"], container["name"])
        cpu_limit = float(self.sieved["resources"]["limits"]["cpu"])
        self.assertLessEqual(self.config["daemon"]["training_threads"], cpu_limit)

    def test_image_tag_is_the_project_version(self):
        with open(os.path.join(PROJECT, "CMakeLists.txt")) as f:
            version = re.search(r"project\(sieve VERSION ([0-9.]+)", f.read())[1]
        for container in self.pod["containers"]:
            self.assertEqual(container["image"], f"sieve:{version}")

    def test_service_monitor_scrapes_metrics(self):
        monitor = self.one("ServiceMonitor")
        service = self.one("Service")
        labels = service["metadata"]["labels"]
        for key, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(labels.get(key), value)
        endpoint = monitor["spec"]["endpoints"][0]
        self.assertEqual(endpoint["path"], "/metrics")
        self.assertIn(endpoint["port"], [p["name"] for p in service["spec"]["ports"]])
        # Alerts select job="sieved": the operator names the job after the Service.
        self.assertEqual(service["metadata"]["name"], "sieved")

    def test_prometheus_rule_matches_the_rules_file(self):
        with open(os.path.join(PROJECT, "deploy", "prometheus", "sieve-rules.yaml")) as f:
            rules = yaml.safe_load(f)
        self.assertEqual(self.one("PrometheusRule")["spec"]["groups"], rules["groups"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
