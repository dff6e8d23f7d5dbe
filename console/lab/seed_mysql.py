"""MariaDB: the lab's accounts, the team's 61 databases, realistic rows and a few slow queries.

Accounts are (re)applied on every start so they always match `secrets/`; data is seeded once.
Every statement is built here from constants and generated values, never from user input.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from console.lab import clients, fake, topology
from console.lab.layout import Layout

SEED = 20240601
ORDERS = 5000
MEMBERS = 2000
PAYMENTS = 3000
STORES = 40

# One small table per other database, by domain: (table, DDL columns, INSERT ... SELECT body).
DOMAIN_TABLES: dict[str, tuple[str, str, str]] = {
    "DevOps": (
        "deploy_log",
        "service VARCHAR(64), version VARCHAR(16), env VARCHAR(8), operator VARCHAR(32),"
        " status VARCHAR(12), created_at DATETIME",
        "CONCAT('svc-', seq % 17), CONCAT('1.', seq % 9, '.', seq % 30), ELT(1 + seq % 3,"
        " 'prod', 'staging', 'dev'), ELT(1 + seq % 4, 'zhang.wei', 'j.smith', 'ops-bot',"
        " 'm.garcia'), ELT(1 + seq % 5, 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED',"
        " 'ROLLBACK'), NOW() - INTERVAL seq HOUR",
    ),
    "Sales/CRM": (
        "campaign",
        "name VARCHAR(64), channel VARCHAR(16), budget DECIMAL(12,2), status VARCHAR(12),"
        " starts_at DATETIME",
        "CONCAT('Spring Latte Promo #', seq), ELT(1 + seq % 4, 'app', 'sms', 'email',"
        " 'wechat'), 500 + seq * 37.5, ELT(1 + seq % 3, 'ACTIVE', 'ENDED', 'DRAFT'),"
        " NOW() - INTERVAL seq DAY",
    ),
    "SCM": (
        "purchase_order",
        "po_no VARCHAR(24), supplier_id INT, sku VARCHAR(16), qty INT, unit_cost"
        " DECIMAL(10,2), status VARCHAR(12), created_at DATETIME",
        "CONCAT('PO', 240000 + seq), 1 + seq % 23, CONCAT('SKU-', 1000 + seq % 140),"
        " 10 + seq % 90, 1.25 + (seq % 50) / 4, ELT(1 + seq % 4, 'OPEN', 'SHIPPED',"
        " 'RECEIVED', 'CLOSED'), NOW() - INTERVAL seq * 3 HOUR",
    ),
    "Finance": (
        "ledger_entry",
        "account_code VARCHAR(12), amount DECIMAL(12,2), currency CHAR(3), direction"
        " CHAR(2), memo VARCHAR(64), posted_at DATETIME",
        "CONCAT('6', LPAD(seq % 40, 3, '0')), ROUND(10 + (seq * 7919) % 5000 / 3, 2), 'USD',"
        " ELT(1 + seq % 2, 'DR', 'CR'), CONCAT('settlement batch ', seq DIV 10),"
        " NOW() - INTERVAL seq * 2 HOUR",
    ),
    "Operations": (
        "shop",
        "shop_code VARCHAR(12), name VARCHAR(64), city VARCHAR(32), state CHAR(2),"
        " status VARCHAR(12), opened_at DATE",
        "CONCAT('US', LPAD(seq, 4, '0')), CONCAT('Luckin ', ELT(1 + seq % 6, 'Midtown',"
        " 'Union Sq', 'SoHo', 'FiDi', 'Chelsea', 'Harlem'), ' ', seq), ELT(1 + seq % 3,"
        " 'New York', 'Jersey City', 'Brooklyn'), ELT(1 + seq % 3, 'NY', 'NJ', 'NY'),"
        " ELT(1 + seq % 4, 'OPEN', 'OPEN', 'OPEN', 'CLOSED'), CURDATE() - INTERVAL seq * 5 DAY",
    ),
    "Platform": (
        "app_config",
        "app VARCHAR(32), config_key VARCHAR(64), config_value VARCHAR(255), updated_by"
        " VARCHAR(32), updated_at DATETIME",
        "CONCAT('app-', seq % 12), CONCAT('feature.flag.', seq), IF(seq % 3 = 0, 'false',"
        " 'true'), ELT(1 + seq % 3, 'config-bot', 'l.chen', 'a.patel'),"
        " NOW() - INTERVAL seq * 7 HOUR",
    ),
    "Data/Analytics": (
        "daily_metric",
        "metric VARCHAR(32), dt DATE, value DOUBLE",
        "ELT(1 + seq % 4, 'orders', 'gmv', 'active_members', 'new_members'),"
        " CURDATE() - INTERVAL seq DIV 4 DAY, ROUND(1000 + (seq * 104729) % 90000 / 7, 2)",
    ),
    "HR/Other": (
        "employee",
        "name VARCHAR(64), email VARCHAR(128), dept VARCHAR(32), hired_at DATE",
        "CONCAT(ELT(1 + seq % 6, 'Amy', 'Brian', 'Chen', 'Diego', 'Erin', 'Farah'), ' ',"
        " ELT(1 + seq % 5, 'Wong', 'Kelly', 'Ortiz', 'Singh', 'Baker')),"
        " CONCAT(ELT(1 + seq % 6, 'amy', 'brian', 'chen', 'diego', 'erin', 'farah'), '.',"
        " seq, '@luckincoffee.us'), ELT(1 + seq % 4, 'Ops', 'Tech', 'Finance', 'HR'),"
        " CURDATE() - INTERVAL seq * 11 DAY",
    ),
}

# Realistic application queries slow enough (long_query_time=0.1) for the slow log and digests.
SLOW_QUERIES = (
    "SELECT SLEEP(0.2)",
    "SELECT o.store_id, COUNT(*) AS orders, SUM(o.amount) AS revenue FROM salesorder.orders o"
    " JOIN salesorder.orders r ON r.member_id = o.member_id AND r.id <> o.id"
    " WHERE o.status = 'PAID' GROUP BY o.store_id ORDER BY revenue DESC LIMIT 20",
    "SELECT m.email, COUNT(*) AS payments FROM isalesmembermarketing.members m"
    " JOIN salespayment.payments p ON p.member_id = m.id JOIN salesorder.orders o"
    " ON o.member_id = m.id GROUP BY m.email ORDER BY payments DESC LIMIT 10",
    "SELECT COUNT(*) FROM salesorder.orders WHERE SLEEP(0.00002) = 0"
    " AND DATE(created_at) = CURDATE() - INTERVAL 3 DAY",
)


def quote(value: object) -> str:
    """A SQL literal for a generated value."""
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "''")
    return f"'{text}'"


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Multi-row INSERTs, 500 rows a statement."""
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES\n"
    values = [f"({', '.join(quote(v) for v in row)})" for row in rows]
    chunks = [values[i : i + 500] for i in range(0, len(values), 500)]
    return "".join(head + ",\n".join(chunk) + ";\n" for chunk in chunks)


