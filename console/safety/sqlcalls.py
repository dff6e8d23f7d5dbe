"""The name a typed sqlglot function node is called by in the SQL the console sends.

sqlglot parses most calls into typed nodes (`CHAR_LENGTH(x)` becomes `Length`, `string_agg` a
`GroupConcat`, `doc ->> 'a'` a `JSONExtractScalar`) whose class names are sqlglot's own. What
runs is the statement sqlglot regenerates, so the function judged is the one the generator
writes: the node is generated once with its arguments replaced by a stub, and the leading name
read off. Operator forms (`x ->> y`, `x::int`) are no calls at all.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from console.safety.sqlrules import Dialect

if TYPE_CHECKING:
    from sqlglot import exp

STUB = "stub_argument"
_CALL = re.compile(r'\s*(?:`([^`]+)`|"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(\(|\[)?')

KEYWORD_FORMS = frozenset(
    {"case", "array", "row", "exists", "not", "interval", "any", "all", "some"}
)
"""Typed nodes written as SQL syntax rather than a call (`CASE ... END`, `ARRAY[...]`, `EXISTS`)."""


def emitted_name(node: exp.Func, dialect: Dialect) -> str | None:
    """The lower-cased function name the generator writes for `node`; None for operator and
    syntax forms. An unknown form is returned as its class name, so that it is refused.
    """
    if isinstance(node.args.get("this"), str):  # a class that carries the name it was called by
        return str(node.args["this"]).lower()
    present = tuple(sorted(key for key, value in node.args.items() if value is not None))
    key = (type(node).__name__, present, dialect)
    if key not in _NAMES:
        _NAMES[key] = _name_of(type(node), present, dialect)
    return _NAMES[key]


_NAMES: dict[tuple[str, tuple[str, ...], str], str | None] = {}
"""Per node class, filled argument slots and dialect: the name (bounded by sqlglot's classes)."""


def _name_of(kind: type[exp.Func], present: tuple[str, ...], dialect: Dialect) -> str | None:
    """The name the generator writes for one node class with these argument slots filled."""
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    stub_args: dict[str, object] = {}
    for key in present:
        if key in kind.arg_types and _is_list(kind, key):
            stub_args[key] = [exp.column(STUB)]
        else:
            stub_args[key] = exp.column(STUB)
    try:
        text = kind(**stub_args).sql(dialect=dialect, unsupported_level=ErrorLevel.IGNORE)
    except Exception:  # a generator that needs real arguments: judged by its class name
        lowered = kind.__name__.lower()
        return None if lowered in KEYWORD_FORMS else lowered
    match = _CALL.match(text)
    if match is None:
        return None if text.lstrip().startswith(("(", "-", "+", "~", "'")) else text[:40]
    name = next(group for group in match.groups()[:3] if group)
    if name == STUB:
        return None  # an operator form: `stub ->> stub`, `stub::INT`, `stub COLLATE stub`
    lowered = name.lower()
    return None if lowered in KEYWORD_FORMS else lowered


def _is_list(kind: type[exp.Func], key: str) -> bool:
    """Whether the argument slot holds a list of expressions (`expressions` and the like)."""
    return key == "expressions" or (kind.is_var_len_args and key == list(kind.arg_types)[-1])
