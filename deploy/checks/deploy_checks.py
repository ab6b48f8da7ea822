"""Checks of docker-compose.yml, the Kubernetes manifests and the image against the code.

    python3 deploy_checks.py CHECK [--root ROOT] [--base FILE] [--overlay FILE]

Each check prints what it found wrong to standard error, one summary line to standard output,
and exits 1 when anything is wrong. The checks are functions of parsed inputs (the key lists
from config_keys.py, the compose file, the rendered manifests), so that selftest.py can feed
them inputs with a seeded fault and prove that they notice it.
"""
from __future__ import annotations

import argparse
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import config_keys  # noqa: E402

SERVICES = config_keys.SERVICES
PORTAL = config_keys.PORTAL
# What is deployed as a long-running workload of its own in compose and Kubernetes.
DEPLOYED = [*SERVICES, PORTAL]
# The path of the compose health check: /readyz (migrations, database, broker), except for the
# portal, which has nothing to wait for and says so on /healthz.
HEALTH_PATHS = {PORTAL: "/healthz"}
DB_PORT = 5432
DNS_PORT = 53
# The service that gathers a person's export from the others over HTTP (README, "Data subject access export").
EXPORT_GATHERER = "coordination"


class CheckFailed(Exception):
    pass


# ---------------------------------------------------------------------------- facts from the code

@dataclass
class CodeFacts:
    """What the deployment must agree with, read from the sources."""
    executables: dict  # name -> config_keys.Executable
    ports: dict = field(default_factory=dict)  # compose/k8s name (intake, partner-simulator) -> port
    routes: dict = field(default_factory=dict)  # name -> set of GET paths it serves
    metrics: set = field(default_factory=set)  # metric names the code exports
    topics: list = field(default_factory=list)  # the event topics (Shared/Contracts Topics.all)


def service_name(executable: str) -> str:
    return executable.removeprefix("ias-")


def read_code_facts(root: Path, executables: dict | None = None) -> CodeFacts:
    facts = CodeFacts(executables if executables is not None else config_keys.load(root))
    host = re.compile(r"ServiceHost\(\s*service:\s*\"(\w+)\",\s*defaultPort:\s*(\d+)")
    # An executable that reads the server's keys itself names its port as a constant.
    default_port = re.compile(r"static\s+let\s+defaultPort\s*(?::\s*Int\s*)?=\s*(\d+)")
    get_route = re.compile(r"router\.get\(\s*\"(/[^\"]*)\"")
    shared_routes: set[str] = set()
    for path in (root / "Shared" / "ServiceKit").glob("*.swift"):
        shared_routes.update(get_route.findall(path.read_text()))
    for exe in facts.executables.values():
        name = service_name(exe.name)
        folder = root / "Services" / exe.folder
        routes = set(shared_routes) if exe.uses_common else set()
        for path in folder.rglob("*.swift") if folder.is_dir() else []:
            text = path.read_text()
            routes.update(get_route.findall(text))
            for svc, port in host.findall(text):
                if svc == name:
                    facts.ports[name] = int(port)
            for port in default_port.findall(text):
                facts.ports.setdefault(name, int(port))
        port_key = exe.keys.get("IAS_HTTP_PORT")
        if name not in facts.ports and port_key is not None and port_key.default and port_key.default.isdigit():
            facts.ports[name] = int(port_key.default)
        facts.routes[name] = routes
    metric = re.compile(r"\"((?:ias|http)_[a-z0-9_]+)\"")
    for base in (root / "Shared", root / "Services"):
        for path in base.rglob("*.swift"):
            facts.metrics.update(metric.findall(path.read_text()))
    topics_file = root / "Shared" / "Contracts" / "Topics.swift"
    if topics_file.exists():
        text = topics_file.read_text()
        facts.topics = re.findall(r"static let \w+ = \"([a-z0-9.\-]+)\"", text)
    return facts


# ---------------------------------------------------------------------------- helpers

