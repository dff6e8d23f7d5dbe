"""The local lab's shape: ports, databases and Redis clusters, in one place.

The lab maps the team's real fleet onto a few servers on 127.0.0.1; `config.toml`'s
`[profiles.lab]` and the lab's Prometheus targets are both written from these names, so the
console sees the production fleet's shape on a laptop.
"""

from __future__ import annotations

from dataclasses import dataclass

HOST = "127.0.0.1"

MARIADB_PORT = 13306
MARIADB_MAX_CONNECTIONS = 400  # what the connection-storm scenario pushes above 80 % of
POSTGRES_PORT = 15432
PROMETHEUS_PORT = 19090
ALERTMANAGER_PORT = 19093
MOTO_PORT = 15000
REDIS_EXPORTER_PORT = 19121
MYSQLD_EXPORTER_PORT = 19104
POSTGRES_EXPORTER_PORT = 19187
REDIS_BASE_PORT = 16380

# Accounts the lab creates; passwords live in <lab>/secrets/<file>, mode 0600.
MYSQL_RO_USER = "opsconsole_ro"
MYSQL_ADMIN_USER = "opsconsole_admin"
POSTGRES_RO_USER = "opsconsole_ro"
POSTGRES_ADMIN_USER = "opsconsole_admin"
REDIS_RO_USER = "opsconsole"
REDIS_ADMIN_USER = "admin"
SECRET_FILES = (
    "mysql-ro.pass",
    "mysql-admin.pass",
    "postgres-ro.pass",
    "postgres-admin.pass",
    "redis-ro.pass",
    "redis-admin.pass",
)

# The team's 61 named MySQL databases, by domain (context document, "MySQL Databases").
# fmt: off
MYSQL_DOMAINS: dict[str, tuple[str, ...]] = {
    "DevOps": (
        "devops", "ijumpserver", "iluckydorisops", "dbatest", "recovery-dbatest", "framework01",
        "framework02", "iadmin", "ipermission", "iluckyauthapi", "iworkflowmidlayer", "oplog",
    ),
    "Sales/CRM": (
        "salescrm", "salesmarketing", "salesorder", "salespayment", "isalescdp",
        "isalesdatamarketing", "isalesmembermarketing", "isalesprivatedomain", "cdpactivity",
    ),
    "SCM": (
        "scm-asset", "scm-openapi", "scm-ordering", "scm-plan", "scm-purchase", "scm-shopstock",
        "scm-wds", "scm-wmssimulate", "scmcommodity", "scmsrm", "ireplenishment",
    ),
    "Finance": (
        "fichargecontrol", "fitax", "ifiaccounting", "ibillingcentersrv", "iunifiedreconcile",
    ),
    "Operations": (
        "opempefficiency", "opproduction", "opqualitycontrol", "opshop", "opshopsale",
        "iopshopexpand", "iopocp", "mfranchise",
    ),
    "Platform": (
        "iopenadmin", "iopenlinker", "iopenservice", "ibizconfigcenter", "iluckyams",
        "iluckyhealth", "iluckymedia", "upush", "iotplatform",
    ),
    "Data/Analytics": ("ldas", "ldas01", "pubdm", "icyberdata"),
    "HR/Other": ("iehr", "igers", "iriskcontrolservice"),
}
# fmt: on

# The 3 PostgreSQL servers: short name -> database name on the lab's one PostgreSQL server.
POSTGRES_DATABASES: dict[str, str] = {"dify": "dify", "difynew": "difynew", "pgilkmap": "pgilkmap"}

# The 78 Redis clusters, by group (11 groups, counts from the context document). The team knows
# them through Prometheus; the lab runs one small Redis server per group and publishes every
# cluster as a redis-exporter target named after it.
# fmt: off
REDIS_GROUPS: dict[str, tuple[str, ...]] = {
    "Auth": (
        "auth-session", "auth-token", "auth-captcha", "auth-oauth", "auth-sms",
        "auth-permission", "iluckyauthapi", "sso",
    ),
    "API/Network": ("apigw-ratelimit", "apigw-cache", "gateway-route"),
    "Sales/CRM": (
        "isales-market", "isales-order", "isales-member", "isales-coupon", "isales-cdp",
        "isales-privatedomain", "salescrm", "salesorder", "salespayment", "salesmarketing",
    ),
    "SCM": (
        "scm-asset", "scm-openapi", "scm-ordering", "scm-plan", "scm-purchase", "scm-shopstock",
        "scm-wds", "scm-commodity", "scm-srm", "scm-wms", "ireplenishment",
    ),
    "DevOps": (
        "devops", "devops-lock", "devops-oplog", "framework", "ijumpserver", "iworkflow",
    ),
    "Analytics": ("ldas", "ldas01", "icyberdata", "pubdm", "bi-report"),
    "Finance": (
        "fichargecontrol", "fitax", "ifiaccounting", "ibillingcenter", "iunifiedreconcile",
        "finance-cache",
    ),
    "Operations": (
        "opempefficiency", "opproduction", "opqualitycontrol", "opshop", "opshopsale",
        "iopshopexpand", "iopocp", "mfranchise", "opstore-status",
    ),
    "Platform": (
        "iopenadmin", "iopenlinker", "iopenservice", "ibizconfigcenter", "iluckyams",
        "iluckyhealth", "iluckymedia", "upush", "iotplatform", "platform-cache",
        "platform-session", "platform-config", "platform-lock", "platform-queue",
        "platform-idgen", "platform-ratelimit", "platform-notify", "platform-search",
    ),
    "Dify": ("dify",),
    "Map": ("ilkmap",),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class RedisServer:
    """One lab Redis server: it stands in for every cluster of one group."""

    group: str
    port: int
    clusters: tuple[str, ...]


def mysql_database(short_name: str) -> str:
    """The lab database that stands in for `aws-luckyus-{short_name}-rw`."""
    return short_name.replace("-", "_")


def redis_cluster_name(short_name: str) -> str:
    """The team's name of a Redis cluster: `luckyus-{name}`."""
    return f"luckyus-{short_name}"


def redis_servers() -> tuple[RedisServer, ...]:
    """The lab's Redis servers, one per group, on consecutive ports."""
    return tuple(
        RedisServer(group, REDIS_BASE_PORT + index, tuple(redis_cluster_name(n) for n in names))
        for index, (group, names) in enumerate(REDIS_GROUPS.items())
    )


def redis_part(group: str) -> str:
    """The lab part running a group's Redis server ("Sales/CRM" -> "redis-sales-crm")."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in group.lower())
    return "redis-" + "-".join(piece for piece in slug.split("-") if piece)


def redis_key_prefix(short_name: str) -> str:
    """The key prefix a cluster's seeded keys use ("isales-market" -> "isales:market")."""
    return short_name.replace("-", ":")
