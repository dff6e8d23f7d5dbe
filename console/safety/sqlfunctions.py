"""The read-only function allowlist: built-in functions known to be pure, per engine.

A SELECT runs every function it names, and a function can kill sessions, sleep, lock, read server
files, run SQL given as text, call out to AWS, or change replication; no list of bad functions is
ever complete (extensions and user-defined functions add new ones every day). So the guard turns
it around: a call is read-only only when its function is on these lists, and refused otherwise.

Where the names come from (regenerate them so when an engine version is added):
- PostgreSQL 13-16: `pg_proc` of a PostgreSQL 15 server, schema pg_catalog, without type I/O
  functions, trigger/handler functions, functions taking or returning `internal`,
  and without every function with a side effect or a server file/SQL-text behind it (sequences,
  advisory locks, large objects, replication and backup control, signals, statistics resets,
  BRIN/GIN maintenance, `set_config`, `pg_ls_*`/`pg_read_*`, `*_to_xml*`, `ts_stat`, `ts_rewrite`);
  plus the few pure functions PostgreSQL 16 added, and the SQL keywords that read as calls.
- MySQL 5.7/8.0 and MariaDB: the engines' function references, each name checked to exist on
  MariaDB 10.11 (`PREPARE s FROM 'SELECT name(...)'` does not answer "FUNCTION does not exist"),
  plus the MySQL 8.0 functions MariaDB does not have. Sleeps, locks, waits, file reads and
  BENCHMARK are left out on purpose.
tests/safety/test_sqlfunctions.py checks every name against the lab's servers.
"""

from __future__ import annotations

from console.safety.sqlfunctions_postgres import POSTGRES, names

__all__ = ["ALLOWED", "MYSQL", "MYSQL_8", "POSTGRES", "POSTGRES_16", "POSTGRES_SYNTAX"]


POSTGRES_16 = names(
    """
    any_value array_sample array_shuffle erf erfc pg_input_error_info pg_input_is_valid
    pg_split_walfile_name random_normal date_add date_subtract pg_stat_get_backend_subxact
    system_user
    """
)
"""Pure functions PostgreSQL 16 added (not on the lab's server, so not checked there)."""

POSTGRES_SYNTAX = names(
    """
    cast coalesce row current_catalog current_date current_role current_schema current_time
    current_timestamp current_user extract greatest grouping least localtime localtimestamp
    normalize nullif overlay position session_user substring treat trim user xmlattributes
    xmlconcat xmlelement xmlexists xmlforest xmlparse xmlpi xmlroot xmlserialize xmltable
    """
)
"""SQL keywords that read as calls (not functions in pg_proc): checked by pg_get_keywords()."""

