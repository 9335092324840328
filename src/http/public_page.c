/* SPDX-License-Identifier: Apache-2.0 */
/* public_page.c: the label verification page anyone opens by scanning a
 * label's QR code (GET /v/<serial>?p=&s=, no login): server-rendered HTML
 * that needs no JavaScript and no asset from anywhere (its CSS is inline),
 * sized for a phone, zh-CN unless ?lang=en. It says genuine or not and
 * shows only what the label promises: the firm, town, style, lot,
 * production date, test marking and inspection result, how often and when
 * the label was scanned before, and the firm's brand licence with its
 * history; nothing about other lots, prices, buyers or workers. Every
 * text is HTML-escaped. The verification itself is app/brand.c's. */
#include "http/http_int.h"
#include "app/brand.h"
#include "util/buf.h"
#include "util/ltime.h"

#include <stdio.h>
#include <string.h>

void http__html_esc(buf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_append(b, p, 1);
		}
	}
}

static void esc(buf *b, const char *s)
{
	http__html_esc(b, s);
}

typedef struct words {
	const char *title, *genuine, *genuine_sub, *forged, *forged_sub, *unknown, *unknown_sub,
	    *malformed, *malformed_sub, *firm, *town, *style, *size, *pairs, *lot, *day, *en388,
	    *result, *accepted, *rejected, *not_inspected, *brand, *brand_yes, *brand_no, *scans,
	    *scans_none, *scans_fmt_pre, *scans_fmt_mid, *first, *last, *flagged, *licence,
	    *lic_active, *lic_suspended, *lic_revoked, *lic_none, *history, *key, *other_lang,
	    *other_href, *none_tested;
} words;

static const words zh = {
    "手套标签验证",
    "正品标签",
    "此标签由产业集群签发，签名与登记一致。",
    "不是正品标签",
    "签名无法验证：标签内容被改动或不是本集群签发。",
    "无法确认",
    "本集群没有登记此序号的标签：请向卖方或企业核实。",
    "无效链接",
    "此链接不含可验证的标签。",
    "企业",
    "所在镇",
    "款式",
    "尺码",
    "数量",
    "批号",
    "生产日期",
    "EN 388 标识",
    "检验结果",
    "合格（AQL 抽检接收）",
    "不合格",
    "未检验",
    "区域品牌",
    "品牌标签",
    "非品牌标签",
    "扫描记录",
    "这是此标签第一次被扫描。",
    "此前已被扫描 ",
    " 次",
    "首次",
    "最近",
    "此标签扫描异常频繁或来自过多网络，可能是复制品，已通知企业与协会。",
    "品牌许可",
    "有效",
    "已暂停",
    "已撤销",
    "无",
    "许可记录",
    "集群公钥（离线验证）",
    "English",
    "en",
    "未检测",
};

static const words en = {
    "Glove label verification",
    "Genuine label",
    "Issued by the cluster: the signature and the register agree.",
    "Not a genuine label",
    "The signature does not verify: the label was changed or not issued by this cluster.",
    "Cannot confirm",
    "This cluster has no label of this serial on record: check with the seller or the firm.",
    "Not a label link",
    "This link holds no label to verify.",
    "Firm",
    "Town",
    "Style",
    "Size",
    "Quantity",
    "Lot",
    "Production date",
    "EN 388 marking",
    "Inspection",
    "Accepted (AQL sampling)",
    "Rejected",
    "Not inspected",
    "Regional brand",
    "Brand label",
    "Not a brand label",
    "Scans",
    "This is the first scan of this label.",
    "Scanned ",
    " time(s) before",
    "first",
    "last",
    "This label was scanned implausibly often or from too many networks: it may be a copy. "
    "The firm and the association have been told.",
    "Brand licence",
    "active",
    "suspended",
    "revoked",
    "none",
    "Licence history",
    "The cluster's public key (offline check)",
    "中文",
    "zh",
    "not tested",
};

static void row(buf *b, const char *k, const char *v)
{
	buf_puts(b, "<tr><th>");
	esc(b, k);
	buf_puts(b, "</th><td>");
	esc(b, v);
	buf_puts(b, "</td></tr>\n");
}

static const char *licence_word(const words *w, const char *st)
{
	return strcmp(st, "active") == 0      ? w->lic_active
	       : strcmp(st, "suspended") == 0 ? w->lic_suspended
	       : strcmp(st, "revoked") == 0   ? w->lic_revoked
					      : w->lic_none;
}

static const char *action_word(int lang_en, const char *a)
{
	static const struct {
		const char *action, *zh, *en;
	} acts[] = {{"grant", "授予", "granted"},
		    {"suspend", "暂停", "suspended"},
		    {"reinstate", "恢复", "reinstated"},
		    {"revoke", "撤销", "revoked"}};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (strcmp(a, acts[i].action) == 0)
			return lang_en ? acts[i].en : acts[i].zh;
	return a;
}

