"""Proof that the deployment checks catch what they claim to catch.

    python3 selftest.py new-required-key --base FILE --overlay FILE
    python3 selftest.py seeded-faults    --base FILE --overlay FILE

new-required-key: copies Shared/ and Services/ to a temporary folder, adds a source file in
which a service (costs) reads a new required variable, and asserts that the compose check and
the Kubernetes check (base and overlay) fail for that service and that variable, and for no
other; then the same with the read placed in the portal, and in Shared/ (every service gains
it, the portal does not); then the same through the `--print-config-keys` path, with stand-in
executables.

seeded-faults: applies one fault at a time to the parsed compose file, to the rendered
manifests (a wrong port, a probe path, a writable root, an autoscaler beyond the partitions,
a network rule reaching another service's database, a second portal replica, ...), to what the
image is built from (a minting tool in the Dockerfile's list, a signer in ias-admin) and to the
README's configuration tables, and asserts that a check reports it.
"""
from __future__ import annotations

import argparse
import copy
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import config_keys  # noqa: E402
import deploy_checks as checks  # noqa: E402

PROBE_KEY = "IAS_DEPLOY_CHECK_PROBE"
# No key is required by the code today (IAS_JWT_SECRET became optional with the identity
# provider's keys), so the faults about required secrets are seeded on IAS_DATABASE_URL read
# as required, as a service reading a required secret would: the rule stays proven.
STRICT_KEY = "IAS_DATABASE_URL"


def copy_sources(root: Path, target: Path) -> None:
    for part in ("Shared", "Services"):
        shutil.copytree(root / part, target / part, ignore=shutil.ignore_patterns(".build", "*.o"))


def all_env_problems(compose: dict, base: list, overlay: list, facts: checks.CodeFacts) -> list[str]:
    problems, _ = checks.compose_env_problems(compose, facts)
    for label, docs in (("base", base), ("overlay", overlay)):
        found, _ = checks.k8s_env_problems(checks.Manifests(docs), facts, label)
        problems += found
    return problems


def expect_flagged(problems: list[str], services: list[str], failures: list[str], case: str) -> None:
    mentioning = [p for p in problems if PROBE_KEY in p]
    for target in ("compose", "base", "overlay"):
        for svc in services:
            marker = f"`{svc}`" if target == "compose" else f"ias-{svc}"
            hits = [p for p in mentioning if marker in p and (p.startswith(target) if target != "compose" else p.startswith("compose"))]
            if not hits:
                failures.append(f"{case}: the {target} check did not report {PROBE_KEY} for {svc}")
    others = [s for s in checks.DEPLOYED if s not in services]
    for problem in mentioning:
        for svc in others:
            if f"`{svc}`" in problem or f"ias-{svc} " in problem:
                failures.append(f"{case}: {svc} was reported although it does not read {PROBE_KEY}: {problem}")


