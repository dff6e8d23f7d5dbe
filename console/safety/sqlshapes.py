"""The parsed half of the SQL guard: classify a sqlglot tree, bound its rows, regenerate its text.

Read-only is an allowlist of tree shapes (SELECT, set operations, CTEs of selects, VALUES) with
nothing harmful anywhere inside; every other shape maps to write, destructive or refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.safety.sqlcalls import emitted_name
from console.safety.sqlpredicates import always_true
from console.safety.sqlrules import (
    Dialect,
    Finding,
    LimitPolicy,
    Verdict,
    function_finding,
    refusal,
    worst,
)

if TYPE_CHECKING:
    from sqlglot import exp

QUERY_LEADS = frozenset({"SELECT", "WITH", "(", "VALUES", "TABLE"})
QUERY_KEYS = frozenset({"select", "union", "intersect", "except", "subquery", "values"})
PLAIN_QUERY_KEYS = frozenset({"select", "union", "intersect", "except", "subquery"})
DEFINITIONS = frozenset({"alter", "create"})
WRITE_CREATE_KINDS = frozenset({"TABLE", "INDEX", "VIEW", "SCHEMA", "DATABASE", "SEQUENCE"})

# Statement nodes judged by their type alone (sqlglot's `Expression.key`).
STATEMENTS: dict[str, Finding] = {
    "insert": ("write", "INSERT writes rows"),
    "drop": ("destructive", "DROP removes a schema object or account"),
    "alter": ("destructive", "ALTER changes a schema object or account"),
    "truncatetable": ("destructive", "TRUNCATE empties the table"),
    "kill": ("destructive", "KILL ends another session or its query"),
    "grant": ("destructive", "GRANT changes privileges"),
    "revoke": ("destructive", "REVOKE changes privileges"),
    "analyze": ("write", "ANALYZE updates optimizer statistics"),
    "comment": ("write", "COMMENT ON changes the catalog"),
}

# Nodes that must never appear inside another statement (nested statements, session state).
NESTED_REFUSED = frozenset(
    {"command", "set", "use", "transaction", "commit", "rollback", "copy", "show", "describe"}
    | {"create", "drop", "alter", "truncatetable", "kill", "grant", "revoke", "analyze"}
    | {"comment", "pragma", "loaddata", "cache", "uncache", "refresh"}
)


def judge_tree(
    tree: exp.Expr,
    lead: str,
    dialect: Dialect,
    policy: LimitPolicy | None,
    text: str,
    generate: bool = True,
) -> Verdict:
    """Classify one parsed statement, LIMIT it if it is a read-only query, regenerate its SQL.

    Why: what runs is sqlglot's regeneration (comments dropped), so what was judged is what runs.
    `generate=False` (the second look at a regenerated statement) keeps `text` as it is.
    """
    from sqlglot.errors import SqlglotError

    if (tree.key in QUERY_KEYS) != (lead in QUERY_LEADS) and lead != "WITH":
        return refusal(text, f"{lead} parsed as {tree.key}: not a statement shape the guard knows")
    findings = [_top_level(tree, dialect), *_nested(tree, dialect)]
    level, _ = worst(findings)
    reasons = [reason for found, reason in findings if found == level]
    if level == "refused":
        return refusal(text, *reasons)
    if level == "read_only" and policy is not None and tree.key in PLAIN_QUERY_KEYS:
        unbounded = unbounded_fetch(tree)
        if unbounded is not None:
            return refusal(text, unbounded)
        reasons += _apply_limit(tree, policy, dialect)
    try:
        statement = regenerate(tree, dialect) if generate else text
    except SqlglotError as exc:
        return refusal(text, f"sqlglot cannot regenerate it faithfully: {exc}")
    return Verdict(level, statement, tuple(reasons), tree.key in PLAIN_QUERY_KEYS)


def regenerate(tree: exp.Expr, dialect: Dialect) -> str:
    """The statement as sqlglot writes it in `dialect`, without comments; raises if unsupported.

    Why: comments are where dialect lexers disagree (nesting, `--`), so none are ever sent.
    """
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    if dialect == "mysql":  # sqlglot quotes DUAL as `DUAL`, which MySQL reads as a real table
        for table in tree.find_all(exp.Table):
            bare = not table.args.get("db") and not table.this.args.get("quoted")
            if bare and table.name.upper() == "DUAL":
                table.set("this", exp.var("DUAL"))
    return tree.sql(dialect=dialect, comments=False, unsupported_level=ErrorLevel.RAISE)


def _top_level(tree: exp.Expr, dialect: Dialect) -> Finding:
    """What the statement itself does, judged by the type of its root node."""
    if tree.key in QUERY_KEYS:
        return ("read_only", "read-only query")
    if tree.key in STATEMENTS:
        return STATEMENTS[tree.key]
    if tree.key in ("update", "delete", "merge", "create"):
        return _dml_or_create(tree, dialect)
    return ("refused", f"{tree.key.upper()} is not a statement the console runs")


def _dml_or_create(tree: exp.Expr, dialect: Dialect) -> Finding:
    """UPDATE/DELETE (destructive without WHERE, or with an always-true one), MERGE
    (destructive if it deletes), CREATE."""
    from sqlglot import exp

    if tree.key in ("update", "delete"):
        verb, does = ("UPDATE", "changes") if tree.key == "update" else ("DELETE", "removes")
        where = tree.args.get("where")
        if where is None:
            return ("destructive", f"{verb} without WHERE {does} every row")
        if always_true(where.this, dialect):
            return ("destructive", f"{verb} with an always-true WHERE {does} every row")
        return (
            ("write", "UPDATE changes rows")
            if verb == "UPDATE"
            else ("destructive", "DELETE removes rows")
        )
    if tree.key == "merge":
        if any(when.text("then").upper() == "DELETE" for when in tree.find_all(exp.When)):
            return ("destructive", "MERGE ... THEN DELETE removes rows")
        on = tree.args.get("on")
        if isinstance(on, exp.Expr) and always_true(on, dialect):
            return ("destructive", "MERGE with an always-true ON matches every row")
        return ("write", "MERGE writes rows")
    kind = str(tree.args.get("kind") or "").upper()
    if kind in WRITE_CREATE_KINDS and not tree.args.get("replace"):
        return ("write", f"CREATE {kind} adds a schema object")
    return ("destructive", f"CREATE {'OR REPLACE ' if tree.args.get('replace') else ''}{kind}")


def _nested(tree: exp.Expr, dialect: Dialect) -> list[Finding]:
    """Findings from every node below the root: sub-statements, INTO, locks, functions, hints."""
    found: list[Finding] = []
    definition = tree.key in DEFINITIONS
    for node in tree.walk():
        if node is tree:
            continue
        finding = _node_finding(node, dialect, definition)
        if finding is not None:
            found.append(finding)
    return found


def _node_finding(node: exp.Expr, dialect: Dialect, definition: bool) -> Finding | None:
    """What one nested node adds to the verdict, or None when it is harmless.

    Why: inside ALTER/CREATE a nested DROP is an action of the root, not a second statement.
    """
    from sqlglot import exp

    merge_action = isinstance(node.parent, exp.When)  # MERGE ... THEN UPDATE: judged with MERGE
    if node.key in ("insert", "update", "delete", "merge") and not merge_action:
        level, reason = _top_level(node, dialect)
        return (level, f"data-modifying sub-statement: {reason}")
    if node.key in NESTED_REFUSED and not definition:
        return ("refused", f"{node.key.upper()} nested inside another statement")
    if isinstance(node, exp.Into):
        if dialect == "postgres":
            return ("write", "SELECT ... INTO creates a table")
        return ("refused", "SELECT ... INTO writes a file or variables")
    if isinstance(node, exp.Lock):
        return ("refused", "locking read (FOR UPDATE/SHARE) holds row locks")
    if isinstance(node, exp.PropertyEQ):
        return ("refused", "assignment (:=) changes session variables")
    if isinstance(node, exp.Hint):
        return _hint_finding(node)
    if isinstance(node, exp.Operator):
        return _operator_finding(node)
    if isinstance(node, exp.Func) and node.find_ancestor(exp.Hint) is None:
        return _function_node_finding(node, dialect)
    return None


def _function_node_finding(node: exp.Func, dialect: Dialect) -> Finding | None:
    """The allowlist verdict for one function call, by the name that will run.

    Why: sqlglot turns most calls into typed nodes (`Length`, `GroupConcat`...) whose own names
    are sqlglot's, so the name judged is the one the regenerated statement calls.
    """
    from sqlglot import exp

    schema = _qualifier(node, dialect)
    if isinstance(node, exp.Anonymous):
        quoted = isinstance(node.this, exp.Identifier) and bool(node.this.args.get("quoted"))
        arguments = len(node.expressions)
        return function_finding(
            node.name, dialect, schema=schema, arguments=arguments, quoted=quoted
        )
    name = emitted_name(node, dialect)
    if name is None:
        return None
    return function_finding(name, dialect, schema=schema)


def _qualifier(node: exp.Func, dialect: Dialect) -> str:
    """The schema (and catalog) a call is qualified by: `shop.f()`, or `FROM shop.f()`."""
    from sqlglot import exp

    parent = node.parent
    if isinstance(parent, exp.Dot) and parent.expression is node:
        written = str(parent.this.sql(dialect=dialect))
        return written.replace('"', "").replace("`", "")
    if isinstance(parent, exp.Table) and parent.this is node:
        parts = [parent.args.get("catalog"), parent.args.get("db")]
        return ".".join(part.name for part in parts if part is not None)
    return ""


def _operator_finding(node: exp.Operator) -> Finding | None:
    """`OPERATOR(schema.op)` calls the function behind the operator: only pg_catalog's are pure."""
    operator = str(node.args.get("operator") or "")
    if operator.lower().startswith("pg_catalog."):
        return None
    return ("refused", f"OPERATOR({operator}) may be user-defined: it calls a function of its own")


