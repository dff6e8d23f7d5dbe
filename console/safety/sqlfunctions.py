"""The read-only function allowlist: built-in functions known to be pure, per engine.

A SELECT runs every function it names, and a function can kill sessions, sleep, lock, read server
files, run SQL given as text, call out to AWS, or change replication; no list of bad functions is
ever complete (extensions and user-defined functions add new ones every day). So the guard turns
it around: a call is read-only only when its function is on these lists, and refused otherwise.

Where the names come from (regenerate with the queries below when an engine version is added):
- PostgreSQL 13-16: `pg_proc` of a PostgreSQL 15 server, schema pg_catalog, without I/O and
  operator-implementation functions, trigger/handler functions, functions of type `internal`,
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


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


POSTGRES = _names(
    """
    abbrev abs aclcontains acldefault aclexplode aclinsert aclremove acos acosd acosh age area
    array_agg array_append array_dims array_fill array_larger array_length array_lower
    array_ndims array_position array_positions array_prepend array_remove array_replace
    array_smaller array_to_json array_to_string array_to_tsvector array_upper ascii asin asind
    asinh atan atan2 atan2d atand atanh avg bit bit_and bit_count bit_length bit_or bit_xor
    bitcmp bool bool_and bool_or booland_statefunc boolor_statefunc bound_box box bpchar
    bpchar_larger bpchar_smaller bpcharcmp broadcast btarraycmp btboolcmp btbpchar_pattern_cmp
    btcharcmp btequalimage btfloat48cmp btfloat4cmp btfloat84cmp btfloat8cmp btint24cmp
    btint28cmp btint2cmp btint42cmp btint48cmp btint4cmp btint82cmp btint84cmp btint8cmp
    btnamecmp btnametextcmp btoidcmp btoidvectorcmp btrecordcmp btrecordimagecmp btrim
    bttext_pattern_cmp bttextcmp bttextnamecmp bttidcmp btvarstrequalimage byteacmp cardinality
    cash_cmp cash_words cashlarger cashsmaller cbrt ceil ceiling center char char_length
    character_length chr cidr circle clock_timestamp col_description concat concat_ws convert
    convert_from convert_to corr cos cosd cosh cot cotd count covar_pop covar_samp cume_dist
    current_database current_query current_schema current_schemas current_setting current_user
    currval date date_bin date_cmp date_cmp_timestamp date_cmp_timestamptz date_larger date_part
    date_smaller date_trunc datemultirange daterange daterange_canonical daterange_subdiff
    decode degrees dense_rank dexp diagonal diameter div dlog1 dlog10 dround dtrunc encode
    enum_cmp enum_first enum_larger enum_last enum_range enum_smaller every exp extract
    factorial family first_value float4 float4_accum float4larger float4smaller float8
    float8_accum float8_avg float8_combine float8_corr float8_covar_pop float8_covar_samp
    float8_regr_accum float8_regr_avgx float8_regr_avgy float8_regr_combine
    float8_regr_intercept float8_regr_r2 float8_regr_slope float8_regr_sxx float8_regr_sxy
    float8_regr_syy float8_stddev_pop float8_stddev_samp float8_var_pop float8_var_samp
    float8larger float8smaller floor fmgr_c_validator fmgr_internal_validator fmgr_sql_validator
    format format_type gcd gen_random_uuid generate_series generate_subscripts get_bit get_byte
    get_current_ts_config getdatabaseencoding getpgusername gin_cmp_tslexeme gin_compare_jsonb
    has_any_column_privilege has_column_privilege has_database_privilege
    has_foreign_data_wrapper_privilege has_function_privilege has_language_privilege
    has_parameter_privilege has_schema_privilege has_sequence_privilege has_server_privilege
    has_table_privilege has_tablespace_privilege has_type_privilege hash_aclitem
    hash_aclitem_extended hash_array hash_array_extended hash_multirange
    hash_multirange_extended hash_numeric hash_numeric_extended hash_range hash_range_extended
    hash_record hash_record_extended hashbpchar hashbpcharextended hashchar hashcharextended
    hashenum hashenumextended hashfloat4 hashfloat4extended hashfloat8 hashfloat8extended
    hashinet hashinetextended hashint2 hashint2extended hashint4 hashint4extended hashint8
    hashint8extended hashmacaddr hashmacaddr8 hashmacaddr8extended hashmacaddrextended hashname
    hashnameextended hashoid hashoidextended hashoidvector hashoidvectorextended hashtext
    hashtextextended hashtid hashtidextended height host hostmask in_range inet_client_addr
    inet_client_port inet_merge inet_same_family inet_server_addr inet_server_port initcap int2
    int2_avg_accum int2_avg_accum_inv int2_sum int2int4_sum int2larger int2smaller int4
    int4_avg_accum int4_avg_accum_inv int4_avg_combine int4_sum int4inc int4larger
    int4multirange int4range int4range_canonical int4range_subdiff int4smaller int8 int8_avg
    int8_sum int8dec int8dec_any int8inc int8inc_any int8inc_float8_float8 int8larger
    int8multirange int8range int8range_canonical int8range_subdiff int8smaller interval
    interval_accum interval_accum_inv interval_avg interval_cmp interval_combine interval_hash
    interval_hash_extended interval_larger interval_smaller is_normalized isclosed isempty
    isfinite ishorizontal isopen isparallel isperp isvertical json_agg json_array_elements
    json_array_elements_text json_array_length json_build_array json_build_object json_each
    json_each_text json_extract_path json_extract_path_text json_object json_object_agg
    json_object_keys json_populate_record json_populate_recordset json_strip_nulls
    json_to_record json_to_recordset json_to_tsvector json_typeof jsonb_agg jsonb_array_elements
    jsonb_array_elements_text jsonb_array_length jsonb_build_array jsonb_build_object jsonb_cmp
    jsonb_each jsonb_each_text jsonb_extract_path jsonb_extract_path_text jsonb_hash
    jsonb_hash_extended jsonb_insert jsonb_object jsonb_object_agg jsonb_object_keys
    jsonb_path_exists jsonb_path_exists_tz jsonb_path_match jsonb_path_match_tz jsonb_path_query
    jsonb_path_query_array jsonb_path_query_array_tz jsonb_path_query_first
    jsonb_path_query_first_tz jsonb_path_query_tz jsonb_populate_record jsonb_populate_recordset
    jsonb_pretty jsonb_set jsonb_set_lax jsonb_strip_nulls jsonb_to_record jsonb_to_recordset
    jsonb_to_tsvector jsonb_typeof justify_days justify_hours justify_interval lag last_value
    lastval lcm lead left length like like_escape line ln log log10 lower lower_inc lower_inf
    lpad lseg ltrim macaddr macaddr8 macaddr8_cmp macaddr8_set7bit macaddr_cmp make_date
    make_interval make_time make_timestamp make_timestamptz makeaclitem masklen max md5 min
    min_scale mod mode money multirange multirange_cmp multirange_intersect_agg_transfn mxid_age
    name nameconcatoid netmask network network_cmp network_larger network_smaller normalize
    notlike now npoints nth_value ntile num_nonnulls num_nulls numeric numeric_cmp
    numeric_div_trunc numeric_exp numeric_inc numeric_larger numeric_ln numeric_log
    numeric_smaller numeric_sqrt nummultirange numnode numrange numrange_subdiff obj_description
    octet_length oid oidlarger oidsmaller oidvectortypes overlaps overlay parse_ident path
    pclose percent_rank percentile_cont percentile_disc pg_available_extension_versions
    pg_available_extensions pg_backend_pid pg_blocking_pids pg_char_to_encoding
    pg_client_encoding pg_collation_actual_version pg_collation_for pg_collation_is_visible
    pg_column_compression pg_column_is_updatable pg_column_size pg_conf_load_time pg_config
    pg_control_checkpoint pg_control_init pg_control_recovery pg_control_system
    pg_conversion_is_visible pg_current_snapshot pg_current_wal_flush_lsn
    pg_current_wal_insert_lsn pg_current_wal_lsn pg_current_xact_id_if_assigned pg_cursor
    pg_database_collation_actual_version pg_database_size pg_describe_object
    pg_encoding_max_length pg_encoding_to_char pg_event_trigger_ddl_commands
    pg_event_trigger_dropped_objects pg_event_trigger_table_rewrite_oid
    pg_event_trigger_table_rewrite_reason pg_extension_update_paths pg_filenode_relation
    pg_function_is_visible pg_get_backend_memory_contexts pg_get_catalog_foreign_keys
    pg_get_constraintdef pg_get_expr pg_get_function_arg_default pg_get_function_arguments
    pg_get_function_identity_arguments pg_get_function_result pg_get_function_sqlbody
    pg_get_functiondef pg_get_indexdef pg_get_keywords pg_get_multixact_members
    pg_get_object_address pg_get_partition_constraintdef pg_get_partkeydef
    pg_get_publication_tables pg_get_replica_identity_index pg_get_replication_slots
    pg_get_ruledef pg_get_serial_sequence pg_get_shmem_allocations pg_get_statisticsobjdef
    pg_get_statisticsobjdef_columns pg_get_statisticsobjdef_expressions pg_get_triggerdef
    pg_get_userbyid pg_get_viewdef pg_get_wal_replay_pause_state pg_get_wal_resource_managers
    pg_has_role pg_identify_object pg_identify_object_as_address pg_index_column_has_property
    pg_index_has_property pg_indexam_has_property pg_indexam_progress_phasename pg_indexes_size
    pg_is_in_recovery pg_is_other_temp_schema pg_is_wal_replay_paused pg_jit_available
    pg_last_committed_xact pg_last_wal_receive_lsn pg_last_wal_replay_lsn
    pg_last_xact_replay_timestamp pg_listening_channels pg_lock_status pg_lsn pg_lsn_cmp
    pg_lsn_hash pg_lsn_hash_extended pg_lsn_larger pg_lsn_smaller pg_mcv_list_items
    pg_my_temp_schema pg_notification_queue_usage pg_opclass_is_visible pg_operator_is_visible
    pg_opfamily_is_visible pg_options_to_table pg_partition_ancestors pg_partition_root
    pg_partition_tree pg_postmaster_start_time pg_prepared_statement pg_prepared_xact
    pg_relation_filenode pg_relation_filepath pg_relation_is_publishable
    pg_relation_is_updatable pg_relation_size pg_safe_snapshot_blocking_pids
    pg_sequence_last_value pg_sequence_parameters pg_settings_get_flags pg_show_all_settings
    pg_show_replication_origin_status pg_size_bytes pg_size_pretty pg_snapshot_xip
    pg_snapshot_xmax pg_snapshot_xmin pg_stat_get_activity pg_stat_get_analyze_count
    pg_stat_get_archiver pg_stat_get_autoanalyze_count pg_stat_get_autovacuum_count
    pg_stat_get_backend_activity pg_stat_get_backend_activity_start
    pg_stat_get_backend_client_addr pg_stat_get_backend_client_port pg_stat_get_backend_dbid
    pg_stat_get_backend_idset pg_stat_get_backend_pid pg_stat_get_backend_start
    pg_stat_get_backend_userid pg_stat_get_backend_wait_event
    pg_stat_get_backend_wait_event_type pg_stat_get_backend_xact_start
    pg_stat_get_bgwriter_buf_written_checkpoints pg_stat_get_bgwriter_buf_written_clean
    pg_stat_get_bgwriter_maxwritten_clean pg_stat_get_bgwriter_requested_checkpoints
    pg_stat_get_bgwriter_stat_reset_time pg_stat_get_bgwriter_timed_checkpoints
    pg_stat_get_blocks_fetched pg_stat_get_blocks_hit pg_stat_get_buf_alloc
    pg_stat_get_buf_fsync_backend pg_stat_get_buf_written_backend
    pg_stat_get_checkpoint_sync_time pg_stat_get_checkpoint_write_time
    pg_stat_get_db_active_time pg_stat_get_db_blk_read_time pg_stat_get_db_blk_write_time
    pg_stat_get_db_blocks_fetched pg_stat_get_db_blocks_hit pg_stat_get_db_checksum_failures
    pg_stat_get_db_checksum_last_failure pg_stat_get_db_conflict_all
    pg_stat_get_db_conflict_bufferpin pg_stat_get_db_conflict_lock
    pg_stat_get_db_conflict_snapshot pg_stat_get_db_conflict_startup_deadlock
    pg_stat_get_db_conflict_tablespace pg_stat_get_db_deadlocks
    pg_stat_get_db_idle_in_transaction_time pg_stat_get_db_numbackends
    pg_stat_get_db_session_time pg_stat_get_db_sessions pg_stat_get_db_sessions_abandoned
    pg_stat_get_db_sessions_fatal pg_stat_get_db_sessions_killed pg_stat_get_db_stat_reset_time
    pg_stat_get_db_temp_bytes pg_stat_get_db_temp_files pg_stat_get_db_tuples_deleted
    pg_stat_get_db_tuples_fetched pg_stat_get_db_tuples_inserted pg_stat_get_db_tuples_returned
    pg_stat_get_db_tuples_updated pg_stat_get_db_xact_commit pg_stat_get_db_xact_rollback
    pg_stat_get_dead_tuples pg_stat_get_function_calls pg_stat_get_function_self_time
    pg_stat_get_function_total_time pg_stat_get_ins_since_vacuum pg_stat_get_last_analyze_time
    pg_stat_get_last_autoanalyze_time pg_stat_get_last_autovacuum_time
    pg_stat_get_last_vacuum_time pg_stat_get_live_tuples pg_stat_get_mod_since_analyze
    pg_stat_get_numscans pg_stat_get_progress_info pg_stat_get_recovery_prefetch
    pg_stat_get_replication_slot pg_stat_get_slru pg_stat_get_snapshot_timestamp
    pg_stat_get_subscription pg_stat_get_subscription_stats pg_stat_get_tuples_deleted
    pg_stat_get_tuples_fetched pg_stat_get_tuples_hot_updated pg_stat_get_tuples_inserted
    pg_stat_get_tuples_returned pg_stat_get_tuples_updated pg_stat_get_vacuum_count
    pg_stat_get_wal pg_stat_get_wal_receiver pg_stat_get_wal_senders
    pg_stat_get_xact_blocks_fetched pg_stat_get_xact_blocks_hit pg_stat_get_xact_function_calls
    pg_stat_get_xact_function_self_time pg_stat_get_xact_function_total_time
    pg_stat_get_xact_numscans pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched
    pg_stat_get_xact_tuples_hot_updated pg_stat_get_xact_tuples_inserted
    pg_stat_get_xact_tuples_returned pg_stat_get_xact_tuples_updated pg_stat_have_stats
    pg_statistics_obj_is_visible pg_table_is_visible pg_table_size pg_tablespace_databases
    pg_tablespace_location pg_tablespace_size pg_timezone_abbrevs pg_timezone_names
    pg_total_relation_size pg_trigger_depth pg_ts_config_is_visible pg_ts_dict_is_visible
    pg_ts_parser_is_visible pg_ts_template_is_visible pg_type_is_visible pg_typeof
    pg_visible_in_snapshot pg_wal_lsn_diff pg_walfile_name pg_walfile_name_offset
    pg_xact_commit_timestamp pg_xact_commit_timestamp_origin pg_xact_status phraseto_tsquery pi
    plainto_tsquery point polygon popen position postgresql_fdw_validator pow power querytree
    quote_ident quote_literal quote_nullable radians radius random range_agg range_cmp
    range_intersect_agg range_intersect_agg_transfn range_merge rank regclass regexp_count
    regexp_instr regexp_like regexp_match regexp_matches regexp_replace regexp_split_to_array
    regexp_split_to_table regexp_substr regr_avgx regr_avgy regr_count regr_intercept regr_r2
    regr_slope regr_sxx regr_sxy regr_syy repeat replace reverse right round row_number
    row_security_active row_to_json rpad rtrim satisfies_hash_partition scale session_user
    set_bit set_byte set_masklen setweight sha224 sha256 sha384 sha512 shobj_description sign
    similar_escape similar_to_escape sin sind sinh slope spg_poly_quad_compress split_part sqrt
    statement_timestamp stddev stddev_pop stddev_samp string_agg string_to_array string_to_table
    strip strpos substr substring sum tan tand tanh text text_larger text_smaller textlen
    tidlarger tidsmaller time time_cmp time_hash time_hash_extended time_larger time_smaller
    timeofday timestamp timestamp_cmp timestamp_cmp_date timestamp_cmp_timestamptz
    timestamp_hash timestamp_hash_extended timestamp_larger timestamp_smaller timestamptz
    timestamptz_cmp timestamptz_cmp_date timestamptz_cmp_timestamp timestamptz_larger
    timestamptz_smaller timetz timetz_cmp timetz_hash timetz_hash_extended timetz_larger
    timetz_smaller timezone to_ascii to_char to_date to_hex to_json to_jsonb to_number
    to_regclass to_regcollation to_regnamespace to_regoper to_regoperator to_regproc
    to_regprocedure to_regrole to_regtype to_timestamp to_tsquery to_tsvector
    transaction_timestamp translate trim_array trim_scale trunc ts_debug ts_delete ts_filter
    ts_headline ts_lexize ts_parse ts_rank ts_rank_cd ts_token_type tsmultirange tsquery_cmp
    tsquery_phrase tsrange tsrange_subdiff tstzmultirange tstzrange tstzrange_subdiff
    tsvector_cmp tsvector_to_array txid_current_if_assigned txid_current_snapshot
    txid_snapshot_xip txid_snapshot_xmax txid_snapshot_xmin txid_status txid_visible_in_snapshot
    unistr unnest upper upper_inc upper_inf uuid_cmp uuid_hash uuid_hash_extended var_pop
    var_samp varbit varbitcmp varchar variance version websearch_to_tsquery width width_bucket
    xid xid8_larger xid8_smaller xid8cmp xml xml_is_well_formed xml_is_well_formed_content
    xml_is_well_formed_document xmlagg xmlcomment xmlconcat2 xmlexists xmlvalidate xpath
    xpath_exists
    """
)
"""pg_catalog functions of PostgreSQL 15 with no side effect (see the module docstring)."""

POSTGRES_16 = _names(
    """
    any_value array_sample array_shuffle erf erfc pg_input_error_info pg_input_is_valid
    pg_split_walfile_name random_normal date_add date_subtract pg_stat_get_backend_subxact
    """
)
"""Pure functions PostgreSQL 16 added (not on the lab's server, so not checked there)."""

POSTGRES_SYNTAX = _names(
    """
    cast coalesce current_catalog current_date current_role current_schema current_time
    current_timestamp current_user extract greatest grouping least localtime localtimestamp
    normalize nullif overlay position session_user substring system_user treat trim user
    xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlparse xmlpi xmlroot xmlserialize
    xmltable
    """
)
"""SQL keywords that read as calls (not functions in pg_proc): checked by pg_get_keywords()."""

MYSQL = _names(
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
    json_remove json_replace json_search json_set json_table json_type json_unquote json_valid
    json_value lag last_day last_insert_id last_value lastval lcase lead least left length
    lengthb linefromtext linefromwkb linestring linestringfromtext linestringfromwkb ln
    localtime localtimestamp locate log log10 log2 lower lpad ltrim make_set makedate maketime match
    max mbrcontains mbrdisjoint mbrequal mbrequals mbrintersects mbroverlaps mbrtouches
    mbrwithin md5 median microsecond mid min minute mlinefromtext mlinefromwkb mod month
    monthname mpointfromtext mpointfromwkb mpolyfromtext mpolyfromwkb multilinestring
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

MYSQL_8 = _names(
    """
    any_value bin_to_uuid format_bytes format_pico_time grouping gtid_subset gtid_subtract
    icu_version is_uuid json_schema_valid json_schema_validation_report json_storage_free
    json_storage_size mbrcoveredby ps_current_thread_id ps_thread_id regexp_like roles_graphml
    st_buffer_strategy st_collect st_frechetdistance st_geohash st_hausdorffdistance st_isvalid
    st_latfromgeohash st_latitude st_lineinterpolatepoint st_lineinterpolatepoints
    st_longfromgeohash st_longitude st_makeenvelope st_numinteriorring st_pointatdistance
    st_pointfromgeohash st_simplify st_swapxy st_transform st_validate statement_digest
    statement_digest_text uuid_to_bin validate_password_strength
    """
)
"""Pure MySQL 5.7/8.0 functions that MariaDB lacks (not on the lab's server, so not checked)."""

ALLOWED: dict[str, frozenset[str]] = {
    "postgres": POSTGRES | POSTGRES_16 | POSTGRES_SYNTAX,
    "mysql": MYSQL | MYSQL_8,
}
"""Per dialect: the lower-cased names a read-only statement may call."""