def accounts_sql(layout: Layout) -> str:
    """Accounts, (re)created with the current passwords: ro, admin, exporter, two app users."""
    pw = {name: quote(layout.password(secret)) for name, (_, secret) in clients.MYSQL_ROLES.items()}
    user = {name: f"'{account}'@'%'" for name, (account, _) in clients.MYSQL_ROLES.items()}
    return f"""
DROP USER IF EXISTS ''@'localhost';
CREATE OR REPLACE USER {user["ro"]} IDENTIFIED BY {pw["ro"]};
GRANT SELECT, PROCESS, SHOW VIEW, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO {user["ro"]};
GRANT EXECUTE ON sys.* TO {user["ro"]};
CREATE OR REPLACE USER {user["admin"]} IDENTIFIED BY {pw["admin"]};
GRANT ALL PRIVILEGES ON *.* TO {user["admin"]} WITH GRANT OPTION;
CREATE OR REPLACE USER {user["exporter"]} IDENTIFIED BY {pw["exporter"]}
  WITH MAX_USER_CONNECTIONS 5;
GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT ON *.* TO {user["exporter"]};
CREATE OR REPLACE USER {user["app"]} IDENTIFIED BY {pw["app"]};
GRANT SELECT, INSERT, UPDATE, DELETE ON salesorder.* TO {user["app"]};
GRANT SELECT, INSERT, UPDATE, DELETE ON salespayment.* TO {user["app"]};
GRANT SELECT ON isalesmembermarketing.* TO {user["app"]};
CREATE OR REPLACE USER {user["storm"]} IDENTIFIED BY {pw["storm"]};
GRANT SELECT, INSERT, UPDATE ON isalesmembermarketing.* TO {user["storm"]};
CREATE OR REPLACE USER {user["report"]} IDENTIFIED BY {pw["report"]};
GRANT SELECT ON *.* TO {user["report"]};
FLUSH PRIVILEGES;
"""


def databases_sql() -> str:
    lines: list[str] = []
    for domain, shorts in topology.MYSQL_DOMAINS.items():
        table, columns, select = DOMAIN_TABLES[domain]
        for short in shorts:
            db = f"`{topology.mysql_database(short)}`"
            lines.append(f"DROP DATABASE IF EXISTS {db};\nCREATE DATABASE {db};")
            lines.append(
                f"CREATE TABLE {db}.{table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, {columns});"
            )
            rows = 40 + len(short) * 7
            lines.append(
                f"INSERT INTO {db}.{table} SELECT NULL, {select} FROM {db}.seq_1_to_{rows};"  # noqa: S608
            )
    return "\n".join(lines) + "\n"


