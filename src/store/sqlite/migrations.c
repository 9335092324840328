/* SPDX-License-Identifier: Apache-2.0 */
/* migrations.c: the SQLite schema, as an ordered list of migrations. The
 * database's PRAGMA user_version is the number of migrations applied; each
 * runs in its own transaction, so a crash mid-way leaves a consistent
 * version. Never edit a released migration: append a new one. */
#include "store/sqlite/sqlite_int.h"
#include "util/err.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: registry, people, ingest, rollups */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta VALUES('registry_rev', 1);"
    "CREATE TABLE enterprise("
    "  id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  town TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE workshop("
    "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
    "  code TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(enterprise_id, code));"
    "CREATE TABLE machine("
    "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
    "  workshop_id INTEGER NOT NULL REFERENCES workshop(id), code TEXT NOT NULL,"
    "  kind TEXT NOT NULL, gauge INTEGER NOT NULL DEFAULT 0,"
    "  cycle_ms INTEGER NOT NULL DEFAULT 0, counter_bits INTEGER NOT NULL DEFAULT 64,"
    "  UNIQUE(enterprise_id, code));"
    "CREATE TABLE gateway("
    "  id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
    "  name TEXT NOT NULL, token_hash BLOB NOT NULL UNIQUE,"
    "  revoked INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE user_account("
    "  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, pw_hash TEXT NOT NULL,"
    "  role TEXT NOT NULL, enterprise_id INTEGER REFERENCES enterprise(id));"
    "CREATE TABLE session("
    "  token_hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES user_account(id),"
    "  expires_ms INTEGER NOT NULL) WITHOUT ROWID;"
    /* a report with the pieces credited to it; time-first key */
    "CREATE TABLE sample("
    "  ts INTEGER NOT NULL, machine_id INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  reject INTEGER NOT NULL, d_good INTEGER NOT NULL, d_reject INTEGER NOT NULL,"
    "  state INTEGER NOT NULL, reason TEXT, worker TEXT,"
    "  PRIMARY KEY(ts, machine_id)) WITHOUT ROWID;"
    "CREATE TABLE machine_live("
    "  machine_id INTEGER PRIMARY KEY, last_ts INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  reject INTEGER NOT NULL, state INTEGER NOT NULL, reason TEXT NOT NULL,"
    "  since_ts INTEGER NOT NULL);"
    "CREATE TABLE rollup_minute(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  good INTEGER NOT NULL, reject INTEGER NOT NULL,"
    "  PRIMARY KEY(bucket, machine_id)) WITHOUT ROWID;"
    "CREATE TABLE rollup_hour(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  good INTEGER NOT NULL, reject INTEGER NOT NULL,"
    "  PRIMARY KEY(bucket, machine_id)) WITHOUT ROWID;"
    "CREATE TABLE rollup_day(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  good INTEGER NOT NULL, reject INTEGER NOT NULL,"
    "  PRIMARY KEY(bucket, machine_id)) WITHOUT ROWID;"
    /* any registry change bumps registry_rev so that running daemons reload */
    "CREATE TRIGGER enterprise_rev AFTER INSERT ON enterprise BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER workshop_rev AFTER INSERT ON workshop BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER machine_rev AFTER INSERT ON machine BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER machine_rev_u AFTER UPDATE ON machine BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER gateway_rev AFTER INSERT ON gateway BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;",
    /* 2: local days whose rollups lag their samples (deferred rollup writes) */
    "CREATE TABLE rollup_dirty(day INTEGER PRIMARY KEY, next_day INTEGER NOT NULL);",
    /* 3: machines behind Sparkplug B edge nodes and Modbus TCP devices */
    "CREATE TABLE sparkplug_map("
    "  enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), edge_node TEXT NOT NULL,"
    "  count_metric TEXT NOT NULL DEFAULT 'count', reject_metric TEXT NOT NULL DEFAULT 'reject',"
    "  state_metric TEXT NOT NULL DEFAULT 'state', reason_metric TEXT NOT NULL DEFAULT 'reason',"
    "  PRIMARY KEY(enterprise_id, edge_node));"
    "CREATE TABLE modbus_device("
    "  machine_id INTEGER PRIMARY KEY REFERENCES machine(id), host TEXT NOT NULL,"
    "  port INTEGER NOT NULL DEFAULT 502, unit_id INTEGER NOT NULL DEFAULT 1,"
    "  counter_reg INTEGER NOT NULL, counter_words INTEGER NOT NULL DEFAULT 2,"
    "  word_order TEXT NOT NULL DEFAULT 'big', reject_reg INTEGER, state_reg INTEGER,"
    "  state_map TEXT NOT NULL DEFAULT '0:off,1:run,2:idle,3:stop,4:fault,5:setup',"
    "  poll_ms INTEGER NOT NULL DEFAULT 5000, timeout_ms INTEGER NOT NULL DEFAULT 2000,"
    "  enabled INTEGER NOT NULL DEFAULT 1);"
    "CREATE TRIGGER sparkplug_map_rev AFTER INSERT ON sparkplug_map BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER modbus_device_rev AFTER INSERT ON modbus_device BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;",
    /* 4: analytics (docs/internals/analytics.md): firm calendars, state
     * time and stops per shift, workers and wages, dirty days per firm,
     * rebuild requests. sample.flags: 1 = a state-only mark (no pieces), 2 =
     * arrived after a newer report of its machine (not in the state
     * timeline). */
    "ALTER TABLE sample ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE machine_live ADD COLUMN st_ts INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE machine_live ADD COLUMN st_state INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE machine_live ADD COLUMN st_reason TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE calendar(enterprise_id INTEGER PRIMARY KEY REFERENCES enterprise(id),"
    "  body TEXT NOT NULL);"
    "CREATE TRIGGER calendar_rev AFTER INSERT ON calendar BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TRIGGER calendar_rev_u AFTER UPDATE ON calendar BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'registry_rev'; END;"
    "CREATE TABLE stop_reason(enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
    "  code TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  PRIMARY KEY(enterprise_id, code)) WITHOUT ROWID;"
    "CREATE TABLE worker(enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
    "  code TEXT NOT NULL, name TEXT NOT NULL, card TEXT NOT NULL,"
    "  PRIMARY KEY(enterprise_id, code)) WITHOUT ROWID;"
    "CREATE TABLE assignment(machine_id INTEGER NOT NULL REFERENCES machine(id),"
    "  shift_day INTEGER NOT NULL, shift INTEGER NOT NULL, enterprise_id INTEGER NOT NULL,"
    "  worker TEXT NOT NULL, PRIMARY KEY(machine_id, shift_day, shift)) WITHOUT ROWID;"
    "CREATE INDEX assignment_ent ON assignment(enterprise_id, shift_day);"
    "CREATE TABLE rollup_shift(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  shift_day INTEGER NOT NULL, shift INTEGER NOT NULL,"
    "  good INTEGER NOT NULL DEFAULT 0, reject INTEGER NOT NULL DEFAULT 0,"
    "  ideal_ms INTEGER NOT NULL DEFAULT 0, ideal_reject_ms INTEGER NOT NULL DEFAULT 0,"
    "  unknown_ms INTEGER NOT NULL DEFAULT 0,"
    "  run_ms INTEGER NOT NULL DEFAULT 0, idle_ms INTEGER NOT NULL DEFAULT 0,"
    "  stop_ms INTEGER NOT NULL DEFAULT 0, fault_ms INTEGER NOT NULL DEFAULT 0,"
    "  setup_ms INTEGER NOT NULL DEFAULT 0, off_ms INTEGER NOT NULL DEFAULT 0,"
    "  offline_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(bucket, machine_id)) WITHOUT ROWID;"
    "CREATE INDEX rollup_shift_day ON rollup_shift(enterprise_id, shift_day);"
    "CREATE TABLE rollup_shift_reason(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  state INTEGER NOT NULL, reason TEXT NOT NULL, enterprise_id INTEGER NOT NULL,"
    "  workshop_id INTEGER NOT NULL, shift_day INTEGER NOT NULL, shift INTEGER NOT NULL,"
    "  ms INTEGER NOT NULL, PRIMARY KEY(bucket, machine_id, state, reason)) WITHOUT ROWID;"
    "CREATE INDEX rollup_shift_reason_day ON rollup_shift_reason(enterprise_id, shift_day);"
    "CREATE TABLE rollup_shift_worker(bucket INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  worker TEXT NOT NULL, enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  shift_day INTEGER NOT NULL, shift INTEGER NOT NULL, good INTEGER NOT NULL,"
    "  reject INTEGER NOT NULL, PRIMARY KEY(bucket, machine_id, worker)) WITHOUT ROWID;"
    "CREATE INDEX rollup_shift_worker_day ON rollup_shift_worker(enterprise_id, shift_day);"
    "CREATE TABLE stop_event(machine_id INTEGER NOT NULL, start INTEGER NOT NULL,"
    "  end INTEGER NOT NULL, enterprise_id INTEGER NOT NULL, workshop_id INTEGER NOT NULL,"
    "  state INTEGER NOT NULL, reason TEXT NOT NULL, supervisor INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(machine_id, start)) WITHOUT ROWID;"
    "CREATE INDEX stop_event_ent ON stop_event(enterprise_id, start);"
    "CREATE TABLE rollup_dirty_day(enterprise_id INTEGER NOT NULL, day INTEGER NOT NULL,"
    "  next_day INTEGER NOT NULL, PRIMARY KEY(enterprise_id, day)) WITHOUT ROWID;"
    "INSERT INTO rollup_dirty_day SELECT e.id, d.day, d.next_day FROM rollup_dirty d,"
    "  enterprise e;"
    "DROP TABLE rollup_dirty;"
    "CREATE TABLE rebuild_request(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL,"
    "  day0 INTEGER NOT NULL, day1 INTEGER NOT NULL, requested_ms INTEGER NOT NULL,"
    "  done_ms INTEGER NOT NULL DEFAULT 0, result TEXT NOT NULL DEFAULT '');",
    /* 5: sewn gloves (docs/internals/sewn.md): styles and routings, orders,
     * cuts, bundles, households, dispatches, scans, per-firm keys of ticket
     * codes, worker logins */
    "ALTER TABLE user_account ADD COLUMN worker TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE firm_key(enterprise_id INTEGER PRIMARY KEY REFERENCES enterprise(id),"
    "  key BLOB NOT NULL, order_check TEXT NOT NULL DEFAULT 'refuse');"
    "CREATE TABLE style(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
    "  REFERENCES enterprise(id), code TEXT NOT NULL, name TEXT NOT NULL,"
    "  category TEXT NOT NULL, family TEXT NOT NULL, materials TEXT NOT NULL DEFAULT '',"
    "  sizes TEXT NOT NULL, UNIQUE(enterprise_id, code));"
    "CREATE TABLE style_op(style_id INTEGER NOT NULL REFERENCES style(id), seq INTEGER NOT NULL,"
    "  code TEXT NOT NULL, name TEXT NOT NULL, smv_c INTEGER NOT NULL, rate_y4 INTEGER NOT NULL,"
    "  PRIMARY KEY(style_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE prod_order(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
    "  REFERENCES enterprise(id), code TEXT NOT NULL, buyer TEXT NOT NULL,"
    "  style_id INTEGER NOT NULL REFERENCES style(id), due_day INTEGER NOT NULL,"
    "  unit TEXT NOT NULL, status TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    "  UNIQUE(enterprise_id, code));"
    "CREATE TABLE order_line(order_id INTEGER NOT NULL REFERENCES prod_order(id),"
    "  size TEXT NOT NULL, pairs INTEGER NOT NULL, PRIMARY KEY(order_id, size)) WITHOUT ROWID;"
    "CREATE TABLE cut(id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES"
    "  prod_order(id), enterprise_id INTEGER NOT NULL, bundle_size INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE bundle(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL,"
    "  order_id INTEGER NOT NULL, cut_id INTEGER NOT NULL, no INTEGER NOT NULL,"
    "  size TEXT NOT NULL, pairs INTEGER NOT NULL, household_id INTEGER NOT NULL DEFAULT 0,"
    "  out_ms INTEGER NOT NULL DEFAULT 0, UNIQUE(order_id, no));"
    "CREATE INDEX bundle_cut ON bundle(cut_id);"
    "CREATE INDEX bundle_out ON bundle(enterprise_id, household_id);"
    "CREATE TABLE household(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
    "  REFERENCES enterprise(id), code TEXT NOT NULL, name TEXT NOT NULL,"
    "  village TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',"
    "  rate_pct INTEGER NOT NULL DEFAULT 100, UNIQUE(enterprise_id, code));"
    "CREATE TABLE dispatch(id INTEGER PRIMARY KEY, bundle_id INTEGER NOT NULL,"
    "  household_id INTEGER NOT NULL, enterprise_id INTEGER NOT NULL, ops TEXT NOT NULL,"
    "  out_ms INTEGER NOT NULL, back_ms INTEGER NOT NULL DEFAULT 0,"
    "  returned INTEGER NOT NULL DEFAULT 0, missing INTEGER NOT NULL DEFAULT 0,"
    "  damaged INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX dispatch_bundle ON dispatch(bundle_id);"
    "CREATE TABLE scan(bundle_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, order_id INTEGER NOT NULL, ts INTEGER NOT NULL,"
    "  worker TEXT NOT NULL, household_id INTEGER NOT NULL DEFAULT 0, pairs INTEGER NOT NULL,"
    "  rate_y4 INTEGER NOT NULL, scan_id TEXT, PRIMARY KEY(bundle_id, seq)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX scan_id ON scan(enterprise_id, scan_id) WHERE scan_id IS NOT NULL;"
    "CREATE TABLE rollup_op(order_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  enterprise_id INTEGER NOT NULL, pairs INTEGER NOT NULL, bundles INTEGER NOT NULL,"
    "  PRIMARY KEY(order_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE rollup_op_day(order_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  day INTEGER NOT NULL, pairs INTEGER NOT NULL, PRIMARY KEY(order_id, seq, day))"
    "  WITHOUT ROWID;"
    "CREATE TABLE rollup_scan_day(enterprise_id INTEGER NOT NULL, day INTEGER NOT NULL,"
    "  worker TEXT NOT NULL, household_id INTEGER NOT NULL, rate_y4 INTEGER NOT NULL,"
    "  pairs INTEGER NOT NULL, PRIMARY KEY(enterprise_id, day, worker, household_id,"
    "  rate_y4)) WITHOUT ROWID;"
    "CREATE TABLE order_machine(order_id INTEGER NOT NULL, machine_id INTEGER NOT NULL,"
    "  from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(order_id, machine_id, from_ms)) WITHOUT ROWID;"
    /* indexes the dashboard's queries use (bench/analytics_bench.c): one
     * machine's and one firm's rows without scanning the cluster's */
    "CREATE INDEX rollup_shift_machine ON rollup_shift(machine_id, bucket);"
    "CREATE INDEX rollup_shift_reason_machine ON rollup_shift_reason(machine_id, bucket);"
    "CREATE INDEX rollup_hour_machine ON rollup_hour(machine_id, bucket);"
    "CREATE INDEX rollup_hour_ent ON rollup_hour(enterprise_id, bucket);"
    "CREATE INDEX rollup_day_machine ON rollup_day(machine_id, bucket);"
    "CREATE INDEX rollup_day_ent ON rollup_day(enterprise_id, bucket);",
    /* 6: the sewn reads by order and firm (bench/sewn_bench.c) */
    ("CREATE INDEX scan_order ON scan(order_id, bundle_id, seq);"
     "CREATE INDEX rollup_op_ent ON rollup_op(enterprise_id, order_id, seq);"),
    /* 7: quality (store/quality.h, docs/internals/quality.md): material lots,
     * lots with their bundles, machines and materials, cartons, AQL
     * inspections, switching states and their history, test reports */
    ("CREATE TABLE material_lot(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), code TEXT NOT NULL, kind TEXT NOT NULL,"
     "  supplier TEXT NOT NULL, batch TEXT NOT NULL, qty_milli INTEGER NOT NULL,"
     "  unit TEXT NOT NULL, received_day INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
     "  UNIQUE(enterprise_id, code));"
     "CREATE TABLE lot(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), code TEXT NOT NULL, style_id INTEGER NOT NULL"
     "  REFERENCES style(id), order_id INTEGER NOT NULL, size TEXT NOT NULL,"
     "  source TEXT NOT NULL, status TEXT NOT NULL, result TEXT NOT NULL DEFAULT '',"
     "  pieces INTEGER NOT NULL, from_day INTEGER NOT NULL, to_day INTEGER NOT NULL,"
     "  created_ms INTEGER NOT NULL, inspected_ms INTEGER NOT NULL DEFAULT 0,"
     "  UNIQUE(enterprise_id, code));"
     /* a bundle is in one lot at most */
     "CREATE TABLE lot_bundle(bundle_id INTEGER PRIMARY KEY REFERENCES bundle(id),"
     "  lot_id INTEGER NOT NULL REFERENCES lot(id));"
     "CREATE INDEX lot_bundle_lot ON lot_bundle(lot_id);"
     "CREATE TABLE lot_machine(lot_id INTEGER NOT NULL REFERENCES lot(id),"
     "  machine_id INTEGER NOT NULL REFERENCES machine(id), from_day INTEGER NOT NULL,"
     "  to_day INTEGER NOT NULL, pieces INTEGER NOT NULL,"
     "  PRIMARY KEY(lot_id, machine_id)) WITHOUT ROWID;"
     "CREATE INDEX lot_machine_machine ON lot_machine(machine_id, from_day);"
     "CREATE TABLE lot_material(lot_id INTEGER NOT NULL REFERENCES lot(id),"
     "  material_lot_id INTEGER NOT NULL REFERENCES material_lot(id),"
     "  qty_milli INTEGER NOT NULL, PRIMARY KEY(lot_id, material_lot_id)) WITHOUT ROWID;"
     "CREATE INDEX lot_material_material ON lot_material(material_lot_id);"
     "CREATE TABLE carton(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), lot_id INTEGER NOT NULL REFERENCES lot(id),"
     "  code TEXT NOT NULL, pairs INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
     "  UNIQUE(enterprise_id, code));"
     "CREATE INDEX carton_lot ON carton(lot_id);"
     "CREATE TABLE inspection(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), lot_id INTEGER NOT NULL REFERENCES lot(id),"
     "  style_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, inspector TEXT NOT NULL,"
     "  level TEXT NOT NULL, severity TEXT NOT NULL, result TEXT NOT NULL,"
     "  resubmitted INTEGER NOT NULL, lot_pieces INTEGER NOT NULL, note TEXT NOT NULL);"
     "CREATE INDEX inspection_lot ON inspection(lot_id);"
     "CREATE INDEX inspection_ent ON inspection(enterprise_id, style_id, ts_ms);"
     "CREATE TABLE inspection_class(inspection_id INTEGER NOT NULL"
     "  REFERENCES inspection(id), cls TEXT NOT NULL, milli INTEGER NOT NULL,"
     "  letter TEXT NOT NULL, sample INTEGER NOT NULL, ac INTEGER NOT NULL,"
     "  re INTEGER NOT NULL, found INTEGER NOT NULL,"
     "  PRIMARY KEY(inspection_id, cls)) WITHOUT ROWID;"
     "CREATE TABLE inspection_defect(inspection_id INTEGER NOT NULL"
     "  REFERENCES inspection(id), seq INTEGER NOT NULL, type TEXT NOT NULL,"
     "  cls TEXT NOT NULL, count INTEGER NOT NULL,"
     "  PRIMARY KEY(inspection_id, seq)) WITHOUT ROWID;"
     "CREATE TABLE aql_state(enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
     "  style_id INTEGER NOT NULL REFERENCES style(id), severity TEXT NOT NULL,"
     "  stopped INTEGER NOT NULL, score INTEGER NOT NULL, recent INTEGER NOT NULL,"
     "  n_recent INTEGER NOT NULL, accepted_run INTEGER NOT NULL,"
     "  rejected_tight INTEGER NOT NULL, reduced_allowed INTEGER NOT NULL,"
     "  updated_ms INTEGER NOT NULL, PRIMARY KEY(enterprise_id, style_id)) WITHOUT ROWID;"
     "CREATE TABLE aql_event(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL,"
     "  style_id INTEGER NOT NULL, lot_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
     "  result TEXT NOT NULL, event TEXT NOT NULL, severity TEXT NOT NULL,"
     "  score INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE INDEX aql_event_style ON aql_event(enterprise_id, style_id, id);"
     "CREATE TABLE test_report(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), style_id INTEGER NOT NULL, material_lot_id INTEGER"
     "  NOT NULL, report_no TEXT NOT NULL, lab TEXT NOT NULL, day INTEGER NOT NULL,"
     "  en388 TEXT NOT NULL, markings TEXT NOT NULL, raw TEXT NOT NULL, pdf BLOB,"
     "  created_ms INTEGER NOT NULL, UNIQUE(enterprise_id, report_no));"
     "CREATE INDEX test_report_style ON test_report(enterprise_id, style_id, day);"),
    /* 8: the regional brand (store/brand.h, docs/internals/brand.md): licences
     * and their history, audits, labels with their signed payload, public
     * scans (a hash of the client's network, never the address), flags */
    ("CREATE TABLE brand_licence(enterprise_id INTEGER PRIMARY KEY"
     "  REFERENCES enterprise(id), status TEXT NOT NULL, since_ms INTEGER NOT NULL,"
     "  audits_passed INTEGER NOT NULL, last_lots INTEGER NOT NULL,"
     "  min_accept_pct INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
     "CREATE TABLE brand_licence_event(id INTEGER PRIMARY KEY, enterprise_id INTEGER"
     "  NOT NULL REFERENCES enterprise(id), ts_ms INTEGER NOT NULL, action TEXT NOT NULL,"
     "  by_user TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL);"
     "CREATE INDEX brand_licence_event_ent ON brand_licence_event(enterprise_id, id);"
     "CREATE TABLE brand_audit(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), day INTEGER NOT NULL, auditor TEXT NOT NULL,"
     "  passed INTEGER NOT NULL, note TEXT NOT NULL, created_ms INTEGER NOT NULL);"
     "CREATE INDEX brand_audit_ent ON brand_audit(enterprise_id, day);"
     "CREATE TABLE label(id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE,"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), lot_id INTEGER NOT NULL"
     "  REFERENCES lot(id), carton_id INTEGER NOT NULL, kind TEXT NOT NULL,"
     "  brand INTEGER NOT NULL, pairs INTEGER NOT NULL, payload TEXT NOT NULL,"
     "  sig TEXT NOT NULL, created_ms INTEGER NOT NULL, scans INTEGER NOT NULL DEFAULT 0,"
     "  first_scan_ms INTEGER NOT NULL DEFAULT 0, last_scan_ms INTEGER NOT NULL DEFAULT 0,"
     "  networks INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX label_lot ON label(lot_id, id);"
     "CREATE TABLE label_scan(label_id INTEGER NOT NULL REFERENCES label(id),"
     "  ts_ms INTEGER NOT NULL, net BLOB NOT NULL);"
     "CREATE INDEX label_scan_label ON label_scan(label_id, ts_ms);"
     "CREATE TABLE label_net(label_id INTEGER NOT NULL, net BLOB NOT NULL,"
     "  PRIMARY KEY(label_id, net)) WITHOUT ROWID;"
     "CREATE TABLE brand_flag(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL,"
     "  label_id INTEGER NOT NULL REFERENCES label(id), ts_ms INTEGER NOT NULL,"
     "  reason TEXT NOT NULL, scans INTEGER NOT NULL, networks INTEGER NOT NULL,"
     "  resolved_ms INTEGER NOT NULL DEFAULT 0, resolved_by TEXT NOT NULL DEFAULT '',"
     "  note TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX brand_flag_ent ON brand_flag(enterprise_id, id);"),
    /* 9: the cluster (store/cluster.h, docs/internals/cluster.md): a
     * town officer's town and a household login's household on the user,
     * share settings, the audit log, statistics forms and reports, the
     * plan, the programme, training and certificates, skill rules */
    ("ALTER TABLE user_account ADD COLUMN town TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE user_account ADD COLUMN household TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE share_setting(enterprise_id INTEGER PRIMARY KEY REFERENCES enterprise(id),"
     "  capacity INTEGER NOT NULL, catalogue INTEGER NOT NULL, cases INTEGER NOT NULL,"
     "  updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE TABLE audit_log(id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,"
     "  enterprise_id INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,"
     "  action TEXT NOT NULL, target TEXT NOT NULL, before TEXT NOT NULL,"
     "  after TEXT NOT NULL);"
     "CREATE INDEX audit_log_ent ON audit_log(enterprise_id, id);"
     "CREATE TABLE stat_form(year INTEGER NOT NULL, version INTEGER NOT NULL,"
     "  fields TEXT NOT NULL, created_ms INTEGER NOT NULL, by_user TEXT NOT NULL,"
     "  PRIMARY KEY(year, version)) WITHOUT ROWID;"
     "CREATE TABLE stat_report(enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
     "  month INTEGER NOT NULL, form_version INTEGER NOT NULL, status TEXT NOT NULL,"
     "  size_class TEXT NOT NULL, filed_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
     "  by_user TEXT NOT NULL, PRIMARY KEY(enterprise_id, month)) WITHOUT ROWID;"
     "CREATE INDEX stat_report_month ON stat_report(month, enterprise_id);"
     "CREATE TABLE stat_value(enterprise_id INTEGER NOT NULL, month INTEGER NOT NULL,"
     "  key TEXT NOT NULL, value INTEGER NOT NULL, measured INTEGER NOT NULL,"
     "  PRIMARY KEY(enterprise_id, month, key)) WITHOUT ROWID;"
     "CREATE TABLE plan(version INTEGER PRIMARY KEY, body TEXT NOT NULL,"
     "  created_ms INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE TABLE plan_actual(indicator TEXT NOT NULL, year INTEGER NOT NULL,"
     "  value INTEGER NOT NULL, updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL,"
     "  PRIMARY KEY(indicator, year)) WITHOUT ROWID;"
     "CREATE TABLE prog_item(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, line TEXT NOT NULL,"
     "  year INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
     "  updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE TABLE course(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
     "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL, category TEXT NOT NULL,"
     "  operation TEXT NOT NULL, hours INTEGER NOT NULL);"
     "CREATE TABLE course_session(id INTEGER PRIMARY KEY, course_id INTEGER NOT NULL"
     "  REFERENCES course(id), day0 INTEGER NOT NULL, day1 INTEGER NOT NULL,"
     "  trainer TEXT NOT NULL, place TEXT NOT NULL, capacity INTEGER NOT NULL);"
     "CREATE TABLE enrolment(session_id INTEGER NOT NULL REFERENCES course_session(id),"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), worker TEXT NOT NULL,"
     "  worker_name TEXT NOT NULL, attended_hours INTEGER NOT NULL DEFAULT 0,"
     "  score INTEGER NOT NULL DEFAULT -1, passed INTEGER NOT NULL DEFAULT 0,"
     "  cert_serial TEXT NOT NULL DEFAULT '',"
     "  PRIMARY KEY(session_id, enterprise_id, worker)) WITHOUT ROWID;"
     "CREATE TABLE certificate(serial TEXT PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), worker TEXT NOT NULL, worker_name TEXT NOT NULL,"
     "  course_id INTEGER NOT NULL, operation TEXT NOT NULL, level INTEGER NOT NULL,"
     "  day INTEGER NOT NULL, payload TEXT NOT NULL, sig TEXT NOT NULL,"
     "  created_ms INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE INDEX certificate_worker ON certificate(enterprise_id, worker, operation);"
     "CREATE TABLE skill_rule(enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
     "  operation TEXT NOT NULL, mode TEXT NOT NULL, PRIMARY KEY(enterprise_id, operation))"
     "  WITHOUT ROWID;"
     "CREATE TABLE skill_flag(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL,"
     "  bundle_id INTEGER NOT NULL, seq INTEGER NOT NULL, worker TEXT NOT NULL,"
     "  operation TEXT NOT NULL, ts_ms INTEGER NOT NULL, refused INTEGER NOT NULL);"
     "CREATE INDEX skill_flag_ent ON skill_flag(enterprise_id, id);"
     "CREATE INDEX rollup_shift_sday ON rollup_shift(shift_day);"),
    /* 10: firms working together (store/coop.h, docs/internals/coop.md):
     * capability profiles, cooperative orders and their parts, the
     * solver's proposals, the design library, buyers' enquiries and the
     * towns' portal pages */
    ("CREATE TABLE coop_profile(enterprise_id INTEGER PRIMARY KEY REFERENCES enterprise(id),"
     "  body TEXT NOT NULL, updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE TABLE coop_order(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
     "  lead_id INTEGER NOT NULL, lead_order_id INTEGER NOT NULL, buyer TEXT NOT NULL,"
     "  need TEXT NOT NULL, style TEXT NOT NULL, design_id INTEGER NOT NULL,"
     "  pairs INTEGER NOT NULL, due_day INTEGER NOT NULL, price_fen INTEGER NOT NULL,"
     "  min_quality_pm INTEGER NOT NULL, max_partners INTEGER NOT NULL,"
     "  status TEXT NOT NULL, created_ms INTEGER NOT NULL, by_user TEXT NOT NULL);"
     "CREATE TABLE coop_part(order_id INTEGER NOT NULL REFERENCES coop_order(id),"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), pairs INTEGER NOT NULL,"
     "  weeks TEXT NOT NULL, week0_day INTEGER NOT NULL, status TEXT NOT NULL,"
     "  prod_order_id INTEGER NOT NULL, shipped INTEGER NOT NULL, reason TEXT NOT NULL,"
     "  updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL,"
     "  PRIMARY KEY(order_id, enterprise_id)) WITHOUT ROWID;"
     "CREATE INDEX coop_part_ent ON coop_part(enterprise_id, order_id);"
     "CREATE INDEX coop_part_prod ON coop_part(prod_order_id);"
     "CREATE TABLE coop_proposal(order_id INTEGER PRIMARY KEY REFERENCES coop_order(id),"
     "  body TEXT NOT NULL, created_ms INTEGER NOT NULL);"
     "CREATE TABLE design(id INTEGER PRIMARY KEY, enterprise_id INTEGER NOT NULL"
     "  REFERENCES enterprise(id), code TEXT NOT NULL, name TEXT NOT NULL,"
     "  category TEXT NOT NULL, family TEXT NOT NULL, body TEXT NOT NULL,"
     "  terms TEXT NOT NULL, fee_kind TEXT NOT NULL, fee_fen INTEGER NOT NULL,"
     "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL,"
     "  UNIQUE(enterprise_id, code));"
     "CREATE TABLE design_file(design_id INTEGER NOT NULL REFERENCES design(id),"
     "  no INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL,"
     "  data BLOB NOT NULL, PRIMARY KEY(design_id, no)) WITHOUT ROWID;"
     "CREATE TABLE design_licence(id INTEGER PRIMARY KEY, design_id INTEGER NOT NULL"
     "  REFERENCES design(id), enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
     "  status TEXT NOT NULL, fee_kind TEXT NOT NULL, fee_fen INTEGER NOT NULL,"
     "  note TEXT NOT NULL, requested_ms INTEGER NOT NULL, decided_ms INTEGER NOT NULL,"
     "  by_user TEXT NOT NULL, UNIQUE(design_id, enterprise_id));"
     "CREATE TABLE design_use(id INTEGER PRIMARY KEY, design_id INTEGER NOT NULL,"
     "  licence_id INTEGER NOT NULL, enterprise_id INTEGER NOT NULL,"
     "  order_id INTEGER NOT NULL, pairs INTEGER NOT NULL, royalty_fen INTEGER NOT NULL,"
     "  month INTEGER NOT NULL, ts_ms INTEGER NOT NULL);"
     "CREATE INDEX design_use_month ON design_use(month, design_id);"
     "CREATE TABLE style_design(style_id INTEGER PRIMARY KEY REFERENCES style(id),"
     "  design_id INTEGER NOT NULL, licence_id INTEGER NOT NULL);"
     "CREATE TABLE enquiry(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,"
     "  token_hash BLOB NOT NULL, buyer TEXT NOT NULL, contact TEXT NOT NULL,"
     "  product TEXT NOT NULL, family TEXT NOT NULL, pairs INTEGER NOT NULL,"
     "  due_day INTEGER NOT NULL, message TEXT NOT NULL, lang TEXT NOT NULL,"
     "  created_ms INTEGER NOT NULL);"
     "CREATE TABLE enquiry_route(enquiry_id INTEGER NOT NULL REFERENCES enquiry(id),"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), status TEXT NOT NULL,"
     "  price_fen INTEGER NOT NULL, answer TEXT NOT NULL, answered_ms INTEGER NOT NULL,"
     "  by_user TEXT NOT NULL, PRIMARY KEY(enquiry_id, enterprise_id)) WITHOUT ROWID;"
     "CREATE INDEX enquiry_route_ent ON enquiry_route(enterprise_id, enquiry_id);"
     "CREATE TABLE town_page(town TEXT PRIMARY KEY, body TEXT NOT NULL,"
     "  updated_ms INTEGER NOT NULL, by_user TEXT NOT NULL) WITHOUT ROWID;"),
    /* 11: a machine's writer revision (PostgreSQL's several instances;
     * one daemon per SQLite file leaves it empty, kept so that a version
     * names one schema on both backends) */
    "CREATE TABLE machine_rev(machine_id INTEGER PRIMARY KEY, rev INTEGER NOT NULL);",
    /* 12: PostgreSQL partitions sample and rollup_minute by month
     * (postgres/pg_migrations.c); SQLite keeps its tables (retention deletes
     * rows), the step only keeps the two schema versions naming the same
     * shape */
    "SELECT 1;",
    /* 13: a firm's minute rollups by firm, as rollup_hour_ent and
     * rollup_day_ent (step 5): the output query of one firm leads with
     * enterprise_id (sqlite_samples.c) and read every machine's rows of
     * its range without it (bench/pg_dashboard_bench.c; the ingest cost
     * in docs/performance.md) */
    "CREATE INDEX rollup_minute_ent ON rollup_minute(enterprise_id, bucket);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int sqlite__user_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return GLOVED_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? GLOVED_OK : GLOVED_EDB;
}

int sqlite__migrate(sqlite3 *db, char *err, size_t errlen)
{
	int v = 0;
	if (sqlite__user_version(db, &v)) {
		snprintf(err, errlen, "cannot read user_version: %s", sqlite3_errmsg(db));
		return GLOVED_EDB;
	}
	if (v > N_MIGRATIONS) {
		snprintf(err, errlen, "database schema %d is newer than this gloved (%d)", v,
			 N_MIGRATIONS);
		return GLOVED_EDB;
	}
	for (; v < N_MIGRATIONS; v++) {
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version = %d;", v + 1);
		if (sqlite__exec(db, "BEGIN IMMEDIATE", err, errlen))
			return GLOVED_EDB;
		if (sqlite__exec(db, migrations[v], err, errlen) ||
		    sqlite__exec(db, set, err, errlen)) {
			char ignore[64];
			sqlite__exec(db, "ROLLBACK", ignore, sizeof ignore);
			return GLOVED_EDB;
		}
		if (sqlite__exec(db, "COMMIT", err, errlen))
			return GLOVED_EDB;
	}
	return GLOVED_OK;
}
