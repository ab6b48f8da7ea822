"""Reads every record of every topic on a broker and parses it with the CloudEvents SDK.

    python cloudevents_check.py --brokers 127.0.0.1:19093 [--timeout 180]

An independent implementation checks what the platform writes: confluent-kafka (librdkafka)
reads each partition from its beginning to its end, and the official CloudEvents Python SDK
(`cloudevents.core.bindings.kafka`) decides the content mode with its own rule (any `ce_`
header means binary mode) and parses the record. Every event must come out structured, with
`specversion` 1.0, an `id`, a `source` and `type` that fit its topic, a `subject` equal to the
record key (the case id), the platform's extension attributes (`dataversion`, `correlationid`,
`actorsub`, `actororg`, optional `causationid`) and an object as `data`.

Counted apart, and named in the output rather than dropped:
* dead-letter topics (`*.dlq`): they keep the original bytes of unprocessable messages;
* records with the header `ias-test-poison` (any value): written by tests on purpose as no valid
  event (poison messages, the Kafka client tests' raw bytes, a broken contract).
Broker-internal topics (`__*`) are skipped and named.

Before reading, a self-test feeds the checks records with seeded faults (a `ce_type` header,
no source, a source that does not fit the topic, …) and fails unless each is reported.

Last line: `cloudevents: N records on M topics, P parsed (X %), dead letters D and test poison T
counted apart`. Exit status 0 when every checked record parsed, 1 when one did not (each is
listed) or nothing was there to check, 2 when the broker could not be read.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import uuid
from collections import Counter

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient

POISON_HEADER = "ias-test-poison"
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
SERVICES = ("intake", "assessment", "plan", "costs", "coordination")
SHOWN_FAILURES = 25


def expectations(topic: str) -> tuple[set[str] | None, str | None]:
    """The sources allowed on a topic of the contract and the prefix of its types; (None, None)
    for other topics (the messaging tests' own), where any source and type will do."""
    match = re.fullmatch(r"ias\.(\w+)\.v1", topic)
    if match and match.group(1) in SERVICES:
        return {f"/ias/{match.group(1)}"}, match.group(1) + "."
    if topic == "ias.audit.v1":
        return {"/ias/audit"}, "audit."
    if topic == "ias.intake.case-keys.v1":  # the case keys of intake's sealed events
        return {"/ias/intake"}, "intake."
    match = re.fullmatch(r"iiz\.partner\.(\w+)\.(outbound|inbound)\.v1", topic)
    if match:
        return ({"/ias/coordination"} if match.group(2) == "outbound" else {f"/partner/{match.group(1)}"}), "partner."
    return None, None


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
        return isinstance(value, str)
    except ValueError:
        return False


def problems_of(topic: str, key: bytes | None, value: bytes, headers: dict[str, bytes]) -> list[str]:
    """Why the record is not a structured CloudEvent of the platform ([] when it is)."""
    # The SDK's own rule (from_kafka): a `ce_` header means binary mode.
    binary = sorted(name for name in headers if name.lower().startswith(ce_kafka.CE_PREFIX))
    if binary:
        return [f"binary mode by the SDK's detection (headers {', '.join(binary)}); structured mode carries no ce_ header"]
    problems = []
    content_type = headers.get("content-type", b"").decode("utf-8", "replace")
    if not content_type.startswith(STRUCTURED_CONTENT_TYPE):
        problems.append(f"content-type header is {content_type or 'missing'!r}, not {STRUCTURED_CONTENT_TYPE}")
    message = ce_kafka.KafkaMessage(headers=headers, key=key, value=value)
    try:
        event = ce_kafka.from_kafka(message, JSONFormat())
        structured = ce_kafka.from_structured(message, JSONFormat())
    except Exception as error:  # the SDK's verdict, whatever its kind
        return problems + [f"the SDK cannot parse it: {type(error).__name__}: {str(error)[:200]}"]
    if event.get_attributes() != structured.get_attributes():
        problems.append("the SDK's auto-detection did not read it as structured mode")
    if event.get_specversion() != "1.0":
        problems.append(f"specversion {event.get_specversion()!r}")
    if not is_uuid(event.get_id()):
        problems.append(f"id {event.get_id()!r} is not a UUID")
    sources, type_prefix = expectations(topic)
    source, kind = event.get_source(), event.get_type()
    if not source or (sources is not None and source not in sources):
        problems.append(f"source {source!r} does not fit the topic (expected {' or '.join(sorted(sources or ['a source']))})")
    if not kind or "." not in kind or (type_prefix and not kind.startswith(type_prefix)):
        problems.append(f"type {kind!r} does not fit the topic")
    subject = event.get_subject()
    record_key = key.decode("utf-8", "replace") if key is not None else None
    if not subject or subject != record_key:
        problems.append(f"subject {subject!r} is not the record key {record_key!r}")
    if event.get_time() is None:
        problems.append("time is missing")
    if event.get_datacontenttype() != "application/json":
        problems.append(f"datacontenttype {event.get_datacontenttype()!r}")
    dataversion = event.get_extension("dataversion")
    if not isinstance(dataversion, int) or isinstance(dataversion, bool) or dataversion < 1:
        problems.append(f"extension dataversion {dataversion!r} is not a whole number from 1")
    if not is_uuid(event.get_extension("correlationid")):
        problems.append(f"extension correlationid {event.get_extension('correlationid')!r} is not a UUID")
    causation = event.get_extension("causationid")
    if causation is not None and not is_uuid(causation):
        problems.append(f"extension causationid {causation!r} is not a UUID")
    for name in ("actorsub", "actororg"):
        if not isinstance(event.get_extension(name), str) or not event.get_extension(name):
            problems.append(f"extension {name} is missing or empty")
    if not isinstance(event.get_data(), dict):
        problems.append(f"data is {type(event.get_data()).__name__}, not an object")
    return problems


def self_test() -> list[str]:
    """Proof that the check notices what it must: a good record passes, each seeded fault is
    reported (the old `ce_type` header above all). Returns what went wrong ([] = fine)."""
    case = str(uuid.uuid4())
    good = {"specversion": "1.0", "id": str(uuid.uuid4()), "type": "intake.PersonRegistered", "source": "/ias/intake",
            "subject": case, "time": "2026-11-21T10:00:00Z", "datacontenttype": "application/json", "dataversion": 1,
            "correlationid": str(uuid.uuid4()), "actorsub": "u-1", "actororg": "canton:KSD", "data": {"caseId": case}}
    structured = {"content-type": b"application/cloudevents+json; charset=UTF-8"}

    def encoded(**changes):
        import json
        event = dict(good, **changes)
        return json.dumps({k: v for k, v in event.items() if v is not None}).encode()

    seeded = [
        ("a ce_type header", "ias.intake.v1", encoded(), dict(structured, ce_type=b"intake.PersonRegistered"), "binary mode"),
        ("no content-type", "ias.intake.v1", encoded(), {}, "content-type"),
        ("not JSON", "ias.intake.v1", b"{not json", structured, "cannot parse"),
        ("no source", "ias.intake.v1", encoded(source=None), structured, "cannot parse"),
        ("another service's source", "ias.intake.v1", encoded(source="/ias/plan"), structured, "source"),
        ("a partner claiming another", "iiz.partner.rav.inbound.v1", encoded(source="/partner/bks", type="partner.ReferralAccepted"),
         structured, "source"),
        ("subject is not the key", "ias.intake.v1", encoded(subject="other"), structured, "subject"),
        ("no correlationid", "ias.intake.v1", encoded(correlationid=None), structured, "correlationid"),
        ("data not an object", "ias.intake.v1", encoded(data=[1]), structured, "data"),
    ]
    wrong = []
    if problems := problems_of("ias.intake.v1", case.encode(), encoded(), structured):
        wrong.append(f"a valid event was refused: {problems}")
    for name, topic, value, headers, expected in seeded:
        if not any(expected in problem for problem in problems_of(topic, case.encode(), value, headers)):
            wrong.append(f"not noticed: {name}")
    return wrong


def read_everything(brokers: str, timeout: float):
    """Yields (topic, partition, offset, key, value, headers) of every record, then the topics
    skipped and the partitions that did not reach their end in time."""
    admin = AdminClient({"bootstrap.servers": brokers})
    metadata = admin.list_topics(timeout=15)
    internal = sorted(name for name in metadata.topics if name.startswith("__"))
    topics = {name: sorted(t.partitions) for name, t in metadata.topics.items() if not name.startswith("__")}
    consumer = Consumer({
        "bootstrap.servers": brokers, "group.id": f"cloudevents-check-{uuid.uuid4()}", "enable.auto.commit": False,
        "enable.partition.eof": True, "auto.offset.reset": "earliest", "log_level": 3,
    })
    partitions = [(topic, p) for topic, ps in topics.items() for p in ps]
    # Assigned directly: no group join, no committed offsets. The end is where a fetch finds no
    # more (partition EOF), not the listed end offset, which some brokers report too low.
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for topic, p in partitions])
    pending = set(partitions)
    deadline = time.monotonic() + timeout
    records = []
    try:
        while pending and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard((message.topic(), message.partition()))
                    continue
                raise RuntimeError(f"reading {message.topic()}[{message.partition()}]: {message.error()}")
            records.append((message.topic(), message.partition(), message.offset(), message.key(), message.value() or b"",
                            message.headers() or []))
    finally:
        consumer.close()
    return topics, internal, records, sorted(pending)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--timeout", type=float, default=180, help="seconds to reach the end of every partition")
    args = parser.parse_args()
    # First, that the check itself notices seeded faults: a check that passes everything proves nothing.
    if wrong := self_test():
        for line in wrong:
            print("FAIL self-test: " + line)
        print("cloudevents: the check's self-test failed; nothing was read")
        return 1
    try:
        topics, internal, records, unfinished = read_everything(args.brokers, args.timeout)
    except Exception as error:
        print(f"cloudevents: cannot read the broker {args.brokers}: {error}", file=sys.stderr)
        return 2

    checked, dead, poison = Counter(), Counter(), Counter()
    failures = []
    for topic, partition, offset, key, value, header_list in records:
        if topic.endswith(".dlq"):
            dead[topic] += 1
            continue
        if any(name == POISON_HEADER for name, _ in header_list):
            poison[topic] += 1
            continue
        checked[topic] += 1
        headers = {name: (raw or b"") for name, raw in header_list}
        for problem in problems_of(topic, key, value, headers):
            failures.append(f"{topic}[{partition}]@{offset}: {problem}")

    for line in failures[:SHOWN_FAILURES]:
        print("FAIL " + line)
    if len(failures) > SHOWN_FAILURES:
        print(f"… and {len(failures) - SHOWN_FAILURES} more")
    for topic, partition in unfinished:
        print(f"FAIL {topic}[{partition}]: did not reach its end within {args.timeout:g} s")
    if dead:
        print("dead letters (original bytes, not checked): " + ", ".join(f"{t} {n}" for t, n in sorted(dead.items())))
    if poison:
        print("test poison (marked ias-test-poison, not checked): " + ", ".join(f"{t} {n}" for t, n in sorted(poison.items())))
    if internal:
        print("broker-internal topics skipped: " + ", ".join(internal))
    total = sum(checked.values())
    failed_records = len({line.split(": ", 1)[0] for line in failures})
    parsed = total - failed_records
    share = f"{100 * parsed / total:.1f}".rstrip("0").rstrip(".") if total else "0"
    print(f"cloudevents: {total} records on {len(checked)} topics, {parsed} parsed ({share} %), "
          f"dead letters {sum(dead.values())} and test poison {sum(poison.values())} counted apart")
    if total == 0:
        print("cloudevents: no event to check on the broker: the check proved nothing", file=sys.stderr)
    return 0 if total > 0 and not failures and not unfinished else 1


if __name__ == "__main__":
    sys.exit(main())