def new_required_key(root: Path, compose: dict, base: list, overlay: list) -> tuple[list[str], str]:
    failures: list[str] = []
    baseline = checks.read_code_facts(root, config_keys.scan_sources(root))
    if any(PROBE_KEY in p for p in all_env_problems(compose, base, overlay, baseline)):
        failures.append(f"{PROBE_KEY} is reported before it is injected")
    injection = ("import IASRuntime\n\n"
                 "// Injected by deploy/checks/selftest.py into a temporary copy; never committed.\n"
                 "func deployCheckProbe(_ reader: ConfigurationReader) -> String {\n"
                 f"    reader.required(\"{PROBE_KEY}\", hint: \"a variable the deployment does not set\")\n"
                 "}\n")
    cases = (("a service gains it", Path("Services/Costs/Sources/DeployCheckProbe.swift"), ["costs"]),
             ("the portal gains it", Path("Services/Portal/Sources/DeployCheckProbe.swift"), [checks.PORTAL]),
             ("the shared library gains it", Path("Shared/ServiceKit/DeployCheckProbe.swift"), list(checks.SERVICES)))
    for case, relative, services in cases:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp)
            copy_sources(root, copy)
            (copy / relative).write_text(injection)
            executables = config_keys.scan_sources(copy)
            for svc in services:
                key = executables[f"ias-{svc}"].keys.get(PROBE_KEY)
                if key is None or not key.required:
                    failures.append(f"{case}: the source scan did not find the required {PROBE_KEY} for {svc}")
            facts = checks.read_code_facts(copy, executables)
            expect_flagged(all_env_problems(compose, base, overlay, facts), services, failures, case)

    # The same through `--print-config-keys`: stand-in executables print the keys of the scan,
    # and ias-costs one more.
    with tempfile.TemporaryDirectory() as tmp:
        bin_dir = Path(tmp)
        for name, exe in baseline.executables.items():
            if not exe.exists:
                continue
            lines = [k.name if k.required else f"{k.name}={k.default or ''}" for k in exe.keys.values()]
            if name == "ias-costs":
                lines.append(PROBE_KEY)
            script = bin_dir / name
            script.write_text("#!/bin/sh\n[ \"$1\" = --print-config-keys ] || exit 2\ncat <<'KEYS'\n" + "\n".join(lines) + "\nKEYS\n")
            script.chmod(script.stat().st_mode | stat.S_IXUSR)
        executables = config_keys.keys_from_binaries(bin_dir)
        for name, exe in baseline.executables.items():
            if exe.exists and set(executables[name].keys) - {PROBE_KEY} != set(exe.keys):
                failures.append(f"--print-config-keys: {name} keys differ from the source scan")
        facts = checks.read_code_facts(root, executables)
        expect_flagged(all_env_problems(compose, base, overlay, facts), ["costs"], failures, "--print-config-keys")
    return failures, (f"a new required {PROBE_KEY} (in costs, in the portal, in Shared/, via --print-config-keys) fails compose "
                      "and manifests")


# ---------------------------------------------------------------------------- seeded faults

def _deployment(docs: list, name: str) -> dict:
    return next(d for d in docs if d.get("kind") == "Deployment" and d["metadata"]["name"] == name)


def _container(docs: list, name: str) -> dict:
    return _deployment(docs, name)["spec"]["template"]["spec"]["containers"][0]


def _named(docs: list, kind: str, name: str) -> dict:
    return next(d for d in docs if d.get("kind") == kind and d["metadata"]["name"] == name)


def _config_map(docs: list) -> dict:
    return next(d for d in docs if d.get("kind") == "ConfigMap" and d["metadata"]["name"].startswith("ias-config"))


def _portal_config(docs: list) -> dict:
    return next(d for d in docs if d.get("kind") == "ConfigMap" and d["metadata"]["name"].startswith("ias-portal-config"))


def _portal_egress(docs: list, port: int) -> dict:
    return next(r for r in _named(docs, "NetworkPolicy", "ias-portal")["spec"]["egress"]
                if any(p.get("port") == port for p in r.get("ports", [])))


def _env_item(container: dict, name: str) -> dict:
    return next(e for e in container["env"] if e["name"] == name)


def _db_rule(policy: dict) -> dict:
    return next(r for r in policy["spec"]["egress"] if any(p.get("port") == checks.DB_PORT for p in r.get("ports", [])))


def _set(path_fn, value):
    def mutate(doc):
        target, key = path_fn(doc)
        target[key] = value
    return mutate


