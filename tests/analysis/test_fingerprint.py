"""Fingerprints are pt-query-digest's, statement for statement."""

from __future__ import annotations

import random
import re
import subprocess

import pytest

from console.analysis.fingerprint import class_key, fingerprint
from tests.analysis.helpers import PT_QUERY_DIGEST, needs_pt

# expected values as pt-query-digest 3.2.1 computes them (QueryRewriter::fingerprint)
CASES = [
    ("SELECT * FROM orders WHERE id = 42", "select * from orders where id = ?"),
    (
        "select id from t where a in (1, 2, 3) and b in ('x', 'y')",
        "select id from t where a in(?+) and b in(?+)",
    ),
    ("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "insert into t (a, b) values(?+)"),
    ("REPLACE INTO kv VALUES ('k', 'v')", "replace into kv values(?+)"),
    (
        "SELECT /* hint */ a FROM t -- trailing\nWHERE b = 'x' # hash\n",
        "select a from t where b = ? ",
    ),
    ("SELECT /*!40001 SQL_NO_CACHE */ * FROM `orders`", "mysqldump"),
    ("use salesorder", "use ?"),
    ("CALL refresh_stats(1, 'daily')", "call refresh_stats"),
    ("administrator command: Quit", "administrator command: Quit"),
    (
        "select true, FALSE, null from t where x = -1.5e10 and y = 0xFF",
        "select ?, ?, ? from t where x = ? and y = ?ff",
    ),
    (
        "SELECT a FROM t ORDER BY a ASC, b DESC LIMIT 10, 20",
        "select a from t order by a, b desc limit ?",
    ),
    ("select * from t limit 5 offset 10", "select * from t limit ?"),
    ("SELECT a FROM t1 UNION ALL SELECT a FROM t1", "select a from t? /*repeat union all*/"),
    ("select * from users_2009 where x = 1", "select * from users_? where x = ?"),
    ("  \n\tSELECT\n  a\r\n FROM   t  ", "select a from t "),
    ("SELECT 'it\\'s', \"dq\" FROM t", "select ?, ? from t"),
    (
        "SELECT email FROM members WHERE email = 'jane.doe@example.com' AND phone = '212-555-0100'",
        "select email from members where email = ? and phone = ?",
    ),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_fingerprint_abstracts_like_pt(query: str, expected: str) -> None:
    assert fingerprint(query) == expected


def test_literals_and_list_lengths_do_not_split_a_class() -> None:
    one = fingerprint("SELECT * FROM t WHERE id IN (1) AND name = 'a'")
    many = fingerprint('select *   from T where ID in (4, 5, 6,7) and NAME = "bob"')
    assert one == many == "select * from t where id in(?+) and name = ?"


def _corpus() -> list[str]:
    tokens = [
        "SELECT", "select", "*", "FROM", "t", "WHERE", "a", "=", "1", "'x'", '"y"', "IN", "(", ")",
        ",", "VALUES", "null", "true", "ORDER BY", "ASC", "LIMIT", "10", "OFFSET", "UNION", "ALL",
        "/*", "*/", "--", "#", "\n", "-5", "0x1F", "1.5", "\\'", "use", "call", "INSERT INTO",
    ]  # fmt: skip
    rnd = random.Random(20261125)
    return [" ".join(rnd.choices(tokens, k=rnd.randint(1, 24))) for _ in range(3000)] + [
        query for query, _ in CASES
    ]


@needs_pt
def test_fingerprint_agrees_with_pt_own_code_on_a_random_corpus() -> None:
    """pt-query-digest loaded as a Perl library fingerprints the same 3,000+ statements."""
    corpus = _corpus()
    script = (
        f'require "{PT_QUERY_DIGEST}"; my $qr = QueryRewriter->new(); my @qs;'
        ' { local $/ = "\\0"; while (my $q = <STDIN>) { chomp $q; push @qs, $q; } }'
        ' print $qr->fingerprint($_), "\\0" for @qs;'
    )
    done = subprocess.run(
        ["perl", "-e", script],
        input="\0".join(corpus).encode() + b"\0",
        capture_output=True,
        check=True,
        timeout=120,
    )
    theirs = done.stdout.decode().split("\0")[:-1]
    assert len(theirs) == len(corpus)
    differ = [(q, pt) for q, pt in zip(corpus, theirs, strict=True) if fingerprint(q) != pt]
    assert differ == []


def test_statements_differing_only_in_digits_share_the_class_key_and_fingerprint() -> None:
    """The digest caches fingerprints by `class_key`: it must never merge two classes."""
    rnd = random.Random(7)
    checked = 0
    for query in _corpus():
        key = class_key(query)
        if key is None:
            continue
        checked += 1
        assert fingerprint(key) == fingerprint(query), query
        varied = re.sub(r"[0-9]+", lambda _: str(rnd.randint(0, 10**6)), query)
        assert class_key(varied) == key
        assert fingerprint(varied) == fingerprint(query), (query, varied)
    assert checked > 2000
    assert class_key("CALL proc1(1)") is None  # the procedure's name keeps its digits
    assert class_key("administrator command: Quit") is None