def _when(rng: random.Random, now: datetime) -> str:
    moment = now - timedelta(seconds=rng.randint(0, 90 * 86400))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def members_sql(rng: random.Random, now: datetime, table: str, count: int) -> str:
    ddl = f"""CREATE TABLE {table} (
  id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128) NOT NULL,
  phone VARCHAR(20), tier VARCHAR(12) NOT NULL, points INT NOT NULL DEFAULT 0,
  street VARCHAR(64), city VARCHAR(32), state CHAR(2), zip CHAR(5), created_at DATETIME NOT NULL,
  UNIQUE KEY uk_email (email)
);
"""
    rows, seen = [], set()
    for member_id in range(1, count + 1):
        name, email = fake.person(rng, member_id)
        if email in seen:
            local, domain = email.split("@")
            email = f"{local}{member_id}@{domain}"
        seen.add(email)
        street, city, state, zip_code = fake.address(rng)
        tier = rng.choice(("GREEN", "GREEN", "GREEN", "GOLD", "BLACK"))
        points, phone = rng.randint(0, 12000), fake.us_phone(rng)
        rows.append((member_id, name, email, phone, tier, points, street, city, state, zip_code,
                     _when(rng, now)))  # fmt: skip
    columns = ("id", "name", "email", "phone", "tier", "points", "street", "city", "state", "zip",
               "created_at")  # fmt: skip
    return ddl + insert(table, columns, rows)


def orders_sql(rng: random.Random, now: datetime) -> str:
    ddl = """CREATE TABLE salesorder.orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY, order_no VARCHAR(24) NOT NULL, member_id BIGINT NOT NULL,
  store_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL, status VARCHAR(12) NOT NULL,
  channel VARCHAR(12) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
  KEY idx_store_created (store_id, created_at)
);
"""
    statuses = ("PAID", "PAID", "PAID", "PAID", "COMPLETED", "PENDING", "REFUNDED", "CANCELLED")
    rows = []
    for order_id in range(1, ORDERS + 1):
        created = _when(rng, now)
        amount = round(rng.uniform(3.5, 42.0), 2)
        rows.append((order_id, f"US{20240000000 + order_id * 7}", rng.randint(1, MEMBERS),
                     rng.randint(1, STORES), amount, rng.choice(statuses),
                     rng.choice(("app", "app", "mini", "kiosk")), created, created))  # fmt: skip
    columns = ("id", "order_no", "member_id", "store_id", "amount", "status", "channel",
               "created_at", "updated_at")  # fmt: skip
    return ddl + insert("salesorder.orders", columns, rows)


def payments_sql(rng: random.Random, now: datetime) -> str:
    ddl = """CREATE TABLE salespayment.payments (
  id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, member_id BIGINT NOT NULL,
  card_brand VARCHAR(12) NOT NULL, card_number VARCHAR(19) NOT NULL, amount DECIMAL(10,2) NOT NULL,
  status VARCHAR(12) NOT NULL, paid_at DATETIME NOT NULL, KEY idx_order (order_id)
);
"""
    rows = []
    for payment_id in range(1, PAYMENTS + 1):
        brand, number = fake.card(rng)
        status = rng.choice(("CAPTURED", "CAPTURED", "CAPTURED", "REFUNDED", "DECLINED"))
        rows.append((payment_id, rng.randint(1, ORDERS), rng.randint(1, MEMBERS), brand, number,
                     round(rng.uniform(3.5, 42.0), 2), status, _when(rng, now)))  # fmt: skip
    columns = ("id", "order_id", "member_id", "card_brand", "card_number", "amount", "status",
               "paid_at")  # fmt: skip
    return ddl + insert("salespayment.payments", columns, rows)


def data_sql() -> str:
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    return "".join(
        (
            databases_sql(),
            members_sql(rng, now, "isalesmembermarketing.members", MEMBERS),
            members_sql(rng, now, "salescrm.members", MEMBERS // 4),
            orders_sql(rng, now),
            payments_sql(rng, now),
            "ANALYZE TABLE salesorder.orders, salespayment.payments;\n",
        )
    )


def bootstrap(layout: Layout) -> str | None:
    """Apply the accounts over the root socket; an error message, or None."""
    done = clients.mysql(layout, accounts_sql(layout), role="root")
    return None if done.returncode == 0 else f"accounts: {clients.errors(done)}"


def seed(layout: Layout) -> str | None:
    """Create and fill the databases, then run the slow queries; an error message, or None."""
    done = clients.mysql(layout, data_sql(), role="admin", timeout_s=120)
    if done.returncode != 0:
        return f"seed: {clients.errors(done)}"
    for sql, role in zip(SLOW_QUERIES, ("app", "report", "report", "app"), strict=True):
        done = clients.mysql(layout, sql + ";", role=role)
        if done.returncode != 0:
            return f"slow query as {role}: {clients.errors(done)}"
    return None