COMPOSE_FAULTS = [
    ("compose lacks a key with a default", "compose-env", "IAS_SHUTDOWN_SECONDS",
     lambda c: c["services"]["intake"]["environment"].pop("IAS_SHUTDOWN_SECONDS")),
    ("a required secret may be empty", "compose-env", "may be empty",
     lambda c: c["services"]["plan"]["environment"].__setitem__(STRICT_KEY, "${IAS_PLAN_DATABASE_URL}")),
    ("a misspelt variable", "compose-env", "IAS_KAFKA_BROKER,",
     lambda c: c["services"]["costs"]["environment"].__setitem__("IAS_KAFKA_BROKER", "kafka:9092")),
    ("a published port that is not the service's", "compose-config", "publishes",
     lambda c: c["services"]["intake"].__setitem__("ports", ["8091:8091"])),
    ("IAS_HTTP_PORT differs from the code", "compose-config", "IAS_HTTP_PORT=9999",
     lambda c: c["services"]["assessment"]["environment"].__setitem__("IAS_HTTP_PORT", "9999")),
    ("start order not by health", "compose-config", "condition service_healthy",
     lambda c: c["services"]["plan"]["depends_on"]["postgres"].__setitem__("condition", "service_started")),
    ("services start before the topics exist", "compose-config", "service_completed_successfully",
     lambda c: c["services"]["costs"]["depends_on"].pop("topics")),
    ("a health check on the wrong path", "compose-config", "does not ask /readyz",
     lambda c: c["services"]["coordination"]["healthcheck"].__setitem__(
         "test", [str(x).replace("/readyz", "/ready") for x in c["services"]["coordination"]["healthcheck"]["test"]])),
    ("stop grace shorter than the shutdown bound", "compose-config", "stop_grace_period",
     lambda c: c["services"]["intake"].__setitem__("stop_grace_period", "5s")),
    ("a service uses another's database role", "compose-config", "connects as ias_intake",
     lambda c: c["services"]["plan"]["environment"].__setitem__(
         "IAS_DATABASE_URL", "postgresql://ias_intake:x@postgres:5432/ias_intake")),
    ("partitions differ from the topics job", "compose-config", "PARTITIONS",
     lambda c: c["services"]["costs"]["environment"].__setitem__("IAS_KAFKA_TOPIC_PARTITIONS", "12")),
    ("the partner simulator always starts", "compose-config", "optional profile",
     lambda c: c["services"]["partner-simulator"].pop("profiles")),
    ("Kafka with ZooKeeper", "compose-config", "KRaft",
     lambda c: c["services"]["kafka"]["environment"].__setitem__("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181")),
    ("services start before their Kafka users exist", "compose-config", "must wait for kafka-users",
     lambda c: c["services"]["plan"]["depends_on"].pop("kafka-users")),
    ("two services share a Kafka user", "compose-config", "share the Kafka user ias-intake",
     lambda c: c["services"]["assessment"]["environment"].__setitem__("IAS_KAFKA_SASL_USERNAME", "ias-intake")),
    ("a service reads another's Kafka password", "compose-config", "read the same Kafka password",
     lambda c: c["services"]["costs"]["secrets"][0].__setitem__("source", "kafka_ias_plan_password")),
    ("the portal calls plan at costs' address", "compose-config", "IAS_PORTAL_PLAN_URL calls costs:8084",
     lambda c: c["services"]["portal"]["environment"].__setitem__("IAS_PORTAL_PLAN_URL", "http://costs:8084")),
    ("the portal starts before coordination is healthy", "compose-config", "must wait for coordination",
     lambda c: c["services"]["portal"]["depends_on"].pop("coordination")),
    ("the portal's health check on a path it does not serve", "compose-config", "does not ask /healthz",
     lambda c: c["services"]["portal"]["healthcheck"].__setitem__(
         "test", [str(x).replace("/healthz", "/health") for x in c["services"]["portal"]["healthcheck"]["test"]])),
    ("the portal given a database", "compose-env", "IAS_DATABASE_URL, which ias-portal does not read",
     lambda c: c["services"]["portal"]["environment"].__setitem__("IAS_DATABASE_URL", "postgresql://ias_intake:x@postgres/ias_intake")),
]

