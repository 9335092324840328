/* SPDX-License-Identifier: Apache-2.0 */
/* store_cluster.c: the wrappers of store/cluster.h (share settings, the
 * audit log, statistics, the plan, the programme, talent, the cockpit's
 * aggregates). Each checks that the connection has the cluster table at the
 * version that brought the call (STORE__OPS, store_int.h) and dispatches to
 * it, else answers GLOVED_ENOTSUP. A new call appends its wrapper here. */
#include "store/store_int.h"

int store_share_get(store *s, int64_t enterprise_id, store_share *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, share_get);
	return ops ? ops->share_get(s, enterprise_id, out) : store__enotsup(s);
}

int store_share_put(store *s, const store_share *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, share_put);
	return ops ? ops->share_put(s, x) : store__enotsup(s);
}

int store_auditlog_add(store *s, store_auditlog *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, auditlog_add);
	return ops ? ops->auditlog_add(s, x) : store__enotsup(s);
}

int store_auditlog_list(store *s, store_scope sc, int64_t before_id, size_t limit,
			store_auditlog **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, auditlog_list);
	return ops ? ops->auditlog_list(s, sc, before_id, limit, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_stat_form_add(store *s, store_stat_form *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, stat_form_add);
	return ops ? ops->stat_form_add(s, x) : store__enotsup(s);
}

int store_stat_form_get(store *s, int32_t year, int32_t version, store_stat_form *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, stat_form_get);
	return ops ? ops->stat_form_get(s, year, version, out) : store__enotsup(s);
}

int store_stat_report_put(store *s, store_scope sc, const store_stat_report *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, stat_report_put);
	return ops ? ops->stat_report_put(s, sc, x) : store__enotsup(s);
}

int store_stat_report_get(store *s, store_scope sc, int64_t enterprise_id, int32_t month,
			  store_stat_report *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, stat_report_get);
	return ops ? ops->stat_report_get(s, sc, enterprise_id, month, out) : store__enotsup(s);
}

int store_stat_report_list(store *s, store_scope sc, int32_t month0, int32_t month1,
			   store_stat_report **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, stat_report_list);
	return ops ? ops->stat_report_list(s, sc, month0, month1, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_plan_add(store *s, store_plan *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, plan_add);
	return ops ? ops->plan_add(s, x) : store__enotsup(s);
}

int store_plan_get(store *s, int32_t version, store_plan *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, plan_get);
	return ops ? ops->plan_get(s, version, out) : store__enotsup(s);
}

int store_plan_actual_put(store *s, const store_plan_actual *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, plan_actual_put);
	return ops ? ops->plan_actual_put(s, x) : store__enotsup(s);
}

int store_plan_actual_list(store *s, store_plan_actual **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, plan_actual_list);
	return ops ? ops->plan_actual_list(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_prog_put(store *s, store_prog_item *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, prog_put);
	return ops ? ops->prog_put(s, x) : store__enotsup(s);
}

int store_prog_get(store *s, int64_t id, store_prog_item *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, prog_get);
	return ops ? ops->prog_get(s, id, out) : store__enotsup(s);
}

int store_prog_list(store *s, const char *kind, store_prog_item **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, prog_list);
	return ops ? ops->prog_list(s, kind, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_course_add(store *s, store_course *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_add);
	return ops ? ops->course_add(s, x) : store__enotsup(s);
}

int store_course_get(store *s, int64_t id, const char *code, store_course *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_get);
	return ops ? ops->course_get(s, id, code, out) : store__enotsup(s);
}

int store_course_list(store *s, store_course **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_list);
	return ops ? ops->course_list(s, out, n) : store__enotsup_list(s, (void **)out, n);
}

int store_course_session_add(store *s, store_course_session *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_session_add);
	return ops ? ops->course_session_add(s, x) : store__enotsup(s);
}

int store_course_session_get(store *s, int64_t id, store_course_session *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_session_get);
	return ops ? ops->course_session_get(s, id, out) : store__enotsup(s);
}

int store_course_session_list(store *s, int64_t course_id, store_course_session **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, course_session_list);
	return ops ? ops->course_session_list(s, course_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_enrolment_add(store *s, store_scope sc, const store_enrolment *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, enrolment_add);
	return ops ? ops->enrolment_add(s, sc, x) : store__enotsup(s);
}

int store_enrolment_put(store *s, store_scope sc, const store_enrolment *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, enrolment_put);
	return ops ? ops->enrolment_put(s, sc, x) : store__enotsup(s);
}

int store_enrolment_get(store *s, store_scope sc, int64_t session_id, int64_t enterprise_id,
			const char *worker, store_enrolment *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, enrolment_get);
	return ops ? ops->enrolment_get(s, sc, session_id, enterprise_id, worker, out)
		   : store__enotsup(s);
}

int store_enrolment_list(store *s, store_scope sc, int64_t session_id, store_enrolment **out,
			 size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, enrolment_list);
	return ops ? ops->enrolment_list(s, sc, session_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_cert_add(store *s, const store_cert *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, cert_add);
	return ops ? ops->cert_add(s, x) : store__enotsup(s);
}

int store_cert_by_serial(store *s, const char *serial, store_cert *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, cert_by_serial);
	return ops ? ops->cert_by_serial(s, serial, out) : store__enotsup(s);
}

int store_cert_list(store *s, store_scope sc, int64_t enterprise_id, const char *worker,
		    store_cert **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, cert_list);
	return ops ? ops->cert_list(s, sc, enterprise_id, worker, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_skill_rule_put(store *s, store_scope sc, const store_skill_rule *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, skill_rule_put);
	return ops ? ops->skill_rule_put(s, sc, x) : store__enotsup(s);
}

int store_skill_rule_list(store *s, store_scope sc, int64_t enterprise_id, store_skill_rule **out,
			  size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, skill_rule_list);
	return ops ? ops->skill_rule_list(s, sc, enterprise_id, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_skill_flag_add(store *s, store_skill_flag *x)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, skill_flag_add);
	return ops ? ops->skill_flag_add(s, x) : store__enotsup(s);
}

int store_skill_flag_list(store *s, store_scope sc, int64_t enterprise_id, size_t limit,
			  store_skill_flag **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, skill_flag_list);
	return ops ? ops->skill_flag_list(s, sc, enterprise_id, limit, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_cockpit_days(store *s, store_scope sc, int64_t day_from, int64_t day_to,
		       int32_t shift_day, store_firm_day **out, size_t *n)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, cockpit_days);
	return ops ? ops->cockpit_days(s, sc, day_from, day_to, shift_day, out, n)
		   : store__enotsup_list(s, (void **)out, n);
}

int store_firm_month_get(store *s, int64_t enterprise_id, int64_t from_ms, int64_t to_ms,
			 int32_t shift_day0, int32_t shift_day1, store_firm_month *out)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, firm_month_get);
	return ops ? ops->firm_month_get(s, enterprise_id, from_ms, to_ms, shift_day0, shift_day1,
					 out)
		   : store__enotsup(s);
}

int store_label_counts(store *s, store_scope sc, int64_t since_ms, int64_t *issued, int64_t *scans)
{
	const store_cluster_ops *ops = STORE__OPS(s, cluster, 1, label_counts);
	return ops ? ops->label_counts(s, sc, since_ms, issued, scans) : store__enotsup(s);
}
