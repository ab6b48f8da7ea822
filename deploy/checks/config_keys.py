"""The environment variables each executable reads, found without starting it.

Source scan (the default): every call of the configuration reader
(`Shared/Runtime/Configuration.swift`, `ConfigurationReader`) whose first argument is a
string literal, `<anything>.string|int|double|bool|choice|required("IAS_…"`, and every
direct `environment["IAS_…"]` read.

* Keys found under `Shared/` belong to every executable whose sources build a `ServiceHost`
  (or call `ServiceConfiguration.load`): that is where the common keys are read.
* Keys of a shared reader in `SHARED_READERS` (the Kafka security keys, the HTTP server's
  keys, the identity keys, the instance id and log level) also belong to every executable whose own sources call that reader
  without a `ServiceHost` (the partner simulator, the portal).
* Keys found under `Services/<Dir>/` belong to that directory's executable.
* `required(` means no default: the deployment must give a non-empty value.

A key read through a variable (`reader.int(name, …)`) is invisible to the scan; the scan fails
loudly when it meets such a call so that nobody is misled. With `--from-binaries DIR` the keys
come from `DIR/<executable> --print-config-keys` instead (one key a line: `KEY=default`, or
`KEY` alone when required), for the day the executables can say it themselves.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Executable name -> its folder under Services/ (the services of the platform, then extras).
EXECUTABLES = {
    "ias-intake": "Intake",
    "ias-assessment": "Assessment",
    "ias-plan": "Plan",
    "ias-costs": "Costs",
    "ias-coordination": "Coordination",
    "ias-partner-simulator": "PartnerSimulator",
    "ias-portal": "Portal",
}
SERVICES = ["intake", "assessment", "plan", "costs", "coordination"]
# The case workers' portal: deployed like a service (compose, Kubernetes, the image), but it
# owns no data: no database, no broker; it calls the five services over HTTP.
PORTAL = "portal"

READ_CALL = re.compile(r"\.(string|int|double|bool|choice|required)\(\s*\"(IAS_[A-Z0-9_]+)\"")
ENV_SUBSCRIPT = re.compile(r"environment\[\s*\"(IAS_[A-Z0-9_]+)\"\s*\]")
# What follows the key: `, default: "text"` or `, default: 123`, the whole argument (not the
# 512 of `512 * 1024`); a text with an interpolation `\(…)` is no literal either.
DEFAULT_LITERAL = re.compile(r"\s*,\s*default:\s*(?:\"((?:[^\"\\]|\\.)*)\"|(-?[0-9][0-9_.]*))(?=\s*[,)])")
# A reader call whose key is not a literal: the scan cannot see which key it is.
OPAQUE_CALL = re.compile(r"\breader\.(string|int|double|bool|choice|required)\(\s*(?!\")[A-Za-z_]")
USES_HOST = re.compile(r"\bServiceHost\(|ServiceConfiguration\.load\(")
# Shared functions that read keys for executables that do not build a ServiceHost: the call,
# and the file under Shared/ whose keys it reads.
SHARED_READERS = {
    "KafkaSecurity.load(": "Shared/Kafka/KafkaSecurity+Environment.swift",
    "HTTPServerConfiguration.read(": "Shared/HTTP/HTTPServerConfiguration+Reading.swift",
    "IdentitySettings.read(": "Shared/Auth/IdentitySettings.swift",
    "InstanceSettings.read(": "Shared/Runtime/InstanceSettings.swift",
}


@dataclass
class Key:
    name: str
    required: bool
    where: str  # file:line of the first read
    default: str | None = None  # the default when it is a literal on the same line


@dataclass
class Executable:
    name: str
    folder: str
    exists: bool = False
    uses_common: bool = False
    keys: dict[str, Key] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"name": self.name, "folder": self.folder, "exists": self.exists, "usesCommon": self.uses_common,
                "keys": {k.name: {"required": k.required, "default": k.default, "where": k.where}
                         for k in self.keys.values()}}


class ScanError(Exception):
    pass


def _scan_file(path: Path, root: Path) -> tuple[dict[str, Key], list[str]]:
    keys: dict[str, Key] = {}
    opaque: list[str] = []
    rel = path.relative_to(root)
    # Whole-line comments are blanked (line numbers stay); calls may span lines.
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    text = "\n".join("" if line.lstrip().startswith("//") else line for line in lines)

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for match in READ_CALL.finditer(text):
        name = match.group(2)
        required = match.group(1) == "required"
        literal = DEFAULT_LITERAL.match(text, match.end())
        default = None
        if literal and not required and "\\(" not in (literal.group(1) or ""):
            default = literal.group(1) if literal.group(1) is not None else literal.group(2).replace("_", "")
        if name in keys:
            keys[name].required = keys[name].required or required
        else:
            keys[name] = Key(name, required, f"{rel}:{line_of(match.start())}", default)
    for match in ENV_SUBSCRIPT.finditer(text):
        name = match.group(1)
        keys.setdefault(name, Key(name, True, f"{rel}:{line_of(match.start())}"))
    for match in OPAQUE_CALL.finditer(text):
        number = line_of(match.start())
        opaque.append(f"{rel}:{number}: {lines[number - 1].strip()}")
    return keys, opaque


def _scan_tree(folder: Path, root: Path) -> tuple[dict[str, Key], list[str], bool]:
    keys: dict[str, Key] = {}
    opaque: list[str] = []
    uses_host = False
    if not folder.is_dir():
        return keys, opaque, uses_host
    for path in sorted(folder.rglob("*.swift")):
        found, hidden = _scan_file(path, root)
        for name, key in found.items():
            if name in keys:
                keys[name].required = keys[name].required or key.required
            else:
                keys[name] = key
        opaque.extend(hidden)
        if USES_HOST.search(path.read_text(encoding="utf-8", errors="replace")):
            uses_host = True
    return keys, opaque, uses_host


def scan_sources(root: Path) -> dict[str, Executable]:
    """Keys per executable from the Swift sources under ROOT (Shared/ and Services/)."""
    common, opaque, _ = _scan_tree(root / "Shared", root)
    result: dict[str, Executable] = {}
    for name, folder in EXECUTABLES.items():
        exe = Executable(name, folder)
        own, hidden, uses_host = _scan_tree(root / "Services" / folder, root)
        opaque.extend(hidden)
        exe.exists = (root / "Services" / folder).is_dir() and any((root / "Services" / folder).rglob("*.swift"))
        exe.uses_common = uses_host
        if uses_host:
            exe.keys.update({k: Key(v.name, v.required, v.where, v.default) for k, v in common.items()})
        folder_text = "".join(p.read_text(encoding="utf-8", errors="replace")
                              for p in sorted((root / "Services" / folder).rglob("*.swift"))) if exe.exists else ""
        for call, shared_file in SHARED_READERS.items():
            if call in folder_text and (root / shared_file).exists():
                found, _ = _scan_file(root / shared_file, root)
                for k, v in found.items():
                    exe.keys.setdefault(k, Key(v.name, v.required, v.where, v.default))
        for k, v in own.items():
            if k in exe.keys:
                exe.keys[k].required = exe.keys[k].required or v.required
            else:
                exe.keys[k] = v
        result[name] = exe
    if opaque:
        raise ScanError("configuration keys read through a variable cannot be checked:\n  " + "\n  ".join(opaque))
    return result


def keys_from_binaries(bin_dir: Path) -> dict[str, Executable]:
    """Keys per executable as the executables print them (`--print-config-keys`)."""
    result: dict[str, Executable] = {}
    for name, folder in EXECUTABLES.items():
        exe = Executable(name, folder)
        path = bin_dir / name
        if not path.exists():
            result[name] = exe
            continue
        exe.exists = True
        # An empty environment: an executable without the flag stops at once on the missing
        # IAS_JWT_SECRET instead of starting.
        run = subprocess.run([str(path), "--print-config-keys"], env={}, capture_output=True, text=True, timeout=20)
        if run.returncode != 0:
            raise ScanError(f"{path} --print-config-keys failed (exit {run.returncode}): {run.stderr.strip()[:300]}")
        for line in run.stdout.splitlines():
            line = line.strip()
            if not line:
                continue
            key, sep, _default = line.partition("=")
            if not re.fullmatch(r"IAS_[A-Z0-9_]+", key):
                raise ScanError(f"{path} --print-config-keys printed an unexpected line: {line!r}")
            exe.keys[key] = Key(key, required=(sep == ""), where=f"{name} --print-config-keys",
                                default=_default if sep else None)
        exe.uses_common = True
        result[name] = exe
    return result


def load(root: Path, from_binaries: str | None = None) -> dict[str, Executable]:
    source = from_binaries or os.environ.get("IAS_CONFIG_KEYS_FROM_BINARIES")
    if source:
        return keys_from_binaries(Path(source))
    return scan_sources(root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--from-binaries", metavar="DIR")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        executables = load(Path(args.root), args.from_binaries)
    except ScanError as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({k: v.as_dict() for k, v in executables.items()}, indent=2))
        return 0
    for exe in executables.values():
        if not exe.exists:
            print(f"{exe.name}: no sources")
            continue
        print(f"{exe.name}:")
        for key in sorted(exe.keys.values(), key=lambda k: k.name):
            print(f"  {key.name:45} {'required' if key.required else 'default'}  {key.where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