MYSQL = names(
    """
    abs acos add_months adddate addtime aes_decrypt aes_encrypt area asbinary ascii asin astext
    aswkb aswkt atan atan2 avg bin bit_and bit_count bit_length bit_or bit_xor boundary buffer
    cast ceil ceiling centroid char char_length character_length charset chr coalesce
    coercibility collation column_add column_check column_create column_delete column_exists
    column_get column_json column_list compress concat concat_ws connection_id contains conv
    convert convert_tz convexhull cos cot count crc32 crc32c crosses cume_dist curdate
    current_date current_role current_time current_timestamp current_user curtime database date
    date_add date_format date_sub datediff day dayname dayofmonth dayofweek dayofyear decode
    decode_histogram decode_oracle default degrees dense_rank dimension disjoint elt encode
    encrypt endpoint envelope equals exp export_set exteriorring extract extractvalue field
    find_in_set first_value floor format found_rows from_base64 from_days from_unixtime
    geomcollfromtext geomcollfromwkb geometrycollection geometrycollectionfromtext
    geometrycollectionfromwkb geometryfromtext geometryfromwkb geometryn geometrytype
    geomfromtext geomfromwkb get_format glength greatest group_concat hex hour if ifnull
    inet6_aton inet6_ntoa inet_aton inet_ntoa insert instr interiorringn intersects interval
    is_ipv4 is_ipv4_compat is_ipv4_mapped is_ipv6 isclosed isempty isnull isring issimple
    json_array json_array_append json_array_insert json_arrayagg json_compact json_contains
    json_contains_path json_depth json_detailed json_equals json_exists json_extract json_insert
    json_keys json_length json_loose json_merge json_merge_patch json_merge_preserve
    json_normalize json_object json_objectagg json_overlaps json_pretty json_query json_quote
    json_remove json_replace json_search json_set json_type json_unquote json_valid json_value
    lag last_day last_insert_id last_value lastval lcase lead least left length lengthb
    linefromtext linefromwkb linestring linestringfromtext linestringfromwkb ln localtime
    localtimestamp locate log log10 log2 lower lpad ltrim make_set makedate maketime match max
    mbrcontains mbrdisjoint mbrequal mbrequals mbrintersects mbroverlaps mbrtouches mbrwithin
    md5 median microsecond mid min minute mlinefromtext mlinefromwkb mod month monthname
    mpointfromtext mpointfromwkb mpolyfromtext mpolyfromwkb multilinestring
    multilinestringfromtext multilinestringfromwkb multipoint multipointfromtext
    multipointfromwkb multipolygon multipolygonfromtext multipolygonfromwkb name_const
    natural_sort_key now nth_value ntile nullif numgeometries numinteriorrings numpoints nvl
    nvl2 oct octet_length old_password ord overlaps password percent_rank percentile_cont
    percentile_disc period_add period_diff pi point pointfromtext pointfromwkb pointn
    pointonsurface polyfromtext polyfromwkb polygon polygonfromtext polygonfromwkb position pow
    power quarter quote radians rand random_bytes rank regexp_instr regexp_replace regexp_substr
    repeat replace reverse right round row_count row_number rownum rpad rtrim schema sec_to_time
    second session_user sformat sha sha1 sha2 sign sin soundex space sqrt srid st_area
    st_asbinary st_asgeojson st_astext st_aswkb st_aswkt st_boundary st_buffer st_centroid
    st_contains st_convexhull st_crosses st_difference st_dimension st_disjoint st_distance
    st_distance_sphere st_endpoint st_envelope st_equals st_exteriorring st_geomcollfromtext
    st_geomcollfromwkb st_geometrycollectionfromtext st_geometrycollectionfromwkb
    st_geometryfromtext st_geometryfromwkb st_geometryn st_geometrytype st_geomfromgeojson
    st_geomfromtext st_geomfromwkb st_interiorringn st_intersection st_intersects st_isclosed
    st_isempty st_isring st_issimple st_length st_linefromtext st_linefromwkb
    st_linestringfromtext st_linestringfromwkb st_mlinefromtext st_mlinefromwkb
    st_mpointfromtext st_mpointfromwkb st_mpolyfromtext st_mpolyfromwkb
    st_multilinestringfromtext st_multilinestringfromwkb st_multipointfromtext
    st_multipointfromwkb st_multipolygonfromtext st_multipolygonfromwkb st_numgeometries
    st_numinteriorrings st_numpoints st_overlaps st_pointfromtext st_pointfromwkb st_pointn
    st_pointonsurface st_polyfromtext st_polyfromwkb st_polygonfromtext st_polygonfromwkb
    st_relate st_srid st_startpoint st_symdifference st_touches st_union st_within st_x st_y
    startpoint std stddev stddev_pop stddev_samp str_to_date strcmp subdate substr substring
    substring_index subtime sum sys_guid sysdate system_user tan time time_format time_to_sec
    timediff timestamp timestampadd timestampdiff to_base64 to_char to_days to_seconds touches
    trim trim_oracle truncate ucase uncompress uncompressed_length unhex unix_timestamp
    updatexml upper user utc_date utc_time utc_timestamp uuid uuid_short value values var_pop
    var_samp variance version week weekday weekofyear weight_string within wsrep_last_seen_gtid
    wsrep_last_written_gtid x y year yearweek
    """
)
"""Functions of MySQL and MariaDB with no side effect, each found on MariaDB 10.11."""

MYSQL_8 = names(
    """
    any_value bin_to_uuid json_table format_bytes format_pico_time grouping gtid_subset
    gtid_subtract icu_version is_uuid json_schema_valid json_schema_validation_report
    json_storage_free json_storage_size mbrcoveredby ps_current_thread_id ps_thread_id
    regexp_like roles_graphml st_buffer_strategy st_collect st_frechetdistance st_geohash
    st_hausdorffdistance st_isvalid st_latfromgeohash st_latitude st_lineinterpolatepoint
    st_lineinterpolatepoints st_longfromgeohash st_longitude st_makeenvelope st_numinteriorring
    st_pointatdistance st_pointfromgeohash st_simplify st_swapxy st_transform st_validate
    statement_digest statement_digest_text uuid_to_bin validate_password_strength
    """
)
"""Pure MySQL 5.7/8.0 functions MariaDB lacks, and JSON_TABLE (a table function, not a call):
not checked on the lab's server."""

ALLOWED: dict[str, frozenset[str]] = {
    "postgres": POSTGRES | POSTGRES_16 | POSTGRES_SYNTAX,
    "mysql": MYSQL | MYSQL_8,
}
"""Per dialect: the lower-cased names a read-only statement may call."""