def iso_period_ms(text: str) -> int | None:
    """Milliseconds of an ISO-8601 duration as RetentionPeriod counts them (a year of 365 days,
    a month of 30), or None."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text or "")
    if not match or text in ("P", "PT") or text.endswith("T"):
        return None
    y, mo, w, d, h, mi, sec = (int(g or 0) for g in match.groups())
    return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 3600) + mi * 60 + sec) * 1000


def topic_retention_problems(script: str, rules_file: Path) -> list[str]:
    """create-topics.sh keeps dead letters, the audit topic and the outbound partner topics as
    long as the bundled retention rules say (dead-letters, audit-trail, partner-messages), and
    compacts the key topic."""
    import json
    if not rules_file.exists():
        return [f"{rules_file.name} is missing (the bundled retention rules)"]
    rules = {rule.get("kind"): rule.get("keep") for rule in json.loads(rules_file.read_text()).get("rules", [])}
    problems = []
    for variable, kind in (("DEAD_LETTER_RETENTION_MS", "dead-letters"), ("AUDIT_RETENTION_MS", "audit-trail"),
                           ("PARTNER_OUTBOUND_RETENTION_MS", "partner-messages")):
        match = re.search(rf"^{variable}=(\d+)$", script, re.M)
        want = iso_period_ms(rules.get(kind))
        if not match:
            problems.append(f"create-topics.sh does not set {variable} (the {kind} retention rule)")
        elif want is None:
            problems.append(f"retention-rules.json has no usable {kind} rule")
        elif int(match.group(1)) != want:
            problems.append(f"create-topics.sh: {variable}={match.group(1)}, but the {kind} rule {rules[kind]} is {want} ms")
    if not re.search(r"ias\.intake\.case-keys\.v1\)[^\n]*cleanup\.policy=compact", script):
        problems.append("create-topics.sh does not compact the key topic ias.intake.case-keys.v1 (cleanup.policy=compact)")
    return problems


def load_yaml_documents(path: Path) -> list[dict]:
    with open(path) as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def compose_environment(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        result = {}
        for item in env:
            key, sep, value = str(item).partition("=")
            result[key] = value if sep else None
        return result
    return {k: (None if v is None else str(v)) for k, v in env.items()}


INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def compose_value_may_be_empty(value: str | None) -> bool:
    """True when the value, after compose interpolation, can be the empty string."""
    if value is None:
        return True
    literal = INTERPOLATION.sub("", value.replace("$$", "$"))
    if literal.strip():
        return False
    matches = list(INTERPOLATION.finditer(value))
    if not matches:
        return True
    for match in matches:
        operator, default = match.group(2), match.group(3) or ""
        if operator == ":?" or (operator == ":-" and default):
            return False
    return True


def shutdown_bound(env: dict[str, str | None], executable) -> float:
    value = env.get("IAS_SHUTDOWN_SECONDS")
    if value not in (None, ""):
        try:
            return float(value)
        except ValueError:
            pass
    key = executable.keys.get("IAS_SHUTDOWN_SECONDS") if executable else None
    return float(key.default) if key is not None and key.default else 10.0


def parse_duration(text) -> float | None:
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", str(text)):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 0.000001}[unit]
    return total


# ---------------------------------------------------------------------------- compose

def compose_env_problems(compose: dict, facts: CodeFacts) -> tuple[list[str], str]:
    """Every key each executable reads is set in its compose service; nothing unknown is set."""
    problems: list[str] = []
    services = compose.get("services") or {}
    counted = 0
    for exe in facts.executables.values():
        name = service_name(exe.name)
        if not exe.exists or not exe.keys:
            continue
        if name not in services:
            problems.append(f"compose has no service `{name}` for {exe.name}")
            continue
        counted += 1
        env = compose_environment(services[name])
        for key in sorted(exe.keys.values(), key=lambda k: k.name):
            if key.name not in env:
                kind = "required" if key.required else "has a default, but production sets every key"
                problems.append(f"compose service `{name}` does not set {key.name} ({kind}; read at {key.where})")
            elif key.required and compose_value_may_be_empty(env[key.name]):
                problems.append(f"compose service `{name}`: {key.name} is required but may be empty "
                                f"(use a value or ${{VAR:?message}})")
        for key in sorted(env):
            if key.startswith("IAS_") and key not in exe.keys:
                problems.append(f"compose service `{name}` sets {key}, which {exe.name} does not read (typo or leftover?)")
    total = sum(len(e.keys) for e in facts.executables.values() if e.exists)
    return problems, f"{counted} services, {total} key reads, each set in compose"


def compose_config_problems(compose: dict, facts: CodeFacts, root: Path) -> tuple[list[str], str]:
    """Start order, health checks, ports, probes, databases, topics, grace periods."""
    problems: list[str] = []
    services = compose.get("services") or {}
    for required in ("postgres", "kafka", "topics", "kafka-users", *DEPLOYED, "partner-simulator"):
        if required not in services:
            problems.append(f"compose has no service `{required}`")
    kafka = services.get("kafka", {})
    kafka_env = compose_environment(kafka)
    if not str(kafka.get("image", "")).startswith("apache/kafka:"):
        problems.append("kafka must run the official apache/kafka image")
    if "controller" not in str(kafka_env.get("KAFKA_PROCESS_ROLES", "")) or any("ZOOKEEPER" in k for k in kafka_env):
        problems.append("kafka must run in KRaft mode (KAFKA_PROCESS_ROLES with controller, no ZooKeeper)")
    for infra in ("postgres", "kafka"):
        if infra in services and not services[infra].get("healthcheck"):
            problems.append(f"`{infra}` has no health check")

    # The database of each service: its own role and database, created by the init script.
    init_path = root / "deploy" / "postgres" / "init-databases.sh"
    init_services: list[str] = []
    if init_path.exists():
        match = re.search(r'^SERVICES="([^"]*)"', init_path.read_text(), re.M)
        init_services = match.group(1).split() if match else []
        if not os.stat(init_path).st_mode & stat.S_IXUSR:
            problems.append("deploy/postgres/init-databases.sh must be executable (the postgres image sources it otherwise)")
    else:
        problems.append("deploy/postgres/init-databases.sh is missing")
    if sorted(init_services) != sorted(SERVICES):
        problems.append(f"init-databases.sh creates databases for {init_services}, not for {SERVICES}")
    postgres = services.get("postgres", {})
    if not any("init-databases.sh:/docker-entrypoint-initdb.d/" in str(v) for v in postgres.get("volumes", [])):
        problems.append("postgres does not mount deploy/postgres/init-databases.sh into /docker-entrypoint-initdb.d/")
    pg_env = compose_environment(postgres)
    for svc in SERVICES:
        for secret in (f"IAS_{svc.upper()}_DB_PASSWORD", f"IAS_{svc.upper()}_DB_OWNER_PASSWORD"):
            if secret not in pg_env:
                problems.append(f"postgres does not pass {secret} to the init script")

    # Topics: the job, its partitions, its retention, its list.
    topics = services.get("topics", {})
    topics_env = compose_environment(topics)
    script = root / "deploy" / "k8s" / "base" / "create-topics.sh"
    if not any("create-topics.sh" in str(v) for v in topics.get("volumes", [])):
        problems.append("the topics job does not mount deploy/k8s/base/create-topics.sh")
    if topics.get("restart") not in ("no", None):
        problems.append("the topics job must not restart (it runs once)")
    if script.exists():
        text = script.read_text()
        match = re.search(r'^EVENT_TOPICS="([^"]*)"', text, re.M)
        listed = match.group(1).split() if match else []
        if facts.topics and sorted(listed) != sorted(facts.topics):
            problems.append(f"create-topics.sh creates {listed}, but the code's topics are {facts.topics}")
        if "retention.ms=-1" not in text:
            problems.append("create-topics.sh does not keep events indefinitely (retention.ms=-1)")
        if ".dlq" not in text:
            problems.append("create-topics.sh does not create the .dlq topics")
        problems += topic_retention_problems(text, root / "Shared" / "ServiceKit" / "retention-rules.json")
    else:
        problems.append("deploy/k8s/base/create-topics.sh is missing")

    db_users: dict[str, str] = {}
    for exe in facts.executables.values():
        name = service_name(exe.name)
        if name not in services or not exe.exists:
            continue
        service = services[name]
        env = compose_environment(service)
        if service.get("command") not in ([exe.name], exe.name):
            problems.append(f"`{name}` must run the command {exe.name}, not {service.get('command')}")
        port = facts.ports.get(name)
        declared = env.get("IAS_HTTP_PORT")
        if port is None:
            problems.append(f"cannot tell the port of {exe.name} from its sources")
        elif declared is not None and declared != str(port):
            problems.append(f"`{name}` sets IAS_HTTP_PORT={declared}, the code's port is {port}")
        listen = int(declared) if declared and declared.isdigit() else port
        container_ports = []
        for mapping in service.get("ports", []):
            text = str(mapping["target"]) if isinstance(mapping, dict) else str(mapping).split("/")[0].split(":")[-1]
            container_ports.append(text)
        if str(listen) not in container_ports:
            problems.append(f"`{name}` publishes {container_ports}, not its HTTP port {listen}")
        health = service.get("healthcheck") or {}
        probe = " ".join(map(str, health.get("test", []))) if isinstance(health.get("test"), list) else str(health.get("test", ""))
        if not re.search(rf"(?<![0-9]){listen}(?![0-9])", probe):
            problems.append(f"`{name}` health check does not probe port {listen}")
        health_path = HEALTH_PATHS.get(name, "/readyz")
        if not re.search(rf"{re.escape(health_path)}(?![\w/])", probe):
            problems.append(f"`{name}` health check does not ask {health_path}")
        elif health_path not in facts.routes.get(name, set()):
            problems.append(f"`{name}` health check asks {health_path}, which {exe.name} does not serve")
        if probe.startswith("CMD-SHELL") and "/dev/tcp" in probe:
            problems.append(f"`{name}` health check uses /dev/tcp under sh (dash has none): use ias-probe")
        if "ias-probe" in probe and not (root / "deploy" / "docker" / "ias-probe").exists():
            problems.append(f"`{name}` health check runs ias-probe, but deploy/docker/ias-probe is missing")
        grace = parse_duration(service.get("stop_grace_period")) or 10.0
        bound = shutdown_bound(env, exe)
        if grace <= bound:
            problems.append(f"`{name}`: stop_grace_period {grace:g}s must exceed IAS_SHUTDOWN_SECONDS {bound:g}s")
        if not service.get("read_only"):
            problems.append(f"`{name}` should run with a read-only root file system")
        depends = service.get("depends_on") or {}
        if name == PORTAL:
            # No database, no broker: the portal waits for the services it calls.
            wanted = {svc: "service_healthy" for svc in SERVICES}
            problems.extend(compose_portal_problems(service, services, facts))
        else:
            wanted = {"kafka": "service_healthy", "topics": "service_completed_successfully",
                      "kafka-users": "service_completed_successfully"}
        if name in SERVICES:
            wanted["postgres"] = "service_healthy"
        for dependency, condition in wanted.items():
            got = depends.get(dependency, {}).get("condition") if isinstance(depends, dict) else None
            if got != condition:
                problems.append(f"`{name}` must wait for {dependency} with condition {condition} (has {got})")
        if name in SERVICES:
            url = env.get("IAS_DATABASE_URL") or ""
            match = re.match(r"postgres(?:ql)?://([^:@/]+)(?::.*)?@([^:/]+)(?::\d+)?/([^?]+)", url)
            if not match:
                problems.append(f"`{name}`: IAS_DATABASE_URL is not a postgresql:// URI with user and database")
            else:
                user, host, database = match.groups()
                if user != f"ias_{name}" or database != f"ias_{name}":
                    problems.append(f"`{name}` connects as {user} to {database}: its own is ias_{name}")
                if host != "postgres":
                    problems.append(f"`{name}` connects to {host}, not to the compose service postgres")
                if user in db_users:
                    problems.append(f"`{name}` and `{db_users[user]}` share the database role {user}")
                db_users[user] = name
            # The owner runs the migrations; the runtime role may only what it is granted.
            owner_url = env.get("IAS_DATABASE_MIGRATION_URL") or ""
            owner = re.match(r"postgres(?:ql)?://([^:@/]+)(?::.*)?@([^:/]+)(?::\d+)?/([^?]+)", owner_url)
            if not owner:
                problems.append(f"`{name}`: IAS_DATABASE_MIGRATION_URL is not a postgresql:// URI with user and database")
            elif owner.group(1) != f"ias_{name}_owner" or owner.group(3) != f"ias_{name}" or owner.group(2) != "postgres":
                problems.append(f"`{name}` migrates as {owner.group(1)} on {owner.group(2)}/{owner.group(3)}: "
                                f"its owner is ias_{name}_owner on postgres/ias_{name}")
            partitions = env.get("IAS_KAFKA_TOPIC_PARTITIONS")
            if partitions is not None and partitions != topics_env.get("PARTITIONS"):
                problems.append(f"`{name}` IAS_KAFKA_TOPIC_PARTITIONS={partitions} differs from the topics job's "
                                f"PARTITIONS={topics_env.get('PARTITIONS')}")
    simulator = services.get("partner-simulator", {})
    if simulator and not simulator.get("profiles"):
        problems.append("partner-simulator must be in an optional profile")
    problems.extend(compose_kafka_user_problems(services))
    return problems, ("start order by health; ports and probes match the code; own role and database per service; topics; "
                      "own Kafka user per program; the portal calls each service at its compose name and port")


def portal_url_key(svc: str) -> str:
    return f"IAS_PORTAL_{svc.upper()}_URL"


def _url_target(url: str | None) -> tuple[str, int] | None:
    match = re.fullmatch(r"http://([A-Za-z0-9.\-]+):(\d+)/?", url or "")
    return (match.group(1), int(match.group(2))) if match else None


def compose_portal_problems(portal: dict, services: dict, facts: CodeFacts) -> list[str]:
    """The portal owns no data: it neither reaches the database nor the broker, and it calls each
    service at that service's compose name and HTTP port."""
    problems: list[str] = []
    env = compose_environment(portal)
    for key in sorted(env):
        if key.startswith(("IAS_DATABASE_", "IAS_KAFKA_")):
            problems.append(f"`{PORTAL}` sets {key}: the portal owns no data and reaches neither database nor broker")
    for svc in SERVICES:
        key = portal_url_key(svc)
        target = _url_target(env.get(key))
        port = (compose_environment(services.get(svc) or {}).get("IAS_HTTP_PORT") or str(facts.ports.get(svc)))
        if target is None:
            problems.append(f"`{PORTAL}`: {key}={env.get(key)!r} is not http://<service>:<port>")
        elif target != (svc, int(port)):
            problems.append(f"`{PORTAL}`: {key} calls {target[0]}:{target[1]}, but {svc} is the compose service `{svc}` on port {port}")
    return problems


def compose_secret_files(service: dict) -> dict[str, str]:
    """Path inside the container -> source, of the secrets a compose service mounts."""
    files = {}
    for item in service.get("secrets") or []:
        source, target = (item, item) if isinstance(item, str) else (item.get("source"), item.get("target") or item.get("source"))
        files[target if str(target).startswith("/") else f"/run/secrets/{target}"] = source
    return files


def compose_kafka_user_problems(services: dict) -> list[str]:
    """Every program connects with SASL as a Kafka user of its own, whose password is a secret of
    its own, and the kafka-users job (deploy/k8s/base/create-kafka-users.sh) sets that very secret
    as the user's password."""
    problems: list[str] = []
    job = services.get("kafka-users", {})
    if not any("create-kafka-users.sh" in str(v) for v in job.get("volumes", [])):
        problems.append("the kafka-users job does not mount deploy/k8s/base/create-kafka-users.sh")
    job_env = compose_environment(job)
    job_files = compose_secret_files(job)
    password_dir = (job_env.get("PASSWORD_DIR") or "").rstrip("/")
    users: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for name in (*SERVICES, "partner-simulator"):
        service = services.get(name)
        if service is None:
            continue
        env = compose_environment(service)
        protocol = (env.get("IAS_KAFKA_SECURITY_PROTOCOL") or "plaintext").lower()
        if not protocol.startswith("sasl"):
            problems.append(f"`{name}` connects to Kafka without SASL (IAS_KAFKA_SECURITY_PROTOCOL={protocol}): "
                            "every program has a Kafka user of its own")
            continue
        user = env.get("IAS_KAFKA_SASL_USERNAME") or ""
        if user != f"ias-{name}":
            problems.append(f"`{name}` connects to Kafka as {user or 'nobody'}: its own user is ias-{name}")
        if user in users:
            problems.append(f"`{name}` and `{users[user]}` share the Kafka user {user}")
        users[user] = name
        source = compose_secret_files(service).get(env.get("IAS_KAFKA_SASL_PASSWORD_FILE") or "")
        if source is None:
            problems.append(f"`{name}` mounts no secret at IAS_KAFKA_SASL_PASSWORD_FILE={env.get('IAS_KAFKA_SASL_PASSWORD_FILE')}")
            continue
        if source in secrets:
            problems.append(f"`{name}` and `{secrets[source]}` read the same Kafka password (secret {source})")
        secrets[source] = name
        if job_files.get(f"{password_dir}/{user}") != source:
            problems.append(f"the kafka-users job does not set the secret {source} of `{name}` as the password of {user} "
                            f"(mount it at {password_dir or 'PASSWORD_DIR'}/{user})")
    return problems


