"""Is a part usable? One cheap probe per part, through the account the console itself uses.

`ready` means the server accepts connections (enough to seed it); `healthy` means the console's
read-only account works, or for Prometheus that the first scrapes of every job have landed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from console.lab import clients, topology
from console.lab.layout import Layout
from console.lab.parts import Part

H = topology.HOST
Probe = tuple[bool, str]


def http_get(url: str, timeout_s: float = 2.0) -> tuple[int, bytes]:
    """(status, body) of a GET; status 0 when the server cannot be reached."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, ValueError):
        return 0, b""


def http_post(url: str, timeout_s: float = 5.0) -> int:
    """POST with an empty body; the status, 0 when the server cannot be reached."""
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return 0


def prometheus_query(expr: str, timeout_s: float = 2.0) -> list[dict[str, object]] | None:
    """The result vector of an instant query, or None if Prometheus did not answer."""
    query = urllib.parse.urlencode({"query": expr})
    url = f"http://{H}:{topology.PROMETHEUS_PORT}/api/v1/query?{query}"
    status, body = http_get(url, timeout_s)
    if status != 200:
        return None
    data = json.loads(body).get("data", {})
    result = data.get("result", []) if isinstance(data, dict) else []
    return [item for item in result if isinstance(item, dict)]


def _scalar(expr: str) -> float | None:
    result = prometheus_query(expr)
    if not result:
        return None
    value = result[0].get("value")
    return float(value[1]) if isinstance(value, list) and len(value) == 2 else None


def _http(url: str) -> Probe:
    status, _ = http_get(url)
    return (status == 200, f"HTTP {status}" if status else "not listening")


def _mariadb(layout: Layout) -> Probe:
    done = clients.mysql(layout, "SELECT VERSION()", role="ro", timeout_s=5)
    if done.returncode != 0:
        return False, clients.errors(done).splitlines()[-1] if clients.errors(done) else "down"
    return True, f"MariaDB {clients.text(done)}"


def _postgres(layout: Layout) -> Probe:
    sql = "SELECT current_setting('server_version')"
    done = clients.psql(layout, sql, role="ro", database="dify", timeout_s=5)
    if done.returncode != 0:
        return False, clients.errors(done).splitlines()[-1] if clients.errors(done) else "down"
    return True, f"PostgreSQL {clients.text(done)}"


def _redis(layout: Layout, part: Part) -> Probe:
    assert part.port is not None
    done = clients.redis(layout, part.port, "PING", role="ro", timeout_s=5)
    answer = clients.text(done)
    if answer != "PONG":
        return False, answer or clients.errors(done) or "down"
    assert part.redis is not None
    clusters = part.redis.clusters
    names = clusters[0] if len(clusters) == 1 else f"{len(clusters)} clusters"
    return True, f"{names} ({part.redis.group})"


def _active_redis_targets() -> int:
    """Redis targets Prometheus lists as active and up: what the console's discovery reads."""
    url = f"http://{H}:{topology.PROMETHEUS_PORT}/api/v1/targets?state=active"
    status, body = http_get(url)
    if status != 200:
        return 0
    targets = json.loads(body).get("data", {}).get("activeTargets", [])
    return sum(
        1
        for t in targets
        if isinstance(t, dict)
        and t.get("labels", {}).get("job") == "redis"
        and t.get("health") == "up"
    )


def _prometheus() -> Probe:
    # samples kept from before a restart answer queries at once; discovery needs live targets
    active = _active_redis_targets()
    if active != topology_redis_targets():
        return False, f"{active} of {topology_redis_targets()} redis targets up"
    redis = _scalar('count(up{job="redis"})')
    if redis is None:
        return False, "no scrape yet"
    mysql = _scalar('count(up{job="mysql"})')
    postgres = _scalar('count(up{job="postgres"})')
    if redis != topology_redis_targets() or not mysql or not postgres:
        return False, f"scraped redis={redis:g}, mysql={mysql}, postgres={postgres}"
    return True, f"{redis:g} redis targets, mysql and postgres scraped"


def topology_redis_targets() -> int:
    return sum(len(server.clusters) for server in topology.redis_servers())


def healthy(layout: Layout, part: Part) -> Probe:
    """Probe one part the way the console would use it."""
    if part.redis is not None:
        return _redis(layout, part)
    base = f"http://{H}:{part.port}"
    probes: dict[str, Callable[[], Probe]] = {
        "mariadb": lambda: _mariadb(layout),
        "postgres": lambda: _postgres(layout),
        "redis-exporter": lambda: _http(f"{base}/metrics"),
        "mysqld-exporter": lambda: _http(f"{base}/metrics"),
        "postgres-exporter": lambda: _http(f"{base}/metrics"),
        "alertmanager": lambda: _http(f"{base}/-/ready"),
        "prometheus": _prometheus,
        "moto": lambda: _http(f"{base}/moto-api/"),
    }
    return probes[part.name]()


def ready(layout: Layout, part: Part) -> Probe:
    """Accepting connections: enough to create accounts and seed (databases only differ)."""
    if part.name == "mariadb":
        done = clients.mysql(layout, "SELECT 1", role="root", timeout_s=5)
        return done.returncode == 0, clients.errors(done) or "ready"
    if part.name == "postgres":
        done = clients.psql(layout, "SELECT 1", role="postgres", timeout_s=5)
        return done.returncode == 0, clients.errors(done) or "ready"
    return healthy(layout, part)