MANIFEST_FAULTS = [
    ("a ConfigMap key missing", "k8s-env", "IAS_LOG_LEVEL",
     lambda d: _config_map(d)["data"].pop("IAS_LOG_LEVEL")),
    ("a required secret made optional", "k8s-env", "required but",
     lambda d: next(e for e in _container(d, "ias-costs")["env"] if e["name"] == STRICT_KEY)
     ["valueFrom"]["secretKeyRef"].__setitem__("optional", True)),
    ("a misspelt variable", "k8s-env", "IAS_OUTBOX_BATCHSIZE",
     lambda d: _container(d, "ias-plan")["env"].append({"name": "IAS_OUTBOX_BATCHSIZE", "value": "10"})),
    ("readiness on the wrong path", "k8s-workloads", "readinessProbe",
     lambda d: _container(d, "ias-plan")["readinessProbe"]["httpGet"].__setitem__("path", "/ready")),
    ("liveness on readiness", "k8s-workloads", "livenessProbe",
     lambda d: _container(d, "ias-intake")["livenessProbe"]["httpGet"].__setitem__("path", "/readyz")),
    ("a container port that is not the service's", "k8s-workloads", "declares port",
     lambda d: _container(d, "ias-costs")["ports"][0].__setitem__("containerPort", 9000)),
    ("a writable root file system", "k8s-workloads", "read-only",
     lambda d: _container(d, "ias-assessment")["securityContext"].__setitem__("readOnlyRootFilesystem", False)),
    ("root", "k8s-workloads", "runs as root",
     lambda d: _deployment(d, "ias-coordination")["spec"]["template"]["spec"]["securityContext"].__setitem__("runAsUser", 0)),
    ("no memory limit", "k8s-workloads", "limits.memory",
     lambda d: _container(d, "ias-intake")["resources"]["limits"].pop("memory")),
    ("grace shorter than preStop + shutdown bound", "k8s-workloads", "terminationGracePeriodSeconds",
     lambda d: _deployment(d, "ias-plan")["spec"]["template"]["spec"].__setitem__("terminationGracePeriodSeconds", 12)),
    ("an autoscaler beyond the partitions", "k8s-workloads", "partitions",
     lambda d: _named(d, "HorizontalPodAutoscaler", "ias-costs")["spec"].__setitem__("maxReplicas", 12)),
    ("no disruption budget", "k8s-workloads", "PodDisruptionBudget",
     lambda d: d.remove(_named(d, "PodDisruptionBudget", "ias-intake"))),
    ("not scraped", "k8s-workloads", "prometheus.io/scrape",
     lambda d: _deployment(d, "ias-costs")["spec"]["template"]["metadata"]["annotations"].pop("prometheus.io/scrape")),
    ("an alert on a metric nobody exports", "k8s-workloads", "do not export",
     lambda d: _named(d, "PrometheusRule", "ias-alerts")["spec"]["groups"][0]["rules"][0].__setitem__(
         "expr", "ias_outbox_backlogg > 1")),
    ("a network rule to another service's database", "k8s-network", "ias-plan",
     lambda d: _db_rule(_named(d, "NetworkPolicy", "ias-plan"))["to"][0]["podSelector"]["matchLabels"].__setitem__(
         "cnpg.io/cluster", "ias-intake")),
    ("a database rule open to a whole namespace", "k8s-network", "every pod of a namespace",
     lambda d: _db_rule(_named(d, "NetworkPolicy", "ias-costs"))["to"][0].pop("podSelector")),
    ("an egress rule open to everything", "k8s-network", "open to any",
     lambda d: _named(d, "NetworkPolicy", "ias-costs")["spec"]["egress"].append({})),
    ("coordination's rule for plan's port opens costs' pods", "k8s-network", "other than the pods of ias-plan",
     lambda d: next(r for r in _named(d, "NetworkPolicy", "ias-coordination")["spec"]["egress"]
                    if r["ports"][0]["port"] == 8083)["to"][0]["podSelector"]["matchLabels"].__setitem__("app.kubernetes.io/name", "ias-costs")),
    ("another service reaches a service's HTTP port", "k8s-network", "neither DNS, its database nor the brokers",
     lambda d: _named(d, "NetworkPolicy", "ias-plan")["spec"]["egress"].append(
         {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "ias-intake"}}}], "ports": [{"protocol": "TCP", "port": 8081}]})),
    ("no default deny", "k8s-network", "default-deny",
     lambda d: d.remove(_named(d, "NetworkPolicy", "ias-default-deny"))),
    ("a service without its Kafka user", "k8s-workloads", "connects to Kafka as ias-plan",
     lambda d: next(e for e in _container(d, "ias-costs")["env"] if e["name"] == "IAS_KAFKA_SASL_USERNAME").__setitem__("value", "ias-plan")),
    ("a service mounts another's Kafka password", "k8s-workloads", "read the same Kafka password",
     lambda d: next(v for v in _deployment(d, "ias-intake")["spec"]["template"]["spec"]["volumes"] if v["name"] == "kafka-password")
     ["secret"].__setitem__("secretName", "ias-plan-kafka")),
    ("no Job for the Kafka users", "k8s-workloads", "no Job ias-kafka-users",
     lambda d: d.remove(_named(d, "Job", "ias-kafka-users"))),
    ("a portal setting missing", "k8s-env", "IAS_PORTAL_SESSION_SECONDS",
     lambda d: _portal_config(d)["data"].pop("IAS_PORTAL_SESSION_SECONDS")),
    ("three portal replicas, sessions in memory", "k8s-workloads", "exactly one replica",
     lambda d: _deployment(d, "ias-portal")["spec"].__setitem__("replicas", 3)),
    ("the portal autoscaled", "k8s-workloads", "exactly one replica",
     lambda d: d.append({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "ias-portal"},
                         "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "ias-portal"}, "minReplicas": 1, "maxReplicas": 3}})),
    ("the portal calls plan at costs' Service", "k8s-workloads", "IAS_PORTAL_PLAN_URL calls ias-costs",
     lambda d: _portal_config(d)["data"].__setitem__("IAS_PORTAL_PLAN_URL", "http://ias-costs:8084")),
    ("the portal's liveness on readiness", "k8s-workloads", "livenessProbe",
     lambda d: _container(d, "ias-portal")["livenessProbe"]["httpGet"].__setitem__("path", "/readyz")),
    ("the portal reaches a database", "k8s-network", "no service's HTTP port",
     lambda d: _named(d, "NetworkPolicy", "ias-portal")["spec"]["egress"].append(
         {"to": [{"namespaceSelector": {"matchLabels": {"ias/role": "databases"}}}], "ports": [{"protocol": "TCP", "port": 5432}]})),
    ("the portal's rule for plan opens costs' pods", "k8s-network", "other than the pods of ias-plan",
     lambda d: _portal_egress(d, 8083)["to"][0]["podSelector"]["matchLabels"].__setitem__("app.kubernetes.io/name", "ias-costs")),
]


def _jwks_mount(docs: list, name: str) -> dict:
    return next(m for m in _container(docs, name)["volumeMounts"] if m["name"] == "jwks")


def _jwks_volume(docs: list, name: str) -> dict:
    return next(v for v in _deployment(docs, name)["spec"]["template"]["spec"]["volumes"] if v["name"] == "jwks")


def _replace_volume(volume: dict, replacement: dict) -> None:
    volume.clear()
    volume.update(replacement)


# Faults in the production form of identity: (docker-compose.yml, deploy/compose.idp.yml, overlay).
IDENTITY_FAULTS = [
    ("the JWKS file mounted by subPath", "single file",
     lambda c, i, d: _jwks_mount(d, "ias-intake").update({"mountPath": "/etc/ias/jwks/jwks.json", "subPath": "jwks.json"})),
    ("an HS256 secret from a Secret in production", "accepts no HS256 secret",
     lambda c, i, d: _container(d, "ias-costs")["env"].append(
         {"name": "IAS_JWT_SECRET", "valueFrom": {"secretKeyRef": {"name": "ias-jwt", "key": "secret"}}})),
    ("the overlay runs as development", "not production",
     lambda c, i, d: _config_map(d)["data"].__setitem__("IAS_ENVIRONMENT", "development")),
    ("no issuer in the overlay", "IAS_JWT_ISSUER is empty",
     lambda c, i, d: _config_map(d)["data"].__setitem__("IAS_JWT_ISSUER", "")),
    ("the JWKS directory is not a ConfigMap", "not a ConfigMap volume",
     lambda c, i, d: _replace_volume(_jwks_volume(d, "ias-plan"), {"name": "jwks", "emptyDir": {}})),
    ("the JWKS ConfigMap is optional", "optional",
     lambda c, i, d: _jwks_volume(d, "ias-assessment")["configMap"].__setitem__("optional", True)),
    ("compose.idp.yml bind-mounts the file itself", "single file",
     lambda c, i, d: i["services"]["intake"].__setitem__("volumes", ["./jwks/jwks.json:/etc/ias/jwks/jwks.json:ro"])),
    ("compose.idp.yml keeps the HS256 secret", "accepts no HS256 secret",
     lambda c, i, d: i["services"]["costs"].__setitem__(
         "environment", {**i["services"]["costs"]["environment"], "IAS_JWT_SECRET": "${IAS_JWT_SECRET}"})),
    ("compose.idp.yml without a sure audience", "may be empty",
     lambda c, i, d: i["services"]["plan"].__setitem__(
         "environment", {**i["services"]["plan"]["environment"], "IAS_JWT_AUDIENCE": "${IAS_JWT_AUDIENCE}"})),
    ("the compose trial as production with its secret", "only development accepts HS256",
     lambda c, i, d: c["services"]["coordination"]["environment"].__setitem__("IAS_ENVIRONMENT", "production")),
    ("the development sign-in in compose", "IAS_PORTAL_DEV_USERS_FILE is set",
     lambda c, i, d: c["services"]["portal"]["environment"].__setitem__("IAS_PORTAL_DEV_USERS_FILE", "/run/secrets/users")),
    ("the development sign-in in the cluster", "IAS_PORTAL_DEV_USERS_FILE is set",
     lambda c, i, d: _portal_config(d)["data"].__setitem__("IAS_PORTAL_DEV_USERS_FILE", "/etc/ias/users.json")),
    ("the portal with a roles claim of its own", "accept exactly the tokens the services accept",
     lambda c, i, d: _container(d, "ias-portal")["env"].append({"name": "IAS_JWT_ROLES_CLAIM", "value": "roles"})),
    ("compose.idp.yml: the portal's cookie without Secure", "IAS_PORTAL_SECURE_COOKIES is false",
     lambda c, i, d: i["services"]["portal"]["environment"].__setitem__("IAS_PORTAL_SECURE_COOKIES", "false")),
    ("compose.idp.yml: no origin for the portal", "IAS_PORTAL_PUBLIC_ORIGIN may be empty",
     lambda c, i, d: i["services"]["portal"]["environment"].__setitem__("IAS_PORTAL_PUBLIC_ORIGIN", "${IAS_PORTAL_PUBLIC_ORIGIN}")),
    ("compose.idp.yml: no proxy in front of the portal", "no oauth2-proxy",
     lambda c, i, d: i["services"].pop("oauth2-proxy")),
    ("compose.idp.yml: the proxy forwards elsewhere", "OAUTH2_PROXY_UPSTREAMS",
     lambda c, i, d: i["services"]["oauth2-proxy"]["environment"].__setitem__("OAUTH2_PROXY_UPSTREAMS", "http://intake:8081/")),
    ("the proxy keeps the user's token to itself", "OAUTH2_PROXY_PASS_ACCESS_TOKEN",
     lambda c, i, d: _env_item(_container(d, "ias-portal-proxy"), "OAUTH2_PROXY_PASS_ACCESS_TOKEN").__setitem__("value", "false")),
    ("the proxy signs in at another issuer", "OAUTH2_PROXY_OIDC_ISSUER_URL",
     lambda c, i, d: _env_item(_container(d, "ias-portal-proxy"), "OAUTH2_PROXY_OIDC_ISSUER_URL").__setitem__(
         "value", "https://login.example.ch/realms/other")),
    ("the Ingress leads around the sign-in", "around the sign-in",
     lambda c, i, d: _named(d, "Ingress", "ias-portal")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
     .__setitem__("name", "ias-portal")),
]


# Faults in what the image is built from: (dockerfile, Package.swift, {path: Swift source}).
def _with_source(path: str, text: str):
    def mutate(inputs):
        inputs[2][path] = text
    return mutate


def _replace(index: int, old: str, new: str):
    def mutate(inputs):
        if old not in inputs[index]:
            raise ValueError(f"{old!r} not found")
        inputs[index] = inputs[index].replace(old, new, 1)
    return mutate


IMAGE_FAULTS = [
    ("ias-token in the image's list", "ias-token, which mints tokens",
     _replace(0, "ias-partner-simulator; do", "ias-partner-simulator ias-token; do")),
    ("every executable of the build copied by a glob", "beyond the explicit list",
     _replace(0, 'cp -R "$bin"/*.resources', 'cp "$bin"/ias-* /staging/app/bin/; cp -R "$bin"/*.resources')),
    ("ias-admin links the signer", "ias-admin depends on IASTokenSigning",
     _replace(1, 'name: "ias-admin", dependencies: [', 'name: "ias-admin", dependencies: ["IASTokenSigning", ')),
    ("ias-admin links the tests' support, which carries the signer", "ias-admin depends on TestSupport",
     _replace(1, 'name: "ias-admin", dependencies: [', 'name: "ias-admin", dependencies: ["TestSupport", ')),
    ("ias-admin mints with HMACSHA256 itself", "uses HMACSHA256",
     _with_source("Services/Tools/Admin/MintCommand.swift", "import IASAuth\nlet mac = HMACSHA256.authenticationCode\n")),
    ("a signer declared in a library of the image", "declares JWTSigner outside",
     _with_source("Shared/Auth/JWTSigner.swift", "public struct JWTSigner {}\n")),
    ("the portal left out of the image", "does not copy ias-portal",
     _replace(0, " ias-portal ias-admin", " ias-admin")),
    ("the portal signs tokens itself", "ias-portal is in the image but uses JWTSigner",
     _with_source("Services/Portal/Sources/Mint.swift", "import IASAuth\nlet signer = JWTSigner()\n")),
]


# Faults in the README's configuration tables (config-docs).
def _readme_replace(old: str, new: str):
    def mutate(text: str) -> str:
        if old not in text:
            raise ValueError(f"{old!r} not found")
        return text.replace(old, new, 1)
    return mutate


DOCS_FAULTS = [
    ("a key the portal reads left out of the README", "IAS_PORTAL_SESSION_IDLE_SECONDS is not documented",
     _readme_replace("| `IAS_PORTAL_SESSION_IDLE_SECONDS` |", "| `IAS_PORTAL_SESSION_IDLE` |")),
    ("a documented key nothing reads", "IAS_PORTAL_THEME is documented, but no executable reads it",
     _readme_replace("| `IAS_PORTAL_SESSION_SECONDS` |", "| `IAS_PORTAL_THEME` | `light` | colours |\n| `IAS_PORTAL_SESSION_SECONDS` |")),
    ("a documented default the code does not have", "the default of IAS_PORTAL_SESSION_SECONDS",
     _readme_replace("| `IAS_PORTAL_SESSION_SECONDS` | 28800 |", "| `IAS_PORTAL_SESSION_SECONDS` | 3600 |")),
    ("a service's key left out of the README", "IAS_AUDIT_RETENTION_DAYS is not documented",
     _readme_replace("| coordination | `IAS_AUDIT_RETENTION_DAYS` |", "| coordination | audit retention |")),
]


def seeded_faults(root: Path, compose: dict, overlay: list) -> tuple[list[str], str]:
    failures: list[str] = []
    facts = checks.read_code_facts(root, config_keys.scan_sources(root))
    strict = copy.deepcopy(facts)
    for exe in strict.executables.values():
        if STRICT_KEY in exe.keys:
            exe.keys[STRICT_KEY].required = True
    run = {
        "compose-env": lambda c: checks.compose_env_problems(c, strict)[0],
        "compose-config": lambda c: checks.compose_config_problems(c, facts, root)[0],
        "k8s-env": lambda d: checks.k8s_env_problems(checks.Manifests(d), strict, "overlay")[0],
        "k8s-workloads": lambda d: checks.k8s_workload_problems(checks.Manifests(d), facts, "overlay", True)[0],
        "k8s-network": lambda d: checks.k8s_network_problems(checks.Manifests(d), facts, "overlay")[0],
    }
    count = 0
    for faults, original in ((COMPOSE_FAULTS, compose), (MANIFEST_FAULTS, overlay)):
        for description, check, expected, mutate in faults:
            count += 1
            before = set(run[check](copy.deepcopy(original)))
            changed = copy.deepcopy(original)
            try:
                mutate(changed)
            except (KeyError, StopIteration, IndexError, ValueError) as error:
                failures.append(f"{description}: cannot seed the fault ({error!r}); the inputs changed shape")
                continue
            new = [p for p in run[check](changed) if p not in before]
            if not any(expected in p for p in new):
                failures.append(f"{description}: {check} did not report it (expected a problem with {expected!r}; got {new})")
    idp = yaml.safe_load(open(root / "deploy" / "compose.idp.yml"))
    identity = lambda c, i, d: checks.identity_problems(c, i, [("overlay", checks.Manifests(d))], facts)[0]  # noqa: E731
    before = set(identity(compose, idp, overlay))
    for description, expected, mutate in IDENTITY_FAULTS:
        count += 1
        changed = (copy.deepcopy(compose), copy.deepcopy(idp), copy.deepcopy(overlay))
        try:
            mutate(*changed)
        except (KeyError, StopIteration, IndexError, ValueError) as error:
            failures.append(f"{description}: cannot seed the fault ({error!r}); the inputs changed shape")
            continue
        new = [p for p in identity(*changed) if p not in before]
        if not any(expected in p for p in new):
            failures.append(f"{description}: identity-config did not report it (expected a problem with {expected!r}; got {new})")
    image_inputs = [(root / "deploy" / "Dockerfile").read_text(), (root / "Package.swift").read_text(), checks.swift_sources(root)]
    before = set(checks.image_tools_problems(*image_inputs)[0])
    for description, expected, mutate in IMAGE_FAULTS:
        count += 1
        changed = [image_inputs[0], image_inputs[1], dict(image_inputs[2])]
        try:
            mutate(changed)
        except ValueError as error:
            failures.append(f"{description}: cannot seed the fault ({error}); the inputs changed shape")
            continue
        new = [p for p in checks.image_tools_problems(*changed)[0] if p not in before]
        if not any(expected in p for p in new):
            failures.append(f"{description}: image-tools did not report it (expected a problem with {expected!r}; got {new})")
    readme = (root / "README.md").read_text()
    before = set(checks.config_docs_problems(readme, facts)[0])
    for description, expected, mutate in DOCS_FAULTS:
        count += 1
        try:
            changed = mutate(readme)
        except ValueError as error:
            failures.append(f"{description}: cannot seed the fault ({error}); the inputs changed shape")
            continue
        new = [p for p in checks.config_docs_problems(changed, facts)[0] if p not in before]
        if not any(expected in p for p in new):
            failures.append(f"{description}: config-docs did not report it (expected a problem with {expected!r}; got {new})")
    return failures, f"{count} seeded faults, each reported by its check"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=["new-required-key", "seeded-faults"])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--base", required=True)
    parser.add_argument("--overlay", required=True)
    args = parser.parse_args()
    os.environ.pop("IAS_CONFIG_KEYS_FROM_BINARIES", None)
    root = Path(args.root)
    compose = yaml.safe_load(open(root / "docker-compose.yml"))
    base = checks.load_yaml_documents(Path(args.base))
    overlay = checks.load_yaml_documents(Path(args.overlay))
    if args.case == "new-required-key":
        failures, summary = new_required_key(root, compose, base, overlay)
    else:
        failures, summary = seeded_faults(root, compose, overlay)
    for failure in failures:
        print("  - " + failure, file=sys.stderr)
    print(summary if not failures else f"{len(failures)} expectation(s) not met, first: {failures[0][:140]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