# ---------------------------------------------------------------------------- kubernetes

@dataclass
class Manifests:
    docs: list[dict]

    def of_kind(self, kind: str) -> list[dict]:
        return [d for d in self.docs if d.get("kind") == kind]

    def named(self, kind: str, name: str) -> dict | None:
        for doc in self.of_kind(kind):
            if doc.get("metadata", {}).get("name") == name:
                return doc
        return None


def selects(selector: dict | None, labels: dict) -> bool:
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def service_container(deployment: dict, executable: str) -> dict | None:
    for container in deployment["spec"]["template"]["spec"].get("containers", []):
        if container.get("command") == [executable] or container.get("args") == [executable]:
            return container
    containers = deployment["spec"]["template"]["spec"].get("containers", [])
    return containers[0] if containers else None


def container_environment(container: dict, manifests: Manifests) -> tuple[dict[str, dict], list[str]]:
    """Name -> {"value": str|None, "source": str, "optional": bool} and problems of resolution."""
    env: dict[str, dict] = {}
    problems: list[str] = []
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            ref = source["configMapRef"]
            config_map = manifests.named("ConfigMap", ref["name"])
            if config_map is None:
                problems.append(f"envFrom names ConfigMap {ref['name']}, which the manifests do not contain")
                continue
            for key, value in (config_map.get("data") or {}).items():
                env[prefix + key] = {"value": str(value), "source": f"ConfigMap {ref['name']}",
                                     "optional": bool(ref.get("optional"))}
        elif "secretRef" in source:
            ref = source["secretRef"]
            secret = manifests.named("Secret", ref["name"])
            if secret is None:
                problems.append(f"envFrom secretRef {ref['name']} hides which keys it sets: use env[].valueFrom.secretKeyRef")
                continue
            for key in list((secret.get("data") or {})) + list((secret.get("stringData") or {})):
                env[prefix + key] = {"value": None, "source": f"Secret {ref['name']}", "optional": bool(ref.get("optional"))}
    for item in container.get("env") or []:
        name = item["name"]
        if "value" in item:
            env[name] = {"value": str(item["value"]), "source": "value", "optional": False}
        elif "valueFrom" in item:
            source = item["valueFrom"]
            ref = source.get("secretKeyRef") or source.get("configMapKeyRef")
            if ref is not None:
                kind = "Secret" if "secretKeyRef" in source else "ConfigMap"
                value = None
                if kind == "ConfigMap":
                    config_map = manifests.named("ConfigMap", ref["name"])
                    if config_map is None:
                        problems.append(f"{name} refers to ConfigMap {ref['name']}, which the manifests do not contain")
                    elif ref["key"] not in (config_map.get("data") or {}):
                        problems.append(f"{name} refers to key {ref['key']} of ConfigMap {ref['name']}, which it lacks")
                    else:
                        value = str(config_map["data"][ref["key"]])
                env[name] = {"value": value, "source": f"{kind} {ref['name']}/{ref['key']}",
                             "optional": bool(ref.get("optional"))}
            else:
                env[name] = {"value": None, "source": "fieldRef", "optional": False}
        else:
            env[name] = {"value": "", "source": "value", "optional": False}
    return env, problems


def k8s_env_problems(manifests: Manifests, facts: CodeFacts, label: str) -> tuple[list[str], str]:
    """Every key each service (and the portal) reads is set in its Deployment (env, envFrom
    ConfigMap, configMapKeyRef, secretKeyRef)."""
    problems: list[str] = []
    counted = 0
    for svc in DEPLOYED:
        exe = facts.executables[f"ias-{svc}"]
        deployment = manifests.named("Deployment", f"ias-{svc}")
        if deployment is None:
            problems.append(f"{label}: no Deployment ias-{svc}")
            continue
        container = service_container(deployment, exe.name)
        if container is None:
            problems.append(f"{label}: Deployment ias-{svc} has no container")
            continue
        counted += 1
        env, resolution = container_environment(container, manifests)
        problems.extend(f"{label}: ias-{svc}: {p}" for p in resolution)
        for key in sorted(exe.keys.values(), key=lambda k: k.name):
            entry = env.get(key.name)
            if entry is None:
                kind = "required" if key.required else "has a default, but production sets every key"
                problems.append(f"{label}: Deployment ias-{svc} does not set {key.name} ({kind}; read at {key.where})")
            elif key.required and (entry["optional"] or entry["value"] == ""):
                problems.append(f"{label}: ias-{svc}: {key.name} is required but is empty or optional ({entry['source']})")
        for name in sorted(env):
            if name.startswith("IAS_") and name not in exe.keys:
                problems.append(f"{label}: ias-{svc} sets {name} ({env[name]['source']}), which {exe.name} does not read")
    return problems, f"{label}: {counted} Deployments (five services, the portal) set every key they read"


def _port_of(container: dict, port) -> int | None:
    if isinstance(port, int):
        return port
    for item in container.get("ports") or []:
        if item.get("name") == port:
            return item.get("containerPort")
    return int(port) if str(port).isdigit() else None


