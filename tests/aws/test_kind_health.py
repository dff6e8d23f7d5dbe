"""The health rule of the AWS kinds: the service's own status, then its alarms in ALARM."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from console.data.aws.kind_health import kind_health
from console.data.aws_models import CloudResource, CloudWatchAlarm, alarms_of

HOST = CloudResource(
    kind="ec2", name="luckyus-doris-be-03", group="Data/Analytics", status="running",
    resource_id="i-0abc", node_type="r5.2xlarge", node_count=1,
)  # fmt: skip


def alarm(
    name: str, metric: str, dimensions: tuple[tuple[str, str], ...], state: str = "ALARM"
) -> CloudWatchAlarm:
    return CloudWatchAlarm(
        name=name, state=state, reason="Threshold Crossed", since=None, metric=metric,
        namespace="AWS/EC2", dimensions=dimensions, instance=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "status", "state"),
    [
        ("kafka", "ACTIVE", "ok"), ("kafka", "CREATING", "warn"), ("kafka", "FAILED", "down"),
        ("eks", "ACTIVE", "ok"), ("eks", "UPDATING", "warn"), ("eks", "DELETING", "down"),
        ("docdb", "available", "ok"), ("docdb", "backing-up", "warn"),
        ("docdb", "storage-full", "down"),
        ("opensearch", "Active", "ok"), ("opensearch", "Processing", "warn"),
        ("opensearch", "Isolated", "down"),
        ("ec2", "running", "ok"), ("ec2", "pending", "warn"), ("ec2", "stopped", "down"),
    ],
)  # fmt: skip
def test_the_status_alone_gives_the_state(kind: str, status: str, state: str) -> None:
    resource = replace(HOST, kind=kind, status=status)  # type: ignore[arg-type]
    health = kind_health(resource, ())
    assert (health.state, health.status) == (state, status)
    assert (health.reasons == ()) == (state == "ok")


def test_an_impaired_status_check_is_down_and_says_which() -> None:
    impaired = replace(HOST, problems=("instance status check impaired",))
    health = kind_health(impaired, ())
    assert (health.state, health.reasons) == ("down", ("instance status check impaired",))


def test_an_alarm_in_alarm_on_the_instance_id_makes_it_down_or_warn_by_its_metric() -> None:
    dims = (("InstanceId", "i-0abc"),)
    down = kind_health(HOST, (alarm("ec2-be-03-status", "StatusCheckFailed", dims),))
    assert down.state == "down"
    assert down.reasons == ("alarm ec2-be-03-status (StatusCheckFailed): Threshold Crossed",)
    warn = kind_health(HOST, (alarm("ec2-be-03-cpu", "CPUUtilization", dims),))
    assert warn.state == "warn"


def test_alarms_of_other_resources_or_in_ok_leave_it_alone() -> None:
    others = (
        alarm("other-host", "StatusCheckFailed", (("InstanceId", "i-0def"),)),
        alarm("be-03-cpu-ok", "CPUUtilization", (("InstanceId", "i-0abc"),), state="OK"),
    )
    assert kind_health(HOST, others).state == "ok"
    assert [a.name for a in alarms_of(others, HOST.name, HOST.resource_id)] == ["be-03-cpu-ok"]


def test_the_worst_of_status_and_alarms_wins_with_every_reason() -> None:
    cluster = replace(HOST, kind="opensearch", name="luckyus-es-logs", status="Processing",
                      resource_id="arn:aws:es:us-east-1:1:domain/luckyus-es-logs")  # fmt: skip
    red = alarm(
        "es-red", "ClusterStatus.red", (("DomainName", "luckyus-es-logs"), ("ClientId", "1"))
    )
    health = kind_health(cluster, (red,))
    assert health.state == "down"
    assert health.reasons == (
        "status Processing",
        "alarm es-red (ClusterStatus.red): Threshold Crossed",
    )


def test_a_kept_resource_rebuilt_from_lists_is_the_same_value() -> None:
    fields = {**asdict(HOST), "problems": ["x"], "facts": [["a", "b"]]}  # as JSON gives it back
    kept = CloudResource(**fields)
    assert kept.problems == ("x",) and kept.facts == (("a", "b"),)
    assert hash(kept) == hash(replace(HOST, problems=("x",), facts=(("a", "b"),)))


def test_an_alarm_s_team_name_counts_only_when_the_resource_s_id_is_unknown() -> None:
    # an EC2 alarm the alarm list named by its instance id's Name tag
    tagged = replace(alarm("be-03-cpu", "CPUUtilization", (("InstanceId", "i-0old"),)),
                     instance=HOST.name)  # fmt: skip
    assert alarms_of((tagged,), HOST.name) == (tagged,)  # known by its name only
    assert alarms_of((tagged,), HOST.name, HOST.resource_id) == ()  # i-0old is another host
    assert kind_health(HOST, (tagged,)).state == "ok"