int http__verify_page(const brand_verify *v, int lang_en, const char *self_query, buf *b)
{
	const words *w = lang_en ? &en : &zh;
	const char *head, *sub, *cls;
	if (strcmp(v->state, "genuine") == 0)
		head = w->genuine, sub = w->genuine_sub, cls = "ok";
	else if (strcmp(v->state, "unknown") == 0)
		head = w->unknown, sub = w->unknown_sub, cls = "warn";
	else if (strcmp(v->state, "forged") == 0)
		head = w->forged, sub = w->forged_sub, cls = "bad";
	else
		head = w->malformed, sub = w->malformed_sub, cls = "bad";
	buf_printf(b,
		   "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<meta name=\"robots\" content=\"noindex\"><title>",
		   lang_en ? "en" : "zh-CN");
	esc(b, w->title);
	buf_puts(b,
		 "</title><style>"
		 "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;"
		 "margin:0;background:#f4f5f7;color:#1d2129;font-size:16px}"
		 "main{max-width:34rem;margin:0 auto;padding:1rem}"
		 ".verdict{border-radius:12px;padding:1.1rem 1rem;color:#fff;margin-bottom:1rem}"
		 ".verdict h1{margin:0 0 .3rem;font-size:1.6rem}.verdict p{margin:0}"
		 ".ok{background:#1f8b4c}.warn{background:#b7791f}.bad{background:#c0392b}"
		 "table{width:100%;border-collapse:collapse;background:#fff;border-radius:12px;"
		 "overflow:hidden;margin-bottom:1rem}th,td{padding:.55rem .8rem;text-align:left;"
		 "border-bottom:1px solid #eceef1;vertical-align:top}th{width:38%;color:#5c6370;"
		 "font-weight:500}h2{font-size:1.05rem;margin:1.2rem 0 .5rem}"
		 ".flag{background:#fff4e5;border:1px solid #f0b429;border-radius:12px;"
		 "padding:.8rem;margin-bottom:1rem}nav{display:flex;justify-content:space-between;"
		 "font-size:.9rem}a{color:#1a5fb4}"
		 "</style></head><body><main>\n");
	buf_printf(b, "<section class=\"verdict %s\" id=\"verdict\" data-state=\"%s\"><h1>", cls,
		   v->state);
	esc(b, head);
	buf_puts(b, "</h1><p>");
	esc(b, sub);
	buf_puts(b, "</p></section>\n");
	if (v->flagged) {
		buf_puts(b, "<div class=\"flag\" id=\"flag\">");
		esc(b, w->flagged);
		buf_puts(b, "</div>\n");
	}
	if (strcmp(v->state, "genuine") == 0) { /* only a genuine label's facts are shown */
		buf_puts(b, "<table id=\"label\">\n");
		char pairs[64];
		snprintf(pairs, sizeof pairs, "%lld %s", (long long)v->pairs,
			 lang_en ? "pairs" : "双");
		row(b, w->firm, v->firm_name);
		row(b, w->town, v->town);
		char style[200];
		snprintf(style, sizeof style, "%s %s", v->style, v->style_name);
		row(b, w->style, style);
		if (v->size[0])
			row(b, w->size, v->size);
		row(b, w->pairs, pairs);
		row(b, w->lot, v->lot);
		row(b, w->day, v->day);
		row(b, w->en388, v->en388[0] ? v->en388 : w->none_tested);
		row(b, w->result,
		    strcmp(v->result, "accepted") == 0   ? w->accepted
		    : strcmp(v->result, "rejected") == 0 ? w->rejected
							 : w->not_inspected);
		row(b, w->brand, v->brand ? w->brand_yes : w->brand_no);
		row(b, lang_en ? "Serial" : "编号", v->serial);
		buf_puts(b, "</table>\n<h2>");
		esc(b, w->scans);
		buf_puts(b, "</h2><table id=\"scans\"><tr><td>");
		if (!v->scans_before)
			esc(b, w->scans_none);
		else {
			char a[24], c[24];
			ltime_format_day(v->first_scan_ms, a, sizeof a);
			ltime_format_day(v->last_scan_ms, c, sizeof c);
			esc(b, w->scans_fmt_pre);
			buf_printf(b, "<b id=\"scans-before\">%lld</b>",
				   (long long)v->scans_before);
			esc(b, w->scans_fmt_mid);
			buf_printf(b, " (%s %s, %s %s)", w->first, a, w->last, c);
		}
		buf_puts(b, "</td></tr></table>\n");
		buf_puts(b, "<h2>");
		esc(b, w->licence);
		buf_puts(b, "</h2><table id=\"licence\">");
		row(b, w->licence, licence_word(w, v->has_licence ? v->licence.status : "none"));
		for (size_t i = 0; i < v->n_history; i++) {
			char day[24], what[300];
			ltime_format_day(v->history[i].ts_ms, day, sizeof day);
			snprintf(what, sizeof what, "%s → %s",
				 action_word(lang_en, v->history[i].action),
				 licence_word(w, v->history[i].status));
			row(b, day, what);
		}
		buf_puts(b, "</table>\n");
	}
	buf_puts(b, "<nav><a href=\"/api/v1/public/brand/key\">");
	esc(b, w->key);
	buf_puts(b, "</a><a id=\"lang\" href=\"?");
	esc(b, self_query);
	buf_printf(b, "&amp;lang=%s\">", w->other_href);
	esc(b, w->other_lang);
	buf_puts(b, "</a></nav>\n</main></body></html>\n");
	return b->len >= b->max ? -1 : 0;
}