def _hint_finding(node: exp.Hint) -> Finding | None:
    """Optimizer hints may not override session settings or the console's statement timeout."""
    text = node.sql().upper()
    if "SET_VAR" in text or "MAX_EXECUTION_TIME" in text:
        return ("refused", "optimizer hint overrides session settings or the time limit")
    return None


def _apply_limit(tree: exp.Expr, policy: LimitPolicy, dialect: Dialect) -> list[str]:
    """Add `LIMIT limit` to the outermost query, or cap a larger one; say what was done.

    Why: an ad-hoc SELECT on production must not stream a whole table into the console.
    `FETCH ... WITH TIES` returns every row tied with the last, however many: it becomes
    `ROWS ONLY`, so that the cap holds.
    """
    from sqlglot import exp

    node = tree.args.get("limit")
    if node is None:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(policy.limit)))
        return [f"LIMIT {policy.limit} added"]
    slot = "count" if isinstance(node, exp.Fetch) else "expression"
    value = node.args.get(slot)
    count = 1 if value is None and slot == "count" else _literal_int(value)
    reasons = _without_ties(node)
    if policy.allow_larger or (count is not None and count <= policy.cap):
        return reasons
    node.set(slot, exp.Literal.number(policy.cap))
    shown = str(count) if count is not None else value.sql(dialect) if value is not None else "?"
    return [*reasons, f"LIMIT {shown} capped to {policy.cap}"]


def _without_ties(node: exp.Expr) -> list[str]:
    """Turn `FETCH ... WITH TIES` into `FETCH ... ROWS ONLY`, and say so (nothing if no ties)."""
    options = node.args.get("limit_options")
    if options is None or not options.args.get("with_ties"):
        return []
    options.set("with_ties", False)
    return ["FETCH ... WITH TIES rewritten to ROWS ONLY: rows tied with the last are not returned"]


def unbounded_fetch(tree: exp.Expr) -> str | None:
    """Why the outermost query's row count has no bound the guard can cap, or None.

    Why: `FETCH FIRST 10 PERCENT` is a share of however many rows there are.
    """
    node = tree.args.get("limit")
    options = node.args.get("limit_options") if node is not None else None
    if options is not None and options.args.get("percent"):
        return "FETCH ... PERCENT has no row bound: use FETCH FIRST n ROWS ONLY or LIMIT n"
    return None


def _literal_int(value: exp.Expr | None) -> int | None:
    """The integer a LIMIT holds when it is a plain number literal; None for ALL, $1, ? or exprs."""
    from sqlglot import exp

    if isinstance(value, exp.Literal) and not value.is_string and value.this.isdigit():
        return int(value.this)
    return None