def _prestop_seconds(container: dict) -> float:
    pre_stop = (container.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in pre_stop:
        return float(pre_stop["sleep"].get("seconds", 0))
    command = (pre_stop.get("exec") or {}).get("command") or []
    for index, word in enumerate(command):
        if word.endswith("sleep") and index + 1 < len(command):
            try:
                return float(command[index + 1])
            except ValueError:
                return 0.0
        match = re.search(r"sleep\s+(\d+(?:\.\d+)?)", word)
        if match:
            return float(match.group(1))
    return 0.0


def _image_is_pinned(image: str) -> bool:
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and not last.endswith(":latest")


def k8s_workload_problems(manifests: Manifests, facts: CodeFacts, label: str, pinned_images: bool) -> tuple[list[str], str]:
    """Probes, ports, security, resources, grace, Services, PDBs, autoscaling, scraping, alerts."""
    problems: list[str] = []
    note = lambda text: problems.append(f"{label}: {text}")  # noqa: E731
    topics_job = manifests.named("Job", "ias-topics")
    job_partitions = None
    if topics_job is None:
        note("no Job ias-topics (creates the topics with their retention)")
    else:
        job_container = topics_job["spec"]["template"]["spec"]["containers"][0]
        job_env, resolution = container_environment(job_container, manifests)
        problems.extend(f"{label}: ias-topics: {p}" for p in resolution)
        job_partitions = (job_env.get("PARTITIONS") or {}).get("value")
        _security_problems(topics_job, job_container, "Job ias-topics", note)
    images = set()
    for svc in DEPLOYED:
        exe = facts.executables[f"ias-{svc}"]
        deployment = manifests.named("Deployment", f"ias-{svc}")
        if deployment is None:
            note(f"no Deployment ias-{svc}")
            continue
        pod = deployment["spec"]["template"]
        spec = pod["spec"]
        labels = pod.get("metadata", {}).get("labels") or {}
        container = service_container(deployment, exe.name)
        name = f"Deployment ias-{svc}"
        if container is None:
            note(f"{name} has no container")
            continue
        images.add(container.get("image", ""))
        if pinned_images and not _image_is_pinned(container.get("image", "")):
            note(f"{name} runs {container.get('image')}: name a version or a digest, not latest")
        if container.get("command") != [exe.name]:
            note(f"{name} must run the command [{exe.name}], not {container.get('command')}")
        env, _ = container_environment(container, manifests)
        code_port = facts.ports.get(svc)
        http_port = _port_of(container, "http")
        if http_port is None:
            note(f"{name} declares no container port named http")
        elif http_port != code_port:
            note(f"{name} declares port {http_port}, the code's is {code_port}")
        declared = (env.get("IAS_HTTP_PORT") or {}).get("value")
        if declared is not None and declared != str(http_port):
            note(f"{name}: IAS_HTTP_PORT={declared} but the container port is {http_port}")
        routes = facts.routes.get(svc, set())
        for probe_name, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            probe = container.get(probe_name) or {}
            get = probe.get("httpGet") or {}
            if get.get("path") != path:
                note(f"{name}: {probe_name} must ask {path} (asks {get.get('path')})")
            elif path not in routes:
                note(f"{name}: {probe_name} asks {path}, which {exe.name} does not serve")
            if _port_of(container, get.get("port")) != code_port:
                note(f"{name}: {probe_name} probes port {get.get('port')}, the service listens on {code_port}")
        startup = (container.get("startupProbe") or {}).get("httpGet")
        if startup and startup.get("path") not in routes:
            note(f"{name}: startupProbe asks {startup.get('path')}, which {exe.name} does not serve")
        resources = container.get("resources") or {}
        for part, keys in (("requests", ("cpu", "memory")), ("limits", ("memory",))):
            for key in keys:
                if key not in (resources.get(part) or {}):
                    note(f"{name}: resources.{part}.{key} is not set")
        _security_problems(deployment, container, name, note)
        grace = spec.get("terminationGracePeriodSeconds", 30)
        bound = shutdown_bound({k: v["value"] for k, v in env.items()}, exe)
        pre_stop = _prestop_seconds(container)
        if grace <= bound + pre_stop:
            note(f"{name}: terminationGracePeriodSeconds {grace} must exceed preStop {pre_stop:g}s + "
                 f"IAS_SHUTDOWN_SECONDS {bound:g}s")
        annotations = pod.get("metadata", {}).get("annotations") or {}
        if annotations.get("prometheus.io/scrape") != "true":
            note(f"{name}: pods are not marked for Prometheus (prometheus.io/scrape)")
        if annotations.get("prometheus.io/port") != str(code_port):
            note(f"{name}: prometheus.io/port is {annotations.get('prometheus.io/port')}, not {code_port}")
        if annotations.get("prometheus.io/path", "/metrics") not in routes:
            note(f"{name}: prometheus.io/path {annotations.get('prometheus.io/path')} is not served")
        # Service
        services = [s for s in manifests.of_kind("Service") if selects({"matchLabels": s["spec"].get("selector") or {}}, labels)
                    and s["spec"].get("selector")]
        if not services:
            note(f"no Service selects the pods of {name}")
        for service in services:
            for port in service["spec"].get("ports") or []:
                if _port_of(container, port.get("targetPort", port.get("port"))) != code_port:
                    note(f"Service {service['metadata']['name']} targets {port.get('targetPort')}, not {code_port}")
        scalers = [h for h in manifests.of_kind("HorizontalPodAutoscaler")
                   if h["spec"]["scaleTargetRef"].get("kind") == "Deployment" and h["spec"]["scaleTargetRef"].get("name") == f"ias-{svc}"]
        if svc == PORTAL:
            for text in k8s_portal_url_problems(manifests, env, facts):
                note(text)
            # Sessions and the CSRF token of each form live in the memory of one instance: a
            # second replica would refuse the forms of users whose requests reach it.
            if deployment["spec"].get("replicas", 1) != 1 or scalers:
                note(f"{name} must run exactly one replica without an autoscaler (its sessions are held in memory), "
                     f"has replicas={deployment['spec'].get('replicas', 1)} and {len(scalers)} autoscaler(s)")
            continue
        # PodDisruptionBudget
        budgets = [b for b in manifests.of_kind("PodDisruptionBudget") if selects(b["spec"].get("selector"), labels)]
        if not budgets:
            note(f"no PodDisruptionBudget covers {name}")
        # Autoscaling bounded by the partitions
        partitions = (env.get("IAS_KAFKA_TOPIC_PARTITIONS") or {}).get("value")
        if not scalers:
            note(f"no HorizontalPodAutoscaler scales {name}")
        for scaler in scalers:
            most = scaler["spec"].get("maxReplicas", 0)
            if partitions is None or not str(partitions).isdigit():
                note(f"{name}: IAS_KAFKA_TOPIC_PARTITIONS is not known, cannot bound the autoscaler")
            elif most > int(partitions):
                note(f"HorizontalPodAutoscaler ias-{svc} may scale to {most} replicas, more than the {partitions} partitions")
            if scaler["spec"].get("minReplicas", 1) < 2:
                note(f"HorizontalPodAutoscaler ias-{svc} allows a single replica (no availability during disruptions)")
            if deployment["spec"].get("replicas", 1) > most:
                note(f"{name} starts {deployment['spec'].get('replicas')} replicas, above maxReplicas {most}")
        if job_partitions is not None and partitions is not None and job_partitions != partitions:
            note(f"{name}: IAS_KAFKA_TOPIC_PARTITIONS={partitions} but Job ias-topics creates {job_partitions} partitions")
    if len(images) > 1:
        note(f"the services run different images: {sorted(images)}")
    for text in k8s_kafka_user_problems(manifests):
        note(text)
    for monitor in manifests.of_kind("PodMonitor"):
        for endpoint in monitor["spec"].get("podMetricsEndpoints") or []:
            if endpoint.get("path", "/metrics") != "/metrics" or endpoint.get("port") != "http":
                note(f"PodMonitor {monitor['metadata']['name']} must scrape port http, path /metrics")
    for rule_set in manifests.of_kind("PrometheusRule"):
        for group in rule_set["spec"].get("groups") or []:
            for rule in group.get("rules") or []:
                for metric in re.findall(r"\b((?:ias|http)_[a-z0-9_]+)", str(rule.get("expr", ""))):
                    base = re.sub(r"_(bucket|sum|count)$", "", metric)
                    if metric not in facts.metrics and base not in facts.metrics:
                        note(f"alert {rule.get('alert')} uses {metric}, which the services do not export")
    return problems, (f"{label}: ports and probes match the code; security, resources, grace, PDB, HPA <= partitions, scraping, "
                      "alerts, own Kafka user; the portal: one replica, same image")


def k8s_portal_url_problems(manifests: Manifests, env: dict[str, dict], facts: CodeFacts) -> list[str]:
    """IAS_PORTAL_<SERVICE>_URL names a Service of this namespace that selects that service's
    pods, on a port that leads to its HTTP port."""
    problems: list[str] = []
    for svc in SERVICES:
        key = portal_url_key(svc)
        url = (env.get(key) or {}).get("value")
        target = _url_target(url)
        if target is None:
            problems.append(f"ias-{PORTAL}: {key}={url!r} is not http://<Service>:<port>")
            continue
        host, port = target
        service = manifests.named("Service", host.split(".")[0])
        deployment = manifests.named("Deployment", f"ias-{svc}")
        labels = (deployment or {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels") or {}
        if service is None or not service["spec"].get("selector") or not selects({"matchLabels": service["spec"]["selector"]}, labels):
            problems.append(f"ias-{PORTAL}: {key} calls {host}, which is no Service of the pods of ias-{svc}")
            continue
        ports = [p for p in service["spec"].get("ports") or [] if p.get("port") == port]
        container = service_container(deployment, f"ias-{svc}") if deployment else None
        if not ports or container is None or _port_of(container, ports[0].get("targetPort", port)) != facts.ports.get(svc):
            problems.append(f"ias-{PORTAL}: {key} calls port {port} of Service {host}, which does not lead to ias-{svc}'s "
                            f"HTTP port {facts.ports.get(svc)}")
    return problems


def _secret_files(pod_spec: dict, container: dict) -> dict[str, str]:
    """Path in the container -> name of the Secret it comes from, for files of secret volumes."""
    volumes = {v["name"]: v for v in pod_spec.get("volumes") or []}
    files = {}
    for mount in container.get("volumeMounts") or []:
        volume = volumes.get(mount.get("name")) or {}
        secret = volume.get("secret")
        if secret:
            for item in secret.get("items") or []:
                files[f"{mount['mountPath'].rstrip('/')}/{item['path']}"] = secret.get("secretName")
        for source in ((volume.get("projected") or {}).get("sources") or []):
            if "secret" in source:
                for item in source["secret"].get("items") or []:
                    files[f"{mount['mountPath'].rstrip('/')}/{item['path']}"] = source["secret"].get("name")
    return files


def k8s_kafka_user_problems(manifests: Manifests) -> list[str]:
    """Every service connects with SASL as a Kafka user of its own whose password is a Secret of
    its own, and the Job ias-kafka-users sets that very Secret as the user's password."""
    problems: list[str] = []
    job = manifests.named("Job", "ias-kafka-users")
    job_files: dict[str, str] = {}
    password_dir = ""
    if job is None:
        problems.append("no Job ias-kafka-users (creates the Kafka users and their ACLs)")
    else:
        job_spec = job["spec"]["template"]["spec"]
        job_container = job_spec["containers"][0]
        _security_problems(job, job_container, "Job ias-kafka-users", problems.append)
        job_files = _secret_files(job_spec, job_container)
        job_env, _ = container_environment(job_container, manifests)
        password_dir = ((job_env.get("PASSWORD_DIR") or {}).get("value") or "").rstrip("/")
    users: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for svc in SERVICES:
        deployment = manifests.named("Deployment", f"ias-{svc}")
        if deployment is None:
            continue
        container = service_container(deployment, f"ias-{svc}")
        env, _ = container_environment(container, manifests)
        value = lambda key: (env.get(key) or {}).get("value") or ""  # noqa: E731
        if not value("IAS_KAFKA_SECURITY_PROTOCOL").lower().startswith("sasl"):
            problems.append(f"ias-{svc} connects to Kafka without SASL: every service has a Kafka user of its own")
            continue
        user = value("IAS_KAFKA_SASL_USERNAME")
        if user != f"ias-{svc}":
            problems.append(f"ias-{svc} connects to Kafka as {user or 'nobody'}: its own user is ias-{svc}")
        if user in users:
            problems.append(f"ias-{svc} and ias-{users[user]} share the Kafka user {user}")
        users[user] = svc
        secret = _secret_files(deployment["spec"]["template"]["spec"], container).get(value("IAS_KAFKA_SASL_PASSWORD_FILE"))
        if secret is None:
            problems.append(f"ias-{svc} mounts no Secret file at IAS_KAFKA_SASL_PASSWORD_FILE={value('IAS_KAFKA_SASL_PASSWORD_FILE')}")
            continue
        if secret in secrets:
            problems.append(f"ias-{svc} and ias-{secrets[secret]} read the same Kafka password (Secret {secret})")
        secrets[secret] = svc
        if job is not None and job_files.get(f"{password_dir}/{user}") != secret:
            problems.append(f"Job ias-kafka-users does not set Secret {secret} of ias-{svc} as the password of {user}")
    return problems


def _security_problems(workload: dict, container: dict, name: str, note) -> None:
    spec = workload["spec"]["template"]["spec"]
    pod_security = spec.get("securityContext") or {}
    security = container.get("securityContext") or {}
    if not (security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))):
        note(f"{name} does not require a non-root user (runAsNonRoot)")
    user = security.get("runAsUser", pod_security.get("runAsUser"))
    if user is not None and int(user) == 0:
        note(f"{name} runs as root")
    if security.get("readOnlyRootFilesystem") is not True:
        note(f"{name} must mount its root file system read-only")
    if security.get("allowPrivilegeEscalation") is not False:
        note(f"{name} must set allowPrivilegeEscalation: false")
    if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
        note(f"{name} must drop all capabilities")
    if spec.get("automountServiceAccountToken") is not False:
        note(f"{name} mounts a service account token it does not need")
    mounts = {m.get("mountPath") for m in container.get("volumeMounts") or []}
    if security.get("readOnlyRootFilesystem") and "/tmp" not in mounts:
        note(f"{name} has a read-only root but no writable /tmp")


def k8s_portal_network_problems(manifests: Manifests, facts: CodeFacts, policies: list[dict], note) -> None:
    """The portal owns no data: besides DNS it reaches the five services' HTTP ports only (each
    rule's peers the pods of the service whose port it opens), never a database or a broker; it
    accepts connections on its HTTP port only."""
    deployment = manifests.named("Deployment", f"ias-{PORTAL}")
    if deployment is None:
        return
    labels = deployment["spec"]["template"].get("metadata", {}).get("labels") or {}
    mine = [p for p in policies if p["spec"].get("podSelector") and selects(p["spec"].get("podSelector"), labels)]
    if not mine:
        note(f"no NetworkPolicy of its own selects ias-{PORTAL}")
        return
    if not any("Egress" in (p["spec"].get("policyTypes") or []) for p in mine):
        note(f"the NetworkPolicy of ias-{PORTAL} does not restrict egress")
    applying = [p for p in policies if selects(p["spec"].get("podSelector"), labels) or p["spec"].get("podSelector") in ({}, None)]
    egress = [r for p in applying if "Egress" in (p["spec"].get("policyTypes") or []) for r in p["spec"].get("egress") or []]
    ingress = [r for p in applying if "Ingress" in (p["spec"].get("policyTypes") or ["Ingress"]) for r in p["spec"].get("ingress") or []]
    service_labels = {}
    for svc in SERVICES:
        other = manifests.named("Deployment", f"ias-{svc}")
        service_labels[svc] = (other or {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels") or {}
    reached: set[str] = set()
    dns = False
    for rule in egress:
        ports = {int(p["port"]) for p in rule.get("ports") or [] if str(p.get("port", "")).isdigit()}
        peers = rule.get("to") or []
        if not rule.get("ports") or not peers:
            note(f"ias-{PORTAL} has an egress rule open to any port or any peer: {rule}")
            continue
        if ports == {DNS_PORT}:
            dns = True
            continue
        for port in sorted(ports):
            owners = [svc for svc in SERVICES if facts.ports.get(svc) == port]
            if not owners:
                note(f"ias-{PORTAL} may reach port {port}, which is no service's HTTP port (the portal owns no data)")
                continue
            svc = owners[0]
            for peer in peers:
                selector = peer.get("podSelector")
                if peer.get("ipBlock") or peer.get("namespaceSelector") is not None or not selector \
                        or not selects(selector, service_labels[svc]):
                    note(f"ias-{PORTAL} reaches port {port} of peers other than the pods of ias-{svc}: {peer}")
                elif any(selects(selector, service_labels[o]) for o in SERVICES if o != svc):
                    note(f"ias-{PORTAL}'s rule for ias-{svc} also selects other services' pods: {peer}")
                else:
                    reached.add(svc)
    if not dns:
        note(f"ias-{PORTAL} has no egress rule for DNS")
    for svc in SERVICES:
        if svc not in reached:
            note(f"ias-{PORTAL} cannot reach ias-{svc} on port {facts.ports.get(svc)}")
    for rule in ingress:
        ports = {p.get("port") for p in rule.get("ports") or []}
        if not ports:
            note(f"ias-{PORTAL} accepts connections on every port")
        elif ports - {facts.ports.get(PORTAL), "http"}:
            note(f"ias-{PORTAL} accepts connections on {sorted(map(str, ports))}, not only its HTTP port {facts.ports.get(PORTAL)}")


def k8s_network_problems(manifests: Manifests, facts: CodeFacts, label: str) -> tuple[list[str], str]:
    """Default deny; each service: DNS, the brokers and its own database only (coordination also
    the other services' HTTP ports, at their pods only, for a person's export); ingress on its port."""
    problems: list[str] = []
    note = lambda text: problems.append(f"{label}: {text}")  # noqa: E731
    policies = manifests.of_kind("NetworkPolicy")
    deny = [p for p in policies if p["spec"].get("podSelector") in ({}, None)
            and set(p["spec"].get("policyTypes") or []) >= {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    if not deny:
        note("no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)")
    database_peers: dict[str, list] = {}
    service_labels = {svc: ((manifests.named("Deployment", f"ias-{svc}") or {}).get("spec", {}).get("template", {})
                            .get("metadata", {}).get("labels") or {}) for svc in SERVICES}
    # The other services' HTTP ports that coordination reaches, each at that service's pods only.
    export_peers: set[str] = set()
    for svc in SERVICES:
        deployment = manifests.named("Deployment", f"ias-{svc}")
        if deployment is None:
            continue
        labels = deployment["spec"]["template"].get("metadata", {}).get("labels") or {}
        container = service_container(deployment, f"ias-{svc}")
        env, _ = container_environment(container, manifests) if container else ({}, [])
        brokers = (env.get("IAS_KAFKA_BROKERS") or {}).get("value") or ""
        broker_ports = {int(p) for p in re.findall(r":(\d+)(?:,|$)", brokers)}
        if not broker_ports:
            note(f"ias-{svc}: cannot tell the broker ports from IAS_KAFKA_BROKERS={brokers!r}")
        mine = [p for p in policies if selects(p["spec"].get("podSelector"), labels) and p["spec"].get("podSelector")]
        if not mine:
            note(f"no NetworkPolicy of its own selects ias-{svc}")
            continue
        egress_rules, ingress_rules = [], []
        for policy in [p for p in policies if selects(p["spec"].get("podSelector"), labels) or p["spec"].get("podSelector") in ({}, None)]:
            types = policy["spec"].get("policyTypes") or ["Ingress"]
            if "Egress" in types:
                egress_rules.extend(policy["spec"].get("egress") or [])
            if "Ingress" in types:
                ingress_rules.extend(policy["spec"].get("ingress") or [])
        if not any("Egress" in (p["spec"].get("policyTypes") or []) for p in mine):
            note(f"the NetworkPolicy of ias-{svc} does not restrict egress")
        seen = {"dns": False, "database": False, "brokers": False}
        for rule in egress_rules:
            ports = {int(p["port"]) for p in rule.get("ports") or [] if str(p.get("port", "")).isdigit()}
            peers = rule.get("to") or []
            if not rule.get("ports") or not peers:
                note(f"ias-{svc} has an egress rule open to any port or any peer: {rule}")
                continue
            if ports == {DNS_PORT}:
                seen["dns"] = True
            elif ports == {DB_PORT}:
                seen["database"] = True
                database_peers.setdefault(svc, []).extend(peers)
                for peer in peers:
                    named = _peer_names(peer)
                    if peer.get("ipBlock"):
                        continue
                    if not peer.get("podSelector"):
                        note(f"ias-{svc} may reach port {DB_PORT} of every pod of a namespace: {peer}")
                    elif svc not in named:
                        note(f"ias-{svc} reaches a database peer that does not name ias-{svc}: {peer}")
                    elif named - {svc}:
                        note(f"ias-{svc} reaches the database of {sorted(named - {svc})}")
            elif ports and ports <= broker_ports:
                seen["brokers"] = True
            elif svc == EXPORT_GATHERER and ports and ports <= {facts.ports.get(o) for o in SERVICES if o != svc}:
                for port in sorted(ports):
                    owner = next(o for o in SERVICES if o != svc and facts.ports.get(o) == port)
                    for peer in peers:
                        selector = peer.get("podSelector")
                        if peer.get("ipBlock") or peer.get("namespaceSelector") is not None or not selector \
                                or not selects(selector, service_labels.get(owner, {})) \
                                or any(selects(selector, service_labels.get(o, {})) for o in SERVICES if o != owner):
                            note(f"ias-{svc} reaches port {port} of peers other than the pods of ias-{owner}: {peer}")
                        else:
                            export_peers.add(owner)
            else:
                note(f"ias-{svc} may reach ports {sorted(ports)}, which are neither DNS, its database nor the brokers")
        for what, ok in seen.items():
            if not ok:
                note(f"ias-{svc} has no egress rule for {what}")
        if svc == EXPORT_GATHERER:
            for other in SERVICES:
                if other != svc and other not in export_peers:
                    note(f"ias-{svc} cannot reach ias-{other} on port {facts.ports.get(other)} for a person's export")
        code_port = facts.ports.get(svc)
        for rule in ingress_rules:
            ports = {p.get("port") for p in rule.get("ports") or []}
            if not ports:
                note(f"ias-{svc} accepts connections on every port")
            elif ports - {code_port, "http"}:
                note(f"ias-{svc} accepts connections on {sorted(map(str, ports))}, not only its HTTP port {code_port}")
    # No two services share a database peer.
    blocks: dict[str, str] = {}
    for svc, peers in database_peers.items():
        for peer in peers:
            if peer.get("ipBlock"):
                cidr = peer["ipBlock"].get("cidr")
                if cidr in blocks and blocks[cidr] != svc:
                    note(f"ias-{svc} and ias-{blocks[cidr]} reach the same database address {cidr}")
                blocks[cidr] = svc
    k8s_portal_network_problems(manifests, facts, policies, note)
    return problems, (f"{label}: default deny; each service reaches DNS, the brokers and its own database only "
                      "(coordination also the other services' HTTP ports, for a person's export); "
                      "the portal DNS and the services' HTTP ports only")


def _peer_names(peer: dict) -> set[str]:
    """The services whose names appear as a label value of the peer's pod selector."""
    named = set()
    values = list(((peer.get("podSelector") or {}).get("matchLabels") or {}).values())
    for expression in (peer.get("podSelector") or {}).get("matchExpressions") or []:
        values.extend(expression.get("values") or [])
    for value in values:
        for svc in SERVICES:
            if re.search(rf"(^|[-_.]){svc}($|[-_.])", str(value)):
                named.add(svc)
    return named


# ---------------------------------------------------------------------------- image

def dockerfile_problems(root: Path, facts: CodeFacts, hadolint: str | None) -> tuple[list[str], str]:
    problems: list[str] = []
    dockerfile = root / "deploy" / "Dockerfile"
    text = dockerfile.read_text()
    lines = [line.strip() for line in text.splitlines()]
    stages = [line for line in lines if line.upper().startswith("FROM ")]
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    resolve = lambda image: re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), image)  # noqa: E731
    if len(stages) < 2:
        problems.append("the Dockerfile must have a build stage and a run stage")
    else:
        first = resolve(stages[0].split()[1])
        last = resolve(stages[-1].split()[1])
        if not first.startswith("swift:"):
            problems.append(f"the build stage must use the official Swift image, not {first}")
        if "slim" not in last:
            problems.append(f"the run stage must use a slim base, not {last}")
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    if not users or not re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1]):
        problems.append("the run stage must end with a numeric non-root USER (runAsNonRoot checks it)")
    if "*.resources" not in text:
        problems.append("the image must ship the <Package>_<Target>.resources bundles beside the executables")
    for svc in DEPLOYED:
        if f"ias-{svc}" not in text:
            problems.append(f"the Dockerfile does not make sure ias-{svc} is in the image")
    exposed = set()
    for line in lines:
        if line.upper().startswith("EXPOSE "):
            exposed.update(int(p.split("/")[0]) for p in line.split()[1:])
    for name, port in facts.ports.items():
        if port not in exposed:
            problems.append(f"EXPOSE lacks {port} ({name})")
    requirements = root / "deploy" / "librdkafka" / "requirements.txt"
    if "--require-hashes" not in text or not requirements.exists():
        problems.append("librdkafka must come from the hash-pinned deploy/librdkafka/requirements.txt")
    else:
        req = requirements.read_text()
        pinned = re.search(r"^confluent-kafka==([\d.]+)", req, re.M)
        if not pinned or "--hash=sha256:" not in req:
            problems.append("deploy/librdkafka/requirements.txt must pin confluent-kafka==X with --hash=sha256")
        bootstrap = root / "deploy" / "local" / "bootstrap.sh"
        if pinned and bootstrap.exists():
            local = re.search(r'RDKAFKA_WHEEL="confluent-kafka==([\d.]+)"', bootstrap.read_text())
            if local and local.group(1) != pinned.group(1):
                problems.append(f"the image pins confluent-kafka {pinned.group(1)}, the local stack {local.group(1)}")
    ignore = root / "deploy" / "Dockerfile.dockerignore"
    if ignore.exists():
        allowed = [line[1:].rstrip("/") for line in ignore.read_text().splitlines() if line.startswith("!")]
        for line in lines:
            if line.upper().startswith("COPY ") and "--from=" not in line:
                for source in line.split()[1:-1]:
                    if source.startswith("--"):
                        continue
                    if not any(source.rstrip("/") == a or source.startswith(a + "/") for a in allowed):
                        problems.append(f"COPY {source}: excluded from the build context by Dockerfile.dockerignore")
    if hadolint:
        config = Path(__file__).resolve().parent / "hadolint.yaml"
        run = subprocess.run([hadolint, "--config", str(config), str(dockerfile)], capture_output=True, text=True)
        if run.returncode != 0:
            problems.append("hadolint: " + (run.stdout + run.stderr).strip())
    return problems, "multi-stage, slim, non-root, resources shipped, librdkafka hash-pinned" + (", hadolint clean" if hadolint else "")


# ---------------------------------------------------------------------------- identity

def _jwks_mount(path: str | None, mounts: list[tuple[str, bool, str | None]], where: str) -> tuple[list[str], tuple | None]:
    """The mount that holds the JWKS file, or the problems. `mounts`: (target, mounted by
    subPath, volume name or source). The file must lie in a directory mounted as a whole: a
    file mounted alone (a single-file bind mount, a subPath) keeps the old copy when it is
    replaced, and the service would never see a new key."""
    if not path or not path.startswith("/"):
        return [f"{where}: IAS_JWT_JWKS_FILE must be an absolute path to a mounted file (is {path!r})"], None
    if any(target == path for target, _, _ in mounts):
        return [f"{where}: IAS_JWT_JWKS_FILE {path} is mounted as a single file: mount its directory, so that a replaced file is seen"], None
    holding = [m for m in mounts if path.startswith(m[0].rstrip("/") + "/")]
    if not holding:
        return [f"{where}: IAS_JWT_JWKS_FILE {path} is not in a mounted directory"], None
    mount = max(holding, key=lambda m: len(m[0]))
    if mount[1]:
        return [f"{where}: the JWKS directory {mount[0]} is mounted by subPath, which never receives updates"], None
    return [], mount


def k8s_identity_problems(manifests: Manifests, facts: CodeFacts, label: str) -> list[str]:
    problems: list[str] = []
    note = lambda text: problems.append(f"{label}: {text}")  # noqa: E731
    for svc in DEPLOYED:
        deployment = manifests.named("Deployment", f"ias-{svc}")
        container = service_container(deployment, f"ias-{svc}") if deployment else None
        if container is None:
            continue
        env, _ = container_environment(container, manifests)
        value = lambda key: (env.get(key) or {}).get("value")  # noqa: E731
        where = f"ias-{svc}"
        if value("IAS_ENVIRONMENT") != "production":
            note(f"{where}: IAS_ENVIRONMENT is {value('IAS_ENVIRONMENT')!r}, not production")
        secret = env.get("IAS_JWT_SECRET")
        if secret is not None and secret["value"] != "":
            note(f"{where}: IAS_JWT_SECRET is set ({secret['source']}); production accepts no HS256 secret")
        for key in ("IAS_JWT_ISSUER", "IAS_JWT_AUDIENCE"):
            if not value(key):
                note(f"{where}: {key} is empty; production requires it")
        specs = container.get("volumeMounts") or []
        mounts = [(m.get("mountPath", ""), bool(m.get("subPath") or m.get("subPathExpr")), m.get("name")) for m in specs]
        found, mount = _jwks_mount(value("IAS_JWT_JWKS_FILE"), mounts, where)
        problems.extend(f"{label}: {p}" for p in found)
        if mount is None:
            continue
        target, _, name = mount
        volumes = {v.get("name"): v for v in deployment["spec"]["template"]["spec"].get("volumes") or []}
        volume = volumes.get(name) or {}
        sources = [volume.get("configMap")] + [s.get("configMap") for s in (volume.get("projected") or {}).get("sources") or []]
        config_maps = [c for c in sources if c]
        if not config_maps:
            note(f"{where}: the JWKS directory {target} is not a ConfigMap volume")
        elif any(c.get("optional") for c in config_maps):
            note(f"{where}: the JWKS ConfigMap is optional: a pod would start without keys")
        if not next((m for m in specs if m.get("mountPath") == target), {}).get("readOnly"):
            note(f"{where}: the JWKS directory {target} is mounted writable")
    problems.extend(f"{label}: {p}" for p in k8s_portal_identity_problems(manifests, require_proxy=label != "base"))
    return problems


def _deployment_env(manifests: Manifests, deployment: dict | None, executable: str) -> dict[str, str | None]:
    container = service_container(deployment, executable) if deployment else None
    if container is None:
        return {}
    env, _ = container_environment(container, manifests)
    return {k: v["value"] for k, v in env.items()}


def k8s_portal_identity_problems(manifests: Manifests, require_proxy: bool) -> list[str]:
    """The portal checks tokens as the services do, in production, without the development
    sign-in; where users reach it (the overlay), oauth2-proxy forwards to its Service with the
    user's access token, and the Ingress leads to the proxy, never around it."""
    problems: list[str] = []
    deployment = manifests.named("Deployment", f"ias-{PORTAL}")
    if deployment is None:
        return problems
    portal = _deployment_env(manifests, deployment, f"ias-{PORTAL}")
    services = {svc: _deployment_env(manifests, manifests.named("Deployment", f"ias-{svc}"), f"ias-{svc}") for svc in SERVICES}
    problems += portal_identity_problems(portal, {k: v for k, v in services.items() if v}, f"ias-{PORTAL}", production=True)
    labels = deployment["spec"]["template"].get("metadata", {}).get("labels") or {}
    portal_services = [s for s in manifests.of_kind("Service")
                       if s["spec"].get("selector") and selects({"matchLabels": s["spec"]["selector"]}, labels)]
    proxies = [d for d in manifests.of_kind("Deployment")
               if any("oauth2-proxy" in str(c.get("image", "")) for c in d["spec"]["template"]["spec"].get("containers") or [])]
    if require_proxy and not proxies:
        problems.append(f"no oauth2-proxy Deployment in front of ias-{PORTAL}: nobody could sign in")
    upstream = ""
    if portal_services:
        service = portal_services[0]
        port = next((p.get("port") for p in service["spec"].get("ports") or []), None)
        upstream = f"http://{service['metadata']['name']}:{port}"
    for proxy in proxies:
        name = proxy["metadata"]["name"]
        container = next(c for c in proxy["spec"]["template"]["spec"]["containers"] if "oauth2-proxy" in str(c.get("image", "")))
        env, _ = container_environment(container, manifests)
        problems += proxy_problems({k: v["value"] for k, v in env.items()}, portal, upstream, portal.get("IAS_JWT_ISSUER"),
                                   f"Deployment {name}")
        proxy_labels = proxy["spec"]["template"].get("metadata", {}).get("labels") or {}
        proxy_services = {s["metadata"]["name"] for s in manifests.of_kind("Service")
                          if s["spec"].get("selector") and selects({"matchLabels": s["spec"]["selector"]}, proxy_labels)}
        backends = set()
        for ingress in manifests.of_kind("Ingress"):
            for rule in ingress["spec"].get("rules") or []:
                for path in (rule.get("http") or {}).get("paths") or []:
                    backends.add(((path.get("backend") or {}).get("service") or {}).get("name"))
        if require_proxy and not backends & proxy_services:
            problems.append(f"no Ingress leads users to the oauth2-proxy of {name}")
        around = backends & {s["metadata"]["name"] for s in portal_services}
        if around:
            problems.append(f"an Ingress leads to {sorted(around)} directly, around the sign-in of {name}")
    return problems


def compose_identity_problems(compose: dict, idp: dict) -> list[str]:
    """docker-compose.yml is a local trial (development, HS256); deploy/compose.idp.yml, laid
    over it, the production form: no secret, a JWKS file in a mounted directory, issuer and
    audience."""
    problems: list[str] = []
    services = compose.get("services") or {}
    overrides = idp.get("services") or {}
    for svc in SERVICES:
        base_env = compose_environment(services.get(svc) or {})
        if base_env.get("IAS_JWT_SECRET") and base_env.get("IAS_ENVIRONMENT") != "development":
            problems.append(f"compose `{svc}` sets IAS_JWT_SECRET but IAS_ENVIRONMENT={base_env.get('IAS_ENVIRONMENT')!r}: "
                            "only development accepts HS256")
        override = overrides.get(svc)
        if override is None:
            problems.append(f"deploy/compose.idp.yml does not configure `{svc}`")
            continue
        env = base_env | compose_environment(override)
        where = f"compose.idp.yml `{svc}`"
        if env.get("IAS_ENVIRONMENT") != "production":
            problems.append(f"{where}: IAS_ENVIRONMENT is {env.get('IAS_ENVIRONMENT')!r}, not production")
        if env.get("IAS_JWT_SECRET") not in ("", None):
            problems.append(f"{where}: IAS_JWT_SECRET is set; production accepts no HS256 secret")
        for key in ("IAS_JWT_ISSUER", "IAS_JWT_AUDIENCE"):
            if compose_value_may_be_empty(env.get(key)):
                problems.append(f"{where}: {key} may be empty; production requires it (use ${{VAR:?message}})")
        mounts = []
        for volume in (services.get(svc) or {}).get("volumes", []) + override.get("volumes", []):
            if isinstance(volume, dict):
                mounts.append((volume.get("target", ""), False, volume.get("source")))
            else:
                parts = str(volume).split(":")
                if len(parts) >= 2:
                    mounts.append((parts[1], False, parts[0]))
        problems.extend(_jwks_mount(env.get("IAS_JWT_JWKS_FILE"), mounts, where)[0])
    problems.extend(compose_portal_identity_problems(services, overrides))
    return problems


# The keys that decide which tokens are accepted: the portal must read them as the services do,
# or it would sign in users whose every call the services refuse (or the reverse).
IDENTITY_KEYS = ("IAS_ENVIRONMENT", "IAS_JWT_SECRET", "IAS_JWT_JWKS_FILE", "IAS_JWT_ISSUER", "IAS_JWT_AUDIENCE",
                 "IAS_JWT_MAX_LIFETIME_SECONDS", "IAS_JWT_ORG_CLAIM", "IAS_JWT_ROLES_CLAIM", "IAS_JWT_ROLE_PREFIX",
                 "IAS_JWT_CLOCK_SKEW_SECONDS")
# The header oauth2-proxy puts the user's access token in (--pass-access-token).
PROXY_TOKEN_HEADER = "X-Forwarded-Access-Token"


def _interpolated(value: str | None) -> str | None:
    """A compose value with every `${VAR...}` reduced to `${VAR}`: two values that name the same
    variables the same way are equal whatever their defaults or messages."""
    return None if value is None else INTERPOLATION.sub(lambda m: "${" + m.group(1) + "}", value)


def portal_identity_problems(portal: dict[str, str | None], services: dict[str, dict[str, str | None]], where: str,
                             production: bool) -> list[str]:
    """The portal verifies tokens exactly as the services do; the development sign-in is never
    configured (it lets anyone who reaches the portal choose who they are); in production the
    session cookie is Secure and forms are checked against the portal's own HTTPS origin."""
    problems: list[str] = []
    for key in IDENTITY_KEYS:
        mine = _interpolated(portal.get(key))
        for svc, env in services.items():
            if mine != _interpolated(env.get(key)):
                problems.append(f"{where}: the portal reads {key}={portal.get(key)!r} but {svc} {env.get(key)!r}: "
                                "it must accept exactly the tokens the services accept")
                break
    if portal.get("IAS_PORTAL_DEV_USERS_FILE") not in ("", None):
        problems.append(f"{where}: IAS_PORTAL_DEV_USERS_FILE is set: the development sign-in lets anyone who reaches the "
                        "portal choose who they are (make run only)")
    if production:
        if portal.get("IAS_ENVIRONMENT") != "production":
            problems.append(f"{where}: the portal runs with IAS_ENVIRONMENT={portal.get('IAS_ENVIRONMENT')!r}, not production")
        if str(portal.get("IAS_PORTAL_SECURE_COOKIES", "true")).lower() in ("false", "0", "no", "off"):
            problems.append(f"{where}: IAS_PORTAL_SECURE_COOKIES is false: the session cookie would travel without TLS")
        origin = portal.get("IAS_PORTAL_PUBLIC_ORIGIN")
        if compose_value_may_be_empty(origin):
            problems.append(f"{where}: IAS_PORTAL_PUBLIC_ORIGIN may be empty; production checks forms against it")
        elif not INTERPOLATION.search(origin) and not origin.startswith("https://"):
            problems.append(f"{where}: IAS_PORTAL_PUBLIC_ORIGIN={origin!r} is not an https:// address")
    return problems


def proxy_problems(proxy: dict[str, str | None], portal: dict[str, str | None], upstream: str, issuer: str | None,
                   where: str) -> list[str]:
    """oauth2-proxy in front of the portal: it forwards to the portal, passes the user's access
    token in the header the portal reads, signs in at the issuer the tokens are checked against,
    returns users to the portal's own origin, and keeps its cookie Secure."""
    problems: list[str] = []
    value = lambda key: _interpolated(proxy.get(key))  # noqa: E731
    upstreams = [u.strip().rstrip("/") for u in (proxy.get("OAUTH2_PROXY_UPSTREAMS") or "").split(",") if u.strip()]
    if upstreams != [upstream.rstrip("/")]:
        problems.append(f"{where}: OAUTH2_PROXY_UPSTREAMS is {proxy.get('OAUTH2_PROXY_UPSTREAMS')!r}, not the portal {upstream}")
    if str(proxy.get("OAUTH2_PROXY_PASS_ACCESS_TOKEN", "")).lower() != "true":
        problems.append(f"{where}: OAUTH2_PROXY_PASS_ACCESS_TOKEN is not true: the portal would never see the user's token")
    header = portal.get("IAS_PORTAL_TOKEN_HEADER") or PROXY_TOKEN_HEADER
    if header.lower() != PROXY_TOKEN_HEADER.lower():
        problems.append(f"{where}: the portal reads the token from {header}, oauth2-proxy sends it in {PROXY_TOKEN_HEADER}")
    if value("OAUTH2_PROXY_OIDC_ISSUER_URL") != _interpolated(issuer):
        problems.append(f"{where}: OAUTH2_PROXY_OIDC_ISSUER_URL is {proxy.get('OAUTH2_PROXY_OIDC_ISSUER_URL')!r}, "
                        f"but the tokens are checked against IAS_JWT_ISSUER={issuer!r}")
    origin = _interpolated(portal.get("IAS_PORTAL_PUBLIC_ORIGIN")) or ""
    if value("OAUTH2_PROXY_REDIRECT_URL") != origin + "/oauth2/callback":
        problems.append(f"{where}: OAUTH2_PROXY_REDIRECT_URL is {proxy.get('OAUTH2_PROXY_REDIRECT_URL')!r}, not the portal's "
                        f"origin {portal.get('IAS_PORTAL_PUBLIC_ORIGIN')!r} + /oauth2/callback")
    if str(proxy.get("OAUTH2_PROXY_COOKIE_SECURE", "true")).lower() == "false":
        problems.append(f"{where}: OAUTH2_PROXY_COOKIE_SECURE is false: the proxy's cookie holds the user's tokens")
    if not (portal.get("IAS_PORTAL_SIGN_OUT_URL") or "").startswith("/oauth2/sign_out"):
        problems.append(f"{where}: IAS_PORTAL_SIGN_OUT_URL={portal.get('IAS_PORTAL_SIGN_OUT_URL')!r} does not end the "
                        "proxy's session (/oauth2/sign_out)")
    return problems


def compose_portal_identity_problems(services: dict, overrides: dict) -> list[str]:
    """docker-compose.yml: the portal reads the services' identity keys and no development
    sign-in. compose.idp.yml laid over it: the same in production, behind oauth2-proxy."""
    problems: list[str] = []
    if PORTAL not in services:
        return problems
    service_envs = {svc: compose_environment(services.get(svc) or {}) for svc in SERVICES if svc in services}
    portal = compose_environment(services[PORTAL])
    problems += portal_identity_problems(portal, service_envs, f"compose `{PORTAL}`", production=False)
    override = overrides.get(PORTAL)
    if override is None:
        return problems + [f"deploy/compose.idp.yml does not configure `{PORTAL}`"]
    portal = portal | compose_environment(override)
    merged = {svc: env | compose_environment(overrides.get(svc) or {}) for svc, env in service_envs.items()}
    where = f"compose.idp.yml `{PORTAL}`"
    problems += portal_identity_problems(portal, merged, where, production=True)
    mounts = []
    for volume in (services[PORTAL].get("volumes") or []) + (override.get("volumes") or []):
        if isinstance(volume, dict):
            mounts.append((volume.get("target", ""), False, volume.get("source")))
        elif len(parts := str(volume).split(":")) >= 2:
            mounts.append((parts[1], False, parts[0]))
    problems += _jwks_mount(portal.get("IAS_JWT_JWKS_FILE"), mounts, where)[0]
    proxies = [(name, svc) for name, svc in overrides.items() if "oauth2-proxy" in str(svc.get("image", ""))]
    if not proxies:
        problems.append("deploy/compose.idp.yml has no oauth2-proxy in front of the portal: nobody could sign in")
    port = portal.get("IAS_HTTP_PORT") or ""
    for name, proxy in proxies:
        problems += proxy_problems(compose_environment(proxy), portal, f"http://{PORTAL}:{port}", portal.get("IAS_JWT_ISSUER"),
                                   f"compose.idp.yml `{name}`")
    return problems


def identity_problems(compose: dict, idp: dict | None, documents: list[tuple[str, Manifests]], facts: CodeFacts) -> tuple[list[str], str]:
    problems = compose_identity_problems(compose, idp) if idp is not None else ["deploy/compose.idp.yml is missing"]
    for label, manifests in documents:
        problems += k8s_identity_problems(manifests, facts, label)
    return problems, ("compose trial development (HS256); compose.idp.yml, " + ", ".join(l for l, _ in documents)
                      + ": production, no secret, JWKS in a mounted directory, issuer, audience; the portal checks tokens "
                      "as the services do, no development sign-in, behind oauth2-proxy in production")


# ---------------------------------------------------------------------------- image: no minting tool

# What the image ships besides the services (the portal, the operator's and the test partners'
# tools), by folder; and what must never be in it: the
# tools that mint tokens (ias-token) or carry a signer (ias-bench).
IMAGE_TOOLS = {"ias-portal": "Portal", "ias-admin": "Tools/Admin", "ias-partner-simulator": "PartnerSimulator"}
MINTING_EXECUTABLES = {"ias-token", "ias-bench"}
SIGNING_MODULE = "IASTokenSigning"
# Libraries of the tests and the load generator (Tests/): they may carry the signer, so no
# executable but those that mint may depend on them.
TEST_LIBRARIES = {"TestSupport"}
# A signer, its module, or the MAC it would be built from.
MINTING_CODE = re.compile(r"\b(JWTSigner|IASTokenSigning|HMACSHA256)\b")
TARGET_START = re.compile(r"\.(target|executableTarget|testTarget|systemLibrary)\(")


def dockerfile_executables(text: str) -> tuple[list[str] | None, list[str]]:
    """The executables the Dockerfile copies into the image, and how it strays from the one
    allowed form: a single `for exe in <names>; do ... cp "$bin/$exe" /staging/app/bin/ ...
    done` loop, plus the resource bundles. Anything else that copies from the build
    directory (a glob, a find) could let a new executable in unnoticed."""
    problems: list[str] = []
    joined = re.sub(r"\\\n", " ", text)
    loops = [m for m in re.finditer(r"for\s+(\w+)\s+in\s+([^;]*);\s*do\s+(.*?)\bdone\b", joined, re.S)
             if "/staging/app/bin" in m.group(3)]
    if len(loops) != 1:
        problems.append(f"the Dockerfile must copy the image's executables in exactly one explicit `for exe in ...; do` loop "
                        f"into /staging/app/bin (found {len(loops)})")
        names = None
    else:
        loop = loops[0]
        names = loop.group(2).split()
        variable = loop.group(1)
        if any(ch in " ".join(names) for ch in "*?[$"):
            problems.append(f"the executable list is not explicit: {' '.join(names)}")
        if not re.search(rf'cp\s+"\$bin/\${variable}"\s+/staging/app/bin/?', loop.group(3)):
            problems.append(f'the loop must copy "$bin/${variable}" into /staging/app/bin/')
    for command in re.split(r";|&&|\n", joined):
        words = command.strip().split()
        if not words or words[0] not in ("cp", "find", "install", "mv", "rsync", "ln", "tar"):
            continue
        if ("$bin" in command or ".build" in command) and "/staging/app/bin" in command:
            allowed = re.fullmatch(r'cp\s+"\$bin/\$\w+"\s+/staging/app/bin/?', command.strip()) \
                or re.fullmatch(r'cp\s+-R\s+"\$bin"/\*\.resources\s+/staging/app/bin/?', command.strip())
            if not allowed:
                problems.append(f"copies from the build directory beyond the explicit list: {command.strip()}")
    for line in text.splitlines():
        if line.strip().upper().startswith("COPY ") and "--from=build" in line:
            sources = [w for w in line.split()[1:-1] if not w.startswith("--")]
            for source in sources:
                if source.rstrip("/") not in ("/staging/usr", "/staging/app"):
                    problems.append(f"COPY --from=build {source}: only /staging/usr/ and /staging/app/ may enter the image")
    return names, problems


def package_dependents(package: str, module: str) -> list[tuple[str, str]]:
    """(kind, name) of every target of Package.swift that lists `module` among its dependencies."""
    found = []
    starts = [m for m in TARGET_START.finditer(package)]
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(package)
        chunk = package[start.start():end]
        name = re.search(r'name:\s*"([^"]+)"', chunk)
        dependencies = re.search(r"dependencies:\s*\[(.*?)\]", chunk, re.S)
        if name and dependencies and f'"{module}"' in dependencies.group(1):
            found.append((start.group(1), name.group(1)))
    return found


def image_tools_problems(dockerfile: str, package: str, sources: dict[str, str]) -> tuple[list[str], str]:
    """No executable of the image can mint a token: the Dockerfile copies an explicit list
    without ias-token or ias-bench; no executable of that list, and no library, depends on the
    signing module; the sources of the image's tools use no signer; the signer is declared in
    Shared/TokenSigning only. `sources`: relative path -> text of the Swift files."""
    names, problems = dockerfile_executables(dockerfile)
    for name in names or []:
        if name in MINTING_EXECUTABLES:
            problems.append(f"the Dockerfile copies {name}, which mints tokens: it must never be in the image")
    for svc in DEPLOYED:
        if names is not None and f"ias-{svc}" not in names:
            problems.append(f"the Dockerfile does not copy ias-{svc}")
    for module in [SIGNING_MODULE, *sorted(TEST_LIBRARIES)]:
        for kind, name in package_dependents(package, module):
            if kind != "testTarget" and name not in MINTING_EXECUTABLES | TEST_LIBRARIES:
                problems.append(f"Package.swift: {name} depends on {module}; only {sorted(MINTING_EXECUTABLES)} and tests may")
    folders = {f"ias-{svc}": config_keys.EXECUTABLES[f"ias-{svc}"] for svc in SERVICES} | IMAGE_TOOLS
    for name in names or []:
        folder = folders.get(name)
        if folder is None:
            if name not in MINTING_EXECUTABLES:
                problems.append(f"the Dockerfile copies {name}, whose sources this check does not know: add it to IMAGE_TOOLS")
            continue
        for path, text in sorted(sources.items()):
            if path.startswith(f"Services/{folder}/"):
                for match in MINTING_CODE.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{path}:{line}: {name} is in the image but uses {match.group(1)}")
                    break
    for path, text in sorted(sources.items()):
        if re.search(r"\b(struct|class|enum)\s+JWTSigner\b", text) and not path.startswith("Shared/TokenSigning/"):
            problems.append(f"{path} declares JWTSigner outside Shared/TokenSigning")
    listed = ", ".join(names or [])
    return problems, f"the image gets {listed or 'nothing'}: no ias-token or ias-bench, none links {SIGNING_MODULE}, image tools use no signer"


def swift_sources(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8", errors="replace")
            for base in (root / "Shared", root / "Services") for path in base.rglob("*.swift")}


# ---------------------------------------------------------------------------- documentation

def readme_configuration(text: str) -> dict[str, list[str]]:
    """Key -> the default cells of the rows that name it, from the tables of the README's
    section "## Configuration" (its subsections included): a key counts as documented when it
    is written as `IAS_…` in a table's `variable` column."""
    match = re.search(r"^## Configuration[ \t]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    documented: dict[str, list[str]] = {}
    if not match:
        return documented
    header: list[str] | None = None
    for line in match.group(1).splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue
        row = dict(zip(header, cells))
        for key in re.findall(r"`(IAS_[A-Z0-9_]+)`", row.get("variable", "")):
            documented.setdefault(key, []).append(row.get("default", ""))
    return documented


def config_docs_problems(readme: str, facts: CodeFacts) -> tuple[list[str], str]:
    """Every key an executable reads is in a table of the README's "Configuration", no key there
    is read by nothing, and where the code's default is a literal the documented default shows it."""
    problems: list[str] = []
    documented = readme_configuration(readme)
    if not documented:
        return ["README.md has no section \"## Configuration\" with a table of keys"], "nothing documented"
    read: dict[str, list[config_keys.Key]] = {}
    for exe in facts.executables.values():
        for key in exe.keys.values():
            read.setdefault(key.name, []).append(key)
    for name in sorted(set(read) - set(documented)):
        problems.append(f"README.md, \"Configuration\": {name} is not documented (read at {read[name][0].where})")
    for name in sorted(set(documented) - set(read)):
        problems.append(f"README.md, \"Configuration\": {name} is documented, but no executable reads it")
    for name in sorted(set(read) & set(documented)):
        cells = " ".join(documented[name])
        for default in sorted({k.default for k in read[name] if k.default}):
            if not re.search(rf"(?<![\w.]){re.escape(default)}(?!\w)", cells):
                problems.append(f"README.md, \"Configuration\": the default of {name} is {default} in the code "
                                f"({next(k.where for k in read[name] if k.default == default)}), the table says {cells!r}")
    return problems, (f"{len(read)} keys of {sum(1 for e in facts.executables.values() if e.exists)} executables "
                      "documented in README's Configuration, with the code's literal defaults")


# ---------------------------------------------------------------------------- command line

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["compose-env", "compose-config", "k8s-env", "k8s-workloads", "k8s-network", "dockerfile",
                                          "image-tools", "identity-config", "config-docs"])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--compose", help="compose file (default ROOT/docker-compose.yml)")
    parser.add_argument("--base", help="rendered base manifests")
    parser.add_argument("--overlay", help="rendered overlay manifests")
    parser.add_argument("--hadolint", help="path of the hadolint executable")
    args = parser.parse_args()
    root = Path(args.root)
    try:
        facts = read_code_facts(root)
    except config_keys.ScanError as error:
        print(error, file=sys.stderr)
        return 1
    problems: list[str] = []
    summaries: list[str] = []
    if args.check.startswith("compose"):
        compose = yaml.safe_load(open(args.compose or root / "docker-compose.yml"))
        fn = compose_env_problems if args.check == "compose-env" else None
        found, summary = fn(compose, facts) if fn else compose_config_problems(compose, facts, root)
        problems += found
        summaries.append(summary)
    elif args.check.startswith("k8s"):
        labels = []
        for label, path, pinned in (("base", args.base, False), ("overlay", args.overlay, True)):
            if not path:
                continue
            manifests = Manifests(load_yaml_documents(Path(path)))
            if args.check == "k8s-env":
                found, summary = k8s_env_problems(manifests, facts, label)
            elif args.check == "k8s-workloads":
                found, summary = k8s_workload_problems(manifests, facts, label, pinned)
            else:
                found, summary = k8s_network_problems(manifests, facts, label)
            problems += found
            labels.append(label)
            summaries = [summary.split(": ", 1)[1]]
        summaries = [" and ".join(labels) + ": " + summaries[0]] if summaries else ["nothing to check"]
    elif args.check == "identity-config":
        compose = yaml.safe_load(open(args.compose or root / "docker-compose.yml"))
        idp_path = root / "deploy" / "compose.idp.yml"
        idp = yaml.safe_load(open(idp_path)) if idp_path.exists() else None
        documents = [(label, Manifests(load_yaml_documents(Path(path))))
                     for label, path in (("base", args.base), ("overlay", args.overlay)) if path]
        found, summary = identity_problems(compose, idp, documents, facts)
        problems += found
        summaries.append(summary)
    elif args.check == "config-docs":
        found, summary = config_docs_problems((root / "README.md").read_text(), facts)
        problems += found
        summaries.append(summary)
    elif args.check == "image-tools":
        found, summary = image_tools_problems((root / "deploy" / "Dockerfile").read_text(), (root / "Package.swift").read_text(),
                                              swift_sources(root))
        problems += found
        summaries.append(summary)
    else:
        found, summary = dockerfile_problems(root, facts, args.hadolint)
        problems += found
        summaries.append(summary)
    for problem in problems:
        print("  - " + problem, file=sys.stderr)
    print("; ".join(summaries) if not problems else f"{len(problems)} problem(s), first: {problems[0][:140]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
