/* SPDX-License-Identifier: Apache-2.0 */
/* sewn.c: bundle splitting, routing order, pay for scanned work and the
 * flow of work in progress (see sewn.h). */
#include "core/sewn.h"
#include "util/err.h"

#include <string.h>

int sewn_split(int64_t pairs, int32_t bundle_size, int64_t *out, size_t max, size_t *n)
{
	*n = 0;
	if (pairs < 1 || pairs > SEWN_MAX_CUT_PAIRS || bundle_size < 1 ||
	    bundle_size > SEWN_MAX_BUNDLE_PAIRS)
		return -1;
	size_t need = (size_t)((pairs + bundle_size - 1) / bundle_size);
	if (need > max)
		return -1;
	for (size_t i = 0; i < need; i++) {
		int64_t left = pairs - (int64_t)i * bundle_size;
		out[i] = left < bundle_size ? left : bundle_size;
	}
	*n = need;
	return 0;
}

int sewn_order_check(int32_t seq, int32_t n_ops, const unsigned char *done, int32_t *missing)
{
	if (seq < 1 || seq > n_ops)
		return -1;
	for (int32_t i = 1; i < seq; i++) {
		if (!done[i - 1]) {
			if (missing)
				*missing = i;
			return 1;
		}
	}
	return 0;
}

int64_t sewn_rate(int64_t rate_y4, int32_t pct)
{
	return (rate_y4 * pct + 50) / 100;
}

int sewn_pay_worker_day(const sewn_work *w, size_t n, const wage_card *card, wage_result *out)
{
	memset(out, 0, sizeof *out);
	int64_t pairs = 0;
	for (size_t i = 0; i < n; i++)
		pairs += w[i].pairs;
	int rc = sewn_pay_day(w, n, &out->base_fen);
	if (rc)
		return rc;
	out->good_pieces = pairs * 2;
	if (card && card->step_period == WAGE_PERIOD_DAY && card->n_steps) {
		/* the steps alone: the operations' rates are the base */
		wage_card steps = *card;
		steps.rate_y4 = 0;
		steps.reject_deduct_y4 = 0;
		wage_result r;
		if ((rc = wage_pay_day(&steps, pairs * 2, 0, 0, &r)))
			return rc;
		out->bonus_fen = r.bonus_fen;
	}
	out->total_fen = out->base_fen + out->bonus_fen;
	return GLOVED_OK;
}

int sewn_pay_day(const sewn_work *w, size_t n, int64_t *fen)
{
	*fen = 0;
	for (size_t i = 0; i < n; i++) {
		wage_card c = {0};
		c.rate_unit = UNIT_PAIR;
		c.rate_y4 = w[i].rate_y4;
		wage_result r;
		int rc = wage_pay_day(&c, w[i].pairs * 2, 0, 0, &r);
		if (rc)
			return rc;
		*fen += r.total_fen;
	}
	return GLOVED_OK;
}

int32_t sewn_wip_flow(int64_t cut, const int64_t *done, int32_t n_ops, int64_t *waiting)
{
	int64_t prev = cut, worst = 0;
	int32_t bottleneck = 0;
	for (int32_t k = 0; k < n_ops; k++) {
		int64_t w = prev - done[k];
		waiting[k] = w < 0 ? 0 : w;
		if (waiting[k] > worst) {
			worst = waiting[k];
			bottleneck = k + 1;
		}
		prev = done[k];
	}
	return bottleneck;
}

void sewn_wip_project(int64_t ordered, int64_t finished, const int64_t *done,
		      const int64_t *recent3, int32_t n_ops, int32_t today, int32_t due_day,
		      sewn_projection *out)
{
	memset(out, 0, sizeof *out);
	if (ordered - finished <= 0) {
		out->known = 1;
		out->day = due_day;
		return;
	}
	int64_t days = 0;
	for (int32_t k = 0; k < n_ops; k++) {
		if (done[k] >= ordered || recent3[k] <= 0)
			continue;
		int64_t d = ((ordered - done[k]) * 3 + recent3[k] - 1) / recent3[k];
		if (d > days)
			days = d;
		out->known = 1;
	}
	if (!out->known) {
		out->late = today > due_day;
		return;
	}
	if (days > 100000)
		days = 100000;
	out->day = today + (int32_t)days;
	out->late = out->day > due_day;
}
