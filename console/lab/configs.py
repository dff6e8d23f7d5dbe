"""Generated configuration files: Redis servers, Prometheus, its rules, and Alertmanager.

Everything is derived from `topology`, so the lab's targets and names always match
`config.toml`'s lab profile. Prometheus and Alertmanager files are JSON, which both read as YAML.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from console.lab import topology
from console.lab.layout import Layout, write_if_changed
from console.lab.rules import rules_document

H = topology.HOST

# The read-only Redis account: reads, introspection, nothing that writes or reconfigures.
REDIS_RO_COMMANDS = (
    "-@all +@read -keys +ping +echo +auth +hello +select +role +time +lastsave +info +dbsize "
    "+scan +ttl +pttl +type +client|list +client|info +client|id +client|getname "
    "+client|setname +slowlog|get +slowlog|len +memory|usage +memory|stats +memory|doctor "
    "+latency|latest +latency|history +latency|doctor +config|get +object|encoding "
    "+object|freq +object|idletime +command|count +command|docs +command|info"
)

# The application account the lab's workload writes with (console.lab.workload.REDIS_ACCOUNT).
REDIS_APP_USER = "app_cache"
REDIS_APP_COMMANDS = "-@all +@read +@write +@connection -@dangerous"


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def redis_conf(layout: Layout, server: topology.RedisServer) -> str:
    part = topology.redis_part(server.group)
    admin = sha256(layout.password("redis-admin.pass"))
    ro = sha256(layout.password("redis-ro.pass"))
    app = sha256(layout.password("redis-app.pass"))
    lines = [
        f"# {server.group}: {', '.join(server.clusters)}",
        f"bind {H}",
        f"port {server.port}",
        "protected-mode yes",
        "daemonize no",
        'logfile ""',
        f"dir {layout.data_dir(part)}",
        'save ""',
        "appendonly no",
        "maxmemory 64mb",
        "maxmemory-policy noeviction",
        "slowlog-log-slower-than 1000",
        "slowlog-max-len 256",
        "latency-monitor-threshold 10",
        "user default off",
        f"user {topology.REDIS_ADMIN_USER} on #{admin} ~* &* +@all",
        f"user {topology.REDIS_RO_USER} on #{ro} ~* &* {REDIS_RO_COMMANDS}",
        f"user {REDIS_APP_USER} on #{app} ~* {REDIS_APP_COMMANDS}",
    ]
    return "\n".join(lines) + "\n"


def redis_conf_path(layout: Layout, server: topology.RedisServer) -> Path:
    return layout.conf / f"{topology.redis_part(server.group)}.conf"


def _redis_job() -> dict[str, object]:
    targets = [
        {
            "targets": [f"redis://{H}:{server.port}"],
            "labels": {"instance": cluster, "group": server.group},
        }
        for server in topology.redis_servers()
        for cluster in server.clusters
    ]
    relabel = [
        {"source_labels": ["__address__"], "target_label": "__param_target"},
        {"target_label": "__address__", "replacement": f"{H}:{topology.REDIS_EXPORTER_PORT}"},
    ]
    return {
        "job_name": "redis",
        "metrics_path": "/scrape",
        "static_configs": targets,
        "relabel_configs": relabel,
    }


def _static_job(name: str, port: int, instance: str | None = None) -> dict[str, object]:
    target: dict[str, object] = {"targets": [f"{H}:{port}"]}
    if instance:
        target["labels"] = {"instance": instance}
    return {"job_name": name, "static_configs": [target]}


def prometheus_document(
    layout: Layout,
    port: int = topology.PROMETHEUS_PORT,
    alertmanager_port: int = topology.ALERTMANAGER_PORT,
) -> str:
    """The lab Prometheus' config; a fault test's throwaway copy passes its own two ports (it
    scrapes the lab's exporters like the lab's Prometheus, and alerts only its own Alertmanager).
    """
    jobs = [
        _redis_job(),
        _static_job("mysql", topology.MYSQLD_EXPORTER_PORT, f"{H}:{topology.MARIADB_PORT}"),
        _static_job("postgres", topology.POSTGRES_EXPORTER_PORT, f"{H}:{topology.POSTGRES_PORT}"),
        _static_job("prometheus", port),
        _static_job("alertmanager", alertmanager_port),
    ]
    alertmanager = {"static_configs": [{"targets": [f"{H}:{alertmanager_port}"]}]}
    document = {
        "global": {
            "scrape_interval": "5s",
            "evaluation_interval": "5s",
            "scrape_timeout": "4s",
            "external_labels": {"env": "lab"},
        },
        "rule_files": [str(layout.conf / "rules.yml")],
        "alerting": {"alertmanagers": [alertmanager]},
        "scrape_configs": jobs,
    }
    return json.dumps(document, indent=2) + "\n"


def alertmanager_document() -> str:
    route = {
        "receiver": "dba-oncall",
        "group_by": ["alertname", "severity"],
        "group_wait": "5s",
        "group_interval": "10s",
        "repeat_interval": "4h",
    }
    document = {"route": route, "receivers": [{"name": "dba-oncall"}]}
    return json.dumps(document, indent=2) + "\n"


def write_all(layout: Layout) -> bool:
    """(Re)generate every config file; True if Prometheus' files changed (it needs a reload)."""
    for server in topology.redis_servers():
        write_if_changed(redis_conf_path(layout, server), redis_conf(layout, server), private=True)
    write_if_changed(layout.conf / "alertmanager.yml", alertmanager_document())
    changed = write_if_changed(layout.conf / "prometheus.yml", prometheus_document(layout))
    return write_if_changed(layout.conf / "rules.yml", rules_document()) or changed
