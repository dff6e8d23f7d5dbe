"""PostgreSQL: the lab's roles, the dify / difynew / pgilkmap databases and realistic rows.

Roles are (re)applied on every start through the trusted local socket; data is seeded once,
generated server-side with generate_series so seeding stays fast.
"""

from __future__ import annotations

from console.lab import clients, topology
from console.lab.layout import Layout

NAMES = (
    "ARRAY['james','mary','robert','patricia','john','jennifer','michael','linda','wei','mei',"
    "'carlos','maria','ahmed','fatima','chris','sarah','daniel','lisa','kevin','emily']"
)
SURNAMES = (
    "ARRAY['smith','johnson','garcia','chen','wang','nguyen','patel','kim','lee','brown',"
    "'davis','miller','lopez','martin','li','zhang','taylor','moore','white','harris']"
)
DOMAINS = "ARRAY['gmail.com','gmail.com','yahoo.com','outlook.com','icloud.com','hotmail.com']"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def roles_sql(layout: Layout) -> str:
    """Roles with the current passwords: ro (read-only), admin (superuser), the dify app."""
    lines = []
    for role, attributes in (("ro", "LOGIN"), ("admin", "LOGIN SUPERUSER"), ("app", "LOGIN")):
        name, secret = clients.PG_ROLES[role]
        password = _literal(layout.password(secret))
        lines.append(
            f"SELECT 'CREATE ROLE {name}' WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM pg_roles WHERE rolname = '{name}') \\gexec\n"
            f"ALTER ROLE {name} WITH {attributes} PASSWORD {password};"
        )
    ro = topology.POSTGRES_RO_USER
    lines.append(f"GRANT pg_read_all_data, pg_monitor TO {ro};")
    lines.append(f"ALTER ROLE {ro} SET default_transaction_read_only = on;")
    return "\n".join(lines) + "\n"


DIFY_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
  plan text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL,
  email text NOT NULL UNIQUE, status text NOT NULL, last_login_at timestamptz,
  created_at timestamptz NOT NULL);
CREATE TABLE apps (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL
  REFERENCES tenants, name text NOT NULL, mode text NOT NULL, created_by uuid REFERENCES accounts,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE TABLE conversations (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), app_id uuid NOT NULL
  REFERENCES apps, from_account_id uuid REFERENCES accounts, name text NOT NULL,
  status text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE messages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), conversation_id uuid NOT NULL
  REFERENCES conversations, app_id uuid NOT NULL, user_email text NOT NULL, query text NOT NULL,
  answer text NOT NULL, message_tokens int NOT NULL, answer_tokens int NOT NULL,
  total_price numeric(10,7) NOT NULL, created_at timestamptz NOT NULL);
CREATE INDEX messages_conversation_idx ON messages (conversation_id);
INSERT INTO tenants (name, plan, created_at)
  SELECT 'workspace-' || i, (ARRAY['sandbox','team','enterprise'])[1 + i % 3],
         now() - i * interval '9 days' FROM generate_series(1, 12) i;
INSERT INTO accounts (name, email, status, last_login_at, created_at)
  SELECT initcap((@NAMES@)[1 + i % 20]) || ' ' || initcap((@SURNAMES@)[1 + (i / 20) % 20]),
         (@NAMES@)[1 + i % 20] || '.' || (@SURNAMES@)[1 + (i / 20) % 20] || i || '@'
           || (@DOMAINS@)[1 + i % 6],
         (ARRAY['active','active','active','banned','pending'])[1 + i % 5],
         now() - (i % 40) * interval '1 hour', now() - i * interval '6 hours'
    FROM generate_series(1, 400) i;
INSERT INTO apps (tenant_id, name, mode, created_by, created_at, updated_at)
  SELECT (SELECT id FROM tenants ORDER BY name OFFSET i % 12 LIMIT 1),
         (ARRAY['Store FAQ bot','Menu assistant','HR helpdesk','Ops runbook','SQL copilot'])
           [1 + i % 5] || ' ' || i,
         (ARRAY['chat','agent-chat','workflow','completion'])[1 + i % 4],
         (SELECT id FROM accounts ORDER BY email OFFSET i LIMIT 1),
         now() - i * interval '3 days', now() - i * interval '1 day'
    FROM generate_series(1, 40) i;
"""

DIFY_ROWS = """
WITH a AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM apps),
     acc AS (SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM accounts)
INSERT INTO conversations (app_id, from_account_id, name, status, created_at)
  SELECT a.id, acc.id, 'Conversation ' || i, (ARRAY['normal','normal','archived'])[1 + i % 3],
         now() - i * interval '37 minutes'
    FROM generate_series(1, @CONVERSATIONS@) i
    JOIN a ON a.n = i % 40 JOIN acc ON acc.n = i % 400;
WITH c AS (SELECT id, app_id, created_at, row_number() OVER (ORDER BY created_at) - 1 AS n
             FROM conversations)
INSERT INTO messages (conversation_id, app_id, user_email, query, answer, message_tokens,
                      answer_tokens, total_price, created_at)
  SELECT c.id, c.app_id, (@NAMES@)[1 + i % 20] || '.' || (@SURNAMES@)[1 + i % 19] || '@'
           || (@DOMAINS@)[1 + i % 6],
         (ARRAY['What time does the Midtown store open?','How many points for a latte?',
                'Refund for order US2024001337','Reset my password','Show me the oat milk menu'])
           [1 + i % 5],
         'Here is what I found: ' || md5(i::text), 20 + i % 300, 40 + i % 900,
         ((20 + i % 300) * 0.0000015)::numeric(10,7), c.created_at + (i % 60) * interval '1 second'
    FROM generate_series(1, @MESSAGES@) i
    JOIN c ON c.n = i % @CONVERSATIONS@;
"""

PGILKMAP = """
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE stores (id serial PRIMARY KEY, store_code text NOT NULL UNIQUE, name text NOT NULL,
  address text NOT NULL, city text NOT NULL, state char(2) NOT NULL, zip char(5) NOT NULL,
  lat numeric(9,6) NOT NULL, lon numeric(9,6) NOT NULL, phone text, opened_on date);
CREATE TABLE delivery_zones (id serial PRIMARY KEY, store_id int NOT NULL REFERENCES stores,
  radius_m int NOT NULL, fee numeric(6,2) NOT NULL, active boolean NOT NULL);
CREATE TABLE geocode_cache (address text PRIMARY KEY, lat numeric(9,6) NOT NULL,
  lon numeric(9,6) NOT NULL, provider text NOT NULL, hits int NOT NULL,
  updated_at timestamptz NOT NULL);
INSERT INTO stores (store_code, name, address, city, state, zip, lat, lon, phone, opened_on)
  SELECT 'US' || lpad(i::text, 4, '0'), 'Luckin Coffee #' || i,
         (100 + i * 7) || ' '
           || (ARRAY['Broadway','5th Ave','Lexington Ave','Park Ave'])[1 + i % 4],
         (ARRAY['New York','Brooklyn','Jersey City'])[1 + i % 3],
         (ARRAY['NY','NY','NJ'])[1 + i % 3], (ARRAY['10001','11201','07302'])[1 + i % 3],
         40.70 + (i % 50) * 0.002, -74.01 + (i % 37) * 0.002,
         '(212) ' || (300 + i) || '-' || lpad((i * 37 % 10000)::text, 4, '0'),
         current_date - i * 9
    FROM generate_series(1, 120) i;
INSERT INTO delivery_zones (store_id, radius_m, fee, active)
  SELECT 1 + i % 120, 800 + (i % 5) * 400, 1.99 + (i % 3), i % 7 <> 0
    FROM generate_series(1, 360) i;
INSERT INTO geocode_cache (address, lat, lon, provider, hits, updated_at)
  SELECT i || ' ' || (ARRAY['W 34th St','E 14th St','Canal St','Atlantic Ave','Newark Ave'])
           [1 + i % 5] || ', '
           || (ARRAY['New York, NY','Brooklyn, NY','Jersey City, NJ'])[1 + i % 3],
         40.6 + (i % 400) * 0.0007, -74.1 + (i % 300) * 0.0009,
         (ARRAY['google','here','mapbox'])[1 + i % 3], i % 97, now() - (i % 500) * interval '1 hour'
    FROM generate_series(1, 6000) i;
"""

WORKLOAD = """
SELECT count(*), sum(total_price) FROM messages WHERE user_email LIKE '%@gmail.com';
SELECT a.name, count(m.id) FROM apps a JOIN messages m ON m.app_id = a.id GROUP BY a.name
  ORDER BY 2 DESC LIMIT 10;
SELECT pg_sleep(0.25);
"""


def _arrays(sql: str) -> str:
    """Fill in the name arrays the generators draw from."""
    return (
        sql.replace("@NAMES@", NAMES).replace("@SURNAMES@", SURNAMES).replace("@DOMAINS@", DOMAINS)
    )


def databases_sql() -> str:
    """Drop and recreate the three databases, then fill each one."""
    app = clients.PG_ROLES["app"][0]
    parts = []
    for name in topology.POSTGRES_DATABASES.values():
        parts.append(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);")
        parts.append(f"CREATE DATABASE {name} OWNER {app};")
    for name, size in (("dify", 1), ("difynew", 0)):
        rows = DIFY_ROWS.replace("@CONVERSATIONS@", "2000" if size else "300")
        rows = rows.replace("@MESSAGES@", "12000" if size else "1500")
        parts += [f"\\connect {name}", _arrays(DIFY_SCHEMA), _arrays(rows)]
        parts.append(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {app};")
        parts.append("ANALYZE;")
    parts += ["\\connect pgilkmap", PGILKMAP, f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {app};"]
    return "\n".join(parts) + "\n"


def bootstrap(layout: Layout, port: int = topology.POSTGRES_PORT) -> str | None:
    """Create the roles over the trusted socket (`port`: a fault test's copy passes its own)."""
    done = clients.psql(layout, roles_sql(layout), role="postgres", port=port)
    return None if done.returncode == 0 else f"roles: {clients.errors(done)}"


def seed(layout: Layout) -> str | None:
    done = clients.psql(layout, databases_sql(), role="postgres", timeout_s=120)
    if done.returncode != 0:
        return f"seed: {clients.errors(done)}"
    done = clients.psql(layout, WORKLOAD, role="app", database="dify")
    return None if done.returncode == 0 else f"workload: {clients.errors(done)}"
