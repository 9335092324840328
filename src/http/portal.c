/* SPDX-License-Identifier: Apache-2.0 */
/* portal.c: the cluster's public portal, for buyers and visitors (no
 * login): server-rendered HTML that needs no JavaScript and loads nothing
 * but itself (inline CSS), sized for a phone, zh-CN unless ?lang=en.
 *   /portal                  the cluster: its towns, brand-licensed firms,
 *                            typical cases and news of the programme
 *   /portal/town?name=       a town: its page (intro, what it makes), its
 *                            firms and events (the town tour)
 *   /portal/firm?code=       a firm that shares its catalogue: families,
 *                            certifications, brand licence, public designs
 *   /portal/designs          the public design library
 *   /portal/design-file?design=&no=  a public design's image
 *   /portal/verify           brand label verification (a pasted link or
 *                            serial goes to /v/...)
 *   /portal/enquiry          the buyer's enquiry form (GET shows it, POST
 *                            files it: application/x-www-form-urlencoded)
 *   /portal/enquiry/status?ref=&token=  the answers of the firms
 *   /sitemap.xml, /robots.txt
 * What it shows of a firm is only what the firm shares (share settings:
 * catalogue for the firm's page and listing, cases for its cases) and
 * designs whose terms are public; never orders, prices, workers or
 * capacity figures. Every request counts against the public rate limit
 * ([http] public_rate a minute per address). Every text is HTML-escaped. */
#include "app/coop.h"
#include "core/tz.h"
#include "http/http_int.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/secret.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX (1u << 20)

typedef struct page {
	http_req *r;
	store *db;
	buf b;
	int en;
	char base[256];
} page;

static const char *L(const page *p, const char *zh, const char *en)
{
	return p->en ? en : zh;
}

static void esc(page *p, const char *s)
{
	http__html_esc(&p->b, s);
}

static const char *lang_q(const page *p)
{
	return p->en ? "&amp;lang=en" : "";
}

static void head(page *p, const char *title, const char *self)
{
	buf *b = &p->b;
	buf_printf(b,
		   "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>",
		   p->en ? "en" : "zh-CN");
	esc(p, title);
	buf_puts(b, " · ");
	esc(p, L(p, "手套产业集群", "Glove industrial cluster"));
	buf_puts(
	    b,
	    "</title><style>"
	    "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;"
	    "background:#f4f5f7;color:#1d2129;font-size:16px;line-height:1.5}"
	    "header{background:#1a5fb4;color:#fff;padding:.7rem 1rem}"
	    "header a{color:#fff;text-decoration:none;font-weight:600}"
	    "header nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;font-size:.95rem}"
	    "main{max-width:46rem;margin:0 auto;padding:1rem}"
	    "h1{font-size:1.45rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.3rem 0 .5rem}"
	    ".card{background:#fff;border-radius:12px;padding:.8rem 1rem;margin-bottom:.8rem}"
	    ".card h3{margin:0 0 .3rem;font-size:1.05rem}.muted{color:#5c6370;font-size:.92rem}"
	    ".tag{display:inline-block;background:#e8f0fb;color:#1a5fb4;border-radius:6px;"
	    "padding:0 .4rem;margin:0 .3rem .2rem 0;font-size:.85rem}"
	    ".brand{background:#fdf1d6;color:#8a5a00}"
	    "form label{display:block;margin:.6rem 0 .2rem;font-weight:500}"
	    "input,textarea,select{width:100%;box-sizing:border-box;font-size:1rem;"
	    "padding:.5rem;border:1px solid #c9ced6;border-radius:8px}"
	    "button{margin-top:1rem;font-size:1rem;padding:.6rem 1.2rem;border:0;"
	    "border-radius:8px;background:#1a5fb4;color:#fff}"
	    ".err{background:#fdecea;border:1px solid #c0392b;border-radius:8px;padding:.6rem}"
	    ".ok{background:#e6f4ea;border:1px solid #1f8b4c;border-radius:8px;padding:.6rem}"
	    "footer{max-width:46rem;margin:0 auto;padding:1rem;font-size:.9rem}"
	    "a{color:#1a5fb4}img{max-width:100%;border-radius:8px}"
	    "</style></head><body><header><nav>");
	buf_printf(b, "<a href=\"/portal%s\">", p->en ? "?lang=en" : "");
	esc(p, L(p, "手套产业集群", "Glove cluster"));
	buf_printf(b, "</a><a href=\"/portal/designs%s\">", p->en ? "?lang=en" : "");
	esc(p, L(p, "设计库", "Designs"));
	buf_printf(b, "</a><a href=\"/portal/verify%s\">", p->en ? "?lang=en" : "");
	esc(p, L(p, "标签验证", "Verify a label"));
	buf_printf(b, "</a><a href=\"/portal/enquiry%s\">", p->en ? "?lang=en" : "");
	esc(p, L(p, "采购询盘", "Send an enquiry"));
	buf_puts(b, "</a></nav></header><main>\n");
	(void)self;
}

static void foot(page *p, const char *self_path, const char *self_query)
{
	buf *b = &p->b;
	buf_puts(b, "</main><footer><a id=\"lang\" href=\"");
	esc(p, self_path);
	buf_puts(b, "?");
	if (self_query && *self_query) {
		esc(p, self_query);
		buf_puts(b, "&amp;");
	}
	buf_printf(b, "lang=%s\">%s</a></footer></body></html>\n", p->en ? "zh" : "en",
		   p->en ? "中文" : "English");
}

static enum MHD_Result send_page(page *p, unsigned status)
{
	if (p->b.len >= p->b.max) {
		buf_free(&p->b);
		return http__reply_error(p->r, 503, "unavailable", -1, "cannot render the page");
	}
	size_t len = p->b.len;
	return http__reply(p->r, status, "text/html; charset=utf-8", buf_steal(&p->b), len, NULL);
}

static const char *family_word(const page *p, const char *f)
{
	return !strcmp(f, "sewn")      ? L(p, "缝制手套", "sewn gloves")
	       : !strcmp(f, "knitted") ? L(p, "针织手套", "knitted gloves")
	       : !strcmp(f, "dipped")  ? L(p, "浸胶手套", "dipped gloves")
				       : f;
}

/* 1 when firm ent shares its catalogue (its page on the portal). */
static int shares(store *db, int64_t ent, int cases)
{
	store_share sh = {.enterprise_id = ent};
	return !store_share_get(db, ent, &sh) && (cases ? sh.cases : sh.catalogue);
}

static int licensed(store *db, int64_t ent)
{
	store_licence l;
	return !store_licence_get(db, ent, &l) && !strcmp(l.status, "active");
}

/* The firm's card: name, town, families and certifications, the brand. */
static void firm_card(page *p, const store_enterprise *e, int link)
{
	buf *b = &p->b;
	buf_puts(b, "<div class=\"card firm\"><h3>");
	if (link) {
		buf_puts(b, "<a href=\"/portal/firm?code=");
		esc(p, e->code);
		buf_puts(b, lang_q(p));
		buf_puts(b, "\">");
	}
	esc(p, e->name);
	if (link)
		buf_puts(b, "</a>");
	buf_puts(b, "</h3><div class=\"muted\">");
	esc(p, e->town);
	buf_puts(b, "</div><div>");
	if (licensed(p->db, e->id)) {
		buf_puts(b, "<span class=\"tag brand\">");
		esc(p, L(p, "区域品牌授权企业", "Regional brand licensee"));
		buf_puts(b, "</span>");
	}
	store_coop_profile sp;
	coop_profile prof;
	char m[8];
	if (!store_coop_profile_get(p->db, e->id, &sp) &&
	    !coop_profile_parse(sp.body, strlen(sp.body), &prof, m, sizeof m)) {
		static const char *const fams[] = {"sewn", "knitted", "dipped"};
		for (size_t i = 0; i < 3; i++)
			if (coop_profile_has_family(&prof, fams[i])) {
				buf_puts(b, "<span class=\"tag\">");
				esc(p, family_word(p, fams[i]));
				buf_puts(b, "</span>");
			}
		for (size_t i = 0; i < prof.n_certifications; i++) {
			buf_puts(b, "<span class=\"tag\">");
			esc(p, prof.certifications[i]);
			buf_puts(b, "</span>");
		}
	}
	buf_puts(b, "</div></div>\n");
}

/* A programme item's card (a case or an event). */
static void prog_card(page *p, const store_prog_item *x)
{
	cJSON *j = cJSON_Parse(x->body);
	const cJSON *firm = cJSON_GetObjectItemCaseSensitive(j, "firm");
	if (!strcmp(x->kind, "case") && cJSON_IsString(firm)) {
		store_enterprise e;
		if (registry_enterprise_by_code(p->r->srv->app.reg, firm->valuestring, &e) ||
		    !shares(p->db, e.id, 1)) {
			cJSON_Delete(j);
			return; /* the firm does not share its cases */
		}
	}
	buf *b = &p->b;
	buf_printf(b, "<div class=\"card %s\"><h3>", !strcmp(x->kind, "case") ? "case" : "event");
	esc(p, x->title);
	buf_puts(b, "</h3><div class=\"muted\">");
	const cJSON *date = cJSON_GetObjectItemCaseSensitive(j, "date");
	const cJSON *place = cJSON_GetObjectItemCaseSensitive(j, "place");
	char yr[8];
	snprintf(yr, sizeof yr, "%d", (int)x->year % 10000);
	esc(p, cJSON_IsString(date) ? date->valuestring : yr);
	if (cJSON_IsString(place)) {
		buf_puts(b, " · ");
		esc(p, place->valuestring);
	}
	buf_puts(b, "</div>");
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(j, "summary");
	if (cJSON_IsString(sum)) {
		buf_puts(b, "<p>");
		esc(p, sum->valuestring);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "</div>\n");
	cJSON_Delete(j);
}

/* Firms of the cluster (town "" all) that share their catalogue. */
static int listed_firms(page *p, const char *town, store_enterprise **out, size_t *n)
{
	store_enterprise *es = NULL;
	size_t ne = 0;
	store_scope sc = {0};
	int rc = registry_enterprises(p->r->srv->app.reg, sc, &es, &ne);
	if (rc)
		return rc;
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		if ((!town || !strcmp(es[i].town, town)) && shares(p->db, es[i].id, 0))
			es[k++] = es[i];
	*out = es;
	*n = k;
	return 0;
}

static enum MHD_Result home(page *p)
{
	buf *b = &p->b;
	head(p, L(p, "首页", "Home"), "/portal");
	buf_puts(b, "<h1>");
	esc(p, L(p, "手套产业集群", "The glove industrial cluster"));
	buf_puts(b, "</h1><p>");
	esc(p, L(p,
		 "数百家手套企业与家庭作坊：缝制滑雪与运动手套，针织、浸胶劳保手套。"
		 "按款式、数量和交期询盘，集群把需求转给有能力的企业。",
		 "Hundreds of glove firms and household workshops: sewn ski and sports gloves, "
		 "knitted and dipped work gloves. Send an enquiry with the style, quantity and due "
		 "date; the cluster routes it to the firms able to make it."));
	buf_puts(b, "</p>\n");
	store_enterprise *es = NULL;
	size_t n = 0;
	if (listed_firms(p, NULL, &es, &n))
		return http__reply_error(p->r, 503, "unavailable", -1, "database unavailable");
	/* the towns */
	buf_puts(b, "<h2>");
	esc(p, L(p, "特色小镇", "The towns"));
	buf_puts(b, "</h2><div id=\"towns\">");
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(es[k].town, es[i].town);
		if (seen || !es[i].town[0])
			continue;
		size_t cnt = 0;
		for (size_t k = 0; k < n; k++)
			cnt += !strcmp(es[k].town, es[i].town);
		buf_puts(b, "<div class=\"card town\"><h3><a href=\"/portal/town?name=");
		/* a town name in a query: percent-encode every byte outside A-Za-z0-9 */
		for (const unsigned char *c = (const unsigned char *)es[i].town; *c; c++) {
			if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			    (*c >= '0' && *c <= '9'))
				buf_append(b, c, 1);
			else
				buf_printf(b, "%%%02X", *c);
		}
		buf_puts(b, lang_q(p));
		buf_puts(b, "\">");
		esc(p, es[i].town);
		buf_printf(b, "</a></h3><div class=\"muted\">%zu %s</div></div>\n", cnt,
			   L(p, "家企业", cnt == 1 ? "firm" : "firms"));
	}
	buf_puts(b, "</div>\n<h2>");
	esc(p, L(p, "区域品牌授权企业", "Brand-licensed firms"));
	buf_puts(b, "</h2><div id=\"licensed\">");
	size_t lic = 0;
	for (size_t i = 0; i < n; i++)
		if (licensed(p->db, es[i].id)) {
			firm_card(p, &es[i], 1);
			lic++;
		}
	if (!lic) {
		buf_puts(b, "<p class=\"muted\">");
		esc(p, L(p, "暂无。", "None yet."));
		buf_puts(b, "</p>");
	}
	free(es);
	buf_puts(b, "</div>\n");
	store_prog_item *v = NULL;
	size_t nv = 0;
	if (!store_prog_list(p->db, "", &v, &nv)) {
		buf_puts(b, "<h2>");
		esc(p, L(p, "典型案例与动态", "Cases and news"));
		buf_puts(b, "</h2><div id=\"news\">");
		for (size_t i = 0; i < nv; i++)
			if (!strcmp(v[i].kind, "case") || !strcmp(v[i].kind, "event"))
				prog_card(p, &v[i]);
		buf_puts(b, "</div>\n");
		free(v);
	}
	foot(p, "/portal", "");
	return send_page(p, 200);
}

static void url_encode(buf *b, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.')
			buf_append(b, c, 1);
		else
			buf_printf(b, "%%%02X", *c);
	}
}

static enum MHD_Result not_found(page *p, const char *what)
{
	head(p, L(p, "未找到", "Not found"), "");
	buf_puts(&p->b, "<h1>");
	esc(p, L(p, "未找到", "Not found"));
	buf_puts(&p->b, "</h1><p>");
	esc(p, what);
	buf_puts(&p->b, "</p>");
	foot(p, "/portal", "");
	return send_page(p, 404);
}

static enum MHD_Result town(page *p)
{
	const char *name = http__arg(p->r, "name");
	store_enterprise *es = NULL;
	size_t n = 0;
	if (!name || !*name || strlen(name) >= 64)
		return not_found(p, L(p, "没有这个镇。", "No such town."));
	if (listed_firms(p, name, &es, &n))
		return http__reply_error(p->r, 503, "unavailable", -1, "database unavailable");
	store_town_page tp;
	int has_page = !store_town_page_get(p->db, name, &tp);
	if (!n && !has_page) {
		free(es);
		return not_found(p, L(p, "没有这个镇。", "No such town."));
	}
	buf *b = &p->b;
	head(p, name, "/portal/town");
	buf_puts(b, "<h1>");
	esc(p, name);
	buf_puts(b, "</h1>");
	if (has_page) {
		cJSON *j = cJSON_Parse(tp.body);
		const cJSON *intro =
		    cJSON_GetObjectItemCaseSensitive(j, p->en ? "intro_en" : "intro_zh");
		const cJSON *prod =
		    cJSON_GetObjectItemCaseSensitive(j, p->en ? "products_en" : "products_zh");
		if (cJSON_IsString(intro) && intro->valuestring[0]) {
			buf_puts(b, "<p id=\"intro\">");
			esc(p, intro->valuestring);
			buf_puts(b, "</p>");
		}
		if (cJSON_IsString(prod) && prod->valuestring[0]) {
			buf_puts(b, "<h2>");
			esc(p, L(p, "主要产品", "What it makes"));
			buf_puts(b, "</h2><p id=\"products\">");
			esc(p, prod->valuestring);
			buf_puts(b, "</p>");
		}
		cJSON_Delete(j);
	}
	buf_puts(b, "<h2>");
	esc(p, L(p, "企业", "Firms"));
	buf_puts(b, "</h2><div id=\"firms\">");
	for (size_t i = 0; i < n; i++)
		firm_card(p, &es[i], 1);
	free(es);
	buf_puts(b, "</div>");
	store_prog_item *v = NULL;
	size_t nv = 0;
	if (!store_prog_list(p->db, "event", &v, &nv)) {
		size_t shown = 0;
		for (size_t i = 0; i < nv; i++) {
			cJSON *j = cJSON_Parse(v[i].body);
			const cJSON *pl = cJSON_GetObjectItemCaseSensitive(j, "place");
			int here = cJSON_IsString(pl) && strstr(name, pl->valuestring);
			cJSON_Delete(j);
			if (!here)
				continue;
			if (!shown++) {
				buf_puts(b, "<h2>");
				esc(p, L(p, "活动", "Events"));
				buf_puts(b, "</h2>");
			}
			prog_card(p, &v[i]);
		}
		free(v);
	}
	buf tq;
	buf_init(&tq, 512);
	buf_puts(&tq, "name=");
	url_encode(&tq, name);
	char q[512] = "";
	if (tq.len < sizeof q) {
		memcpy(q, tq.data, tq.len);
		q[tq.len] = '\0';
	}
	buf_free(&tq);
	foot(p, "/portal/town", q);
	return send_page(p, 200);
}

static void design_card(page *p, const store_design *d, int with_owner)
{
	buf *b = &p->b;
	buf_puts(b, "<div class=\"card design\"><h3>");
	esc(p, d->name);
	buf_puts(b, "</h3><div class=\"muted\">");
	esc(p, d->code);
	buf_puts(b, " · ");
	esc(p, family_word(p, d->family));
	if (with_owner) {
		store_enterprise e;
		if (!registry_enterprise(p->r->srv->app.reg, d->enterprise_id, &e) &&
		    shares(p->db, e.id, 0)) {
			buf_puts(b, " · <a href=\"/portal/firm?code=");
			esc(p, e.code);
			buf_puts(b, lang_q(p));
			buf_puts(b, "\">");
			esc(p, e.name);
			buf_puts(b, "</a>");
		}
	}
	buf_puts(b, "</div>");
	cJSON *j = cJSON_Parse(d->body);
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(j, "description");
	const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(j, "sizes");
	if (cJSON_IsString(desc)) {
		buf_puts(b, "<p>");
		esc(p, desc->valuestring);
		buf_puts(b, "</p>");
	}
	if (cJSON_IsString(sizes)) {
		buf_puts(b, "<div class=\"muted\">");
		esc(p, L(p, "尺码：", "Sizes: "));
		esc(p, sizes->valuestring);
		buf_puts(b, "</div>");
	}
	cJSON_Delete(j);
	store_design_file *f = NULL;
	size_t nf = 0;
	if (!store_design_file_list(p->db, d->id, &f, &nf)) {
		for (size_t i = 0; i < nf; i++)
			if (!strcmp(f[i].kind, "image")) {
				buf_printf(b,
					   "<img loading=\"lazy\" alt=\"\" "
					   "src=\"/portal/design-file?design=%lld&amp;no=%d\">",
					   (long long)d->id, (int)f[i].no);
				break;
			}
		free(f);
	}
	buf_puts(b, "</div>\n");
}

static enum MHD_Result firm(page *p)
{
	const char *code = http__arg(p->r, "code");
	store_enterprise e;
	if (!code || registry_enterprise_by_code(p->r->srv->app.reg, code, &e) ||
	    !shares(p->db, e.id, 0))
		return not_found(p, L(p, "没有这家公开的企业。", "No such listed firm."));
	buf *b = &p->b;
	head(p, e.name, "/portal/firm");
	buf_puts(b, "<h1>");
	esc(p, e.name);
	buf_puts(b, "</h1>");
	firm_card(p, &e, 0);
	store_licence l;
	buf_puts(b, "<div class=\"card\" id=\"licence\">");
	esc(p, L(p, "区域品牌授权：", "Regional brand licence: "));
	int has = !store_licence_get(p->db, e.id, &l);
	esc(p, !has                             ? L(p, "无", "none")
	       : !strcmp(l.status, "active")    ? L(p, "有效", "active")
	       : !strcmp(l.status, "suspended") ? L(p, "已暂停", "suspended")
						: L(p, "已撤销", "revoked"));
	buf_puts(b, "</div>");
	store_design *v = NULL;
	size_t n = 0;
	store_scope sc = {0};
	if (!store_design_list(p->db, sc, 1, &v, &n)) {
		buf_puts(b, "<h2>");
		esc(p, L(p, "公开产品目录", "Public catalogue"));
		buf_puts(b, "</h2><div id=\"catalogue\">");
		size_t shown = 0;
		for (size_t i = 0; i < n; i++)
			if (v[i].enterprise_id == e.id) {
				design_card(p, &v[i], 0);
				shown++;
			}
		if (!shown) {
			buf_puts(b, "<p class=\"muted\">");
			esc(p, L(p, "暂无公开款式。", "No public styles yet."));
			buf_puts(b, "</p>");
		}
		buf_puts(b, "</div>");
		free(v);
	}
	buf_puts(b, "<p><a href=\"/portal/enquiry");
	buf_puts(b, p->en ? "?lang=en" : "");
	buf_puts(b, "\">");
	esc(p, L(p, "向集群企业询盘 →", "Send an enquiry to the cluster's firms →"));
	buf_puts(b, "</a></p>");
	char q[64];
	snprintf(q, sizeof q, "code=%s", e.code);
	foot(p, "/portal/firm", q);
	return send_page(p, 200);
}

static enum MHD_Result designs(page *p)
{
	store_design *v = NULL;
	size_t n = 0;
	store_scope sc = {0};
	if (store_design_list(p->db, sc, 1, &v, &n))
		return http__reply_error(p->r, 503, "unavailable", -1, "database unavailable");
	buf *b = &p->b;
	head(p, L(p, "设计库", "Designs"), "/portal/designs");
	buf_puts(b, "<h1>");
	esc(p, L(p, "公开设计库", "The public design library"));
	buf_puts(b, "</h1><div id=\"designs\">");
	for (size_t i = 0; i < n; i++)
		design_card(p, &v[i], 1);
	if (!n) {
		buf_puts(b, "<p class=\"muted\">");
		esc(p, L(p, "暂无公开设计。", "No public designs yet."));
		buf_puts(b, "</p>");
	}
	free(v);
	buf_puts(b, "</div>");
	foot(p, "/portal/designs", "");
	return send_page(p, 200);
}

static enum MHD_Result design_file(page *p)
{
	const char *ds = http__arg(p->r, "design"), *ns = http__arg(p->r, "no");
	char *e1 = NULL, *e2 = NULL;
	long long id = ds ? strtoll(ds, &e1, 10) : 0, no = ns ? strtoll(ns, &e2, 10) : 0;
	store_design d;
	store_design_file f;
	if (!ds || !ns || *e1 || *e2 || id <= 0 || no <= 0 || no > 1000 ||
	    store_design_get(p->db, id, &d) || strcmp(d.terms, "public") ||
	    store_design_file_get(p->db, id, (int32_t)no, &f))
		return http__reply_error(p->r, 404, "not_found", -1, "no such public design file");
	if (strcmp(f.kind, "image")) {
		free(f.data);
		return http__reply_error(p->r, 404, "not_found", -1, "no such public design file");
	}
	buf_free(&p->b);
	return http__reply(p->r, 200, f.mime, (char *)f.data, f.size, NULL);
}

static enum MHD_Result redirect(page *p, const char *location)
{
	buf_free(&p->b);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Location", location);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(p->r->conn, 303, resp);
	MHD_destroy_response(resp);
	p->r->done = 1;
	return ret;
}

static enum MHD_Result verify(page *p)
{
	const char *in = http__arg(p->r, "label");
	if (in && *in) {
		/* a pasted link: its /v/... part; a bare serial: /v/<serial> */
		const char *v = strstr(in, "/v/");
		char loc[1100];
		int ok = 0;
		if (v && strlen(v) < 1000 &&
		    strspn(v, "/vABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			      "?&=.%") == strlen(v)) {
			snprintf(loc, sizeof loc, "%s%s%s", v, strchr(v, '?') ? "" : "?",
				 p->en ? "&lang=en" : "");
			ok = 1;
		} else if (strlen(in) <= 32 &&
			   strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				      "opqrstuvwxyz0123456789-_") == strlen(in)) {
			snprintf(loc, sizeof loc, "/v/%s%s", in, p->en ? "?lang=en" : "");
			ok = 1;
		}
		if (ok)
			return redirect(p, loc);
	}
	buf *b = &p->b;
	head(p, L(p, "标签验证", "Verify a label"), "/portal/verify");
	buf_puts(b, "<h1>");
	esc(p, L(p, "品牌标签验证", "Verify a brand label"));
	buf_puts(b, "</h1>");
	if (in && *in) {
		buf_puts(b, "<p class=\"err\">");
		esc(p, L(p, "这不是标签链接或编号。", "That is not a label link or serial."));
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<p>");
	esc(p, L(p, "扫描手套标签上的二维码即可验证；也可以在此粘贴标签链接或输入编号。",
		 "Scan the QR code on the glove's label, or paste the label's link or type its "
		 "serial here."));
	buf_puts(b, "</p><form method=\"get\" action=\"/portal/verify\"><label for=\"label\">");
	esc(p, L(p, "标签链接或编号", "Label link or serial"));
	buf_puts(b, "</label><input id=\"label\" name=\"label\" required maxlength=\"1000\">");
	if (p->en)
		buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	buf_puts(b, "<button type=\"submit\">");
	esc(p, L(p, "验证", "Verify"));
	buf_puts(b, "</button></form>");
	foot(p, "/portal/verify", "");
	return send_page(p, 200);
}

/* ---- the enquiry form ---- */

typedef http_form_field form_field;

static int hexv(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decodes x-www-form-urlencoded text into fields (at most max): -1 for a
 * bad escape, a value too long, or text that is not UTF-8 without control
 * characters (newlines are allowed). */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t k = utf8_next(p, &cp);
		if (!k || (cp < 0x20 && cp != '\n' && cp != '\r') || cp == 0x7f)
			return 0;
		p += k;
	}
	return 1;
}

int http__form_parse(const char *s, size_t n, form_field *f, size_t max, size_t *nf)
{
	*nf = 0;
	size_t i = 0;
	while (i < n) {
		if (*nf >= max)
			return -1;
		form_field *x = &f[*nf];
		x->key[0] = x->val[0] = '\0';
		char *dst = x->key;
		size_t cap = sizeof x->key, len = 0;
		for (; i < n && s[i] != '&'; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '=' && dst == x->key) {
				dst = x->val;
				cap = sizeof x->val;
				len = 0;
				continue;
			}
			if (c == '+') {
				c = ' ';
			} else if (c == '%') {
				int h = i + 2 < n ? hexv(s[i + 1]) : -1;
				int l = i + 2 < n ? hexv(s[i + 2]) : -1;
				if (h < 0 || l < 0)
					return -1;
				c = (unsigned char)(h * 16 + l);
				i += 2;
			}
			if (!c || len + 1 >= cap)
				return -1;
			dst[len++] = (char)c;
			dst[len] = '\0';
		}
		if (i < n)
			i++; /* the '&' */
		if (!text_ok(x->key) || !text_ok(x->val))
			return -1;
		if (x->key[0])
			(*nf)++;
	}
	return 0;
}

/* s into dst, cut to n - 1 bytes (the caller checked the length). */
static void copy_text(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static const char *form_get(const form_field *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].key, key))
			return f[i].val;
	return "";
}

static void input_field(page *p, const char *id, const char *label, const char *type,
			const char *value, const char *extra)
{
	buf *b = &p->b;
	buf_printf(b, "<label for=\"%s\">", id);
	esc(p, label);
	buf_printf(b, "</label><input id=\"%s\" name=\"%s\" type=\"%s\" value=\"", id, id, type);
	esc(p, value);
	buf_printf(b, "\" %s>", extra);
}

static enum MHD_Result enquiry_form(page *p, const form_field *f, size_t nf, const char *err)
{
	buf *b = &p->b;
	head(p, L(p, "采购询盘", "Enquiry"), "/portal/enquiry");
	buf_puts(b, "<h1>");
	esc(p, L(p, "采购询盘", "Send an enquiry"));
	buf_puts(b, "</h1><p>");
	esc(p, L(p, "告诉我们款式、数量和交期，集群会转给能做的企业，企业在后台报价。",
		 "Tell us the style, quantity and due date: the cluster routes it to the firms "
		 "able to make it, and they answer with a quote."));
	buf_puts(b, "</p>");
	if (err) {
		buf_puts(b, "<p class=\"err\" id=\"error\">");
		esc(p, err);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<form method=\"post\" action=\"/portal/enquiry\">");
	if (p->en)
		buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	input_field(p, "buyer", L(p, "公司", "Company"), "text", form_get(f, nf, "buyer"),
		    "required maxlength=\"120\"");
	input_field(p, "contact", L(p, "联系方式（电话或邮箱）", "Contact (phone or e-mail)"),
		    "text", form_get(f, nf, "contact"), "required maxlength=\"120\"");
	input_field(p, "product", L(p, "款式 / 产品", "Style / product"), "text",
		    form_get(f, nf, "product"), "required maxlength=\"250\"");
	buf_puts(b, "<label for=\"family\">");
	esc(p, L(p, "工艺", "Process"));
	buf_puts(b, "</label><select id=\"family\" name=\"family\"><option value=\"\">");
	esc(p, L(p, "不限", "any"));
	buf_puts(b, "</option>");
	static const char *const fams[] = {"sewn", "knitted", "dipped"};
	for (size_t i = 0; i < 3; i++) {
		buf_printf(b, "<option value=\"%s\"%s>", fams[i],
			   strcmp(form_get(f, nf, "family"), fams[i]) ? "" : " selected");
		esc(p, family_word(p, fams[i]));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select>");
	input_field(p, "pairs", L(p, "数量（双）", "Quantity (pairs)"), "number",
		    form_get(f, nf, "pairs"), "required min=\"1\" max=\"100000000\"");
	input_field(p, "due", L(p, "交期", "Due date"), "date", form_get(f, nf, "due"), "required");
	buf_puts(b, "<label for=\"message\">");
	esc(p, L(p, "说明", "Message"));
	buf_puts(b, "</label><textarea id=\"message\" name=\"message\" rows=\"4\" "
		    "maxlength=\"1000\">");
	esc(p, form_get(f, nf, "message"));
	buf_puts(b, "</textarea><button type=\"submit\">");
	esc(p, L(p, "提交询盘", "Send"));
	buf_puts(b, "</button></form>");
	foot(p, "/portal/enquiry", "");
	return send_page(p, err ? 400 : 200);
}

static enum MHD_Result enquiry_post(page *p)
{
	form_field *f = calloc(16, sizeof *f);
	if (!f)
		return http__reply_error(p->r, 503, "unavailable", -1, "out of memory");
	size_t nf = 0;
	enum MHD_Result res;
	if (http__form_parse(p->r->body.data ? p->r->body.data : "", p->r->body.len, f, 16, &nf)) {
		res = enquiry_form(p, f, 0,
				   L(p, "表单内容无效（编码错误或过长）。",
				     "The form's text is not valid (bad encoding or too long)."));
		free(f);
		return res;
	}
	if (!strcmp(form_get(f, nf, "lang"), "en"))
		p->en = 1;
	store_enquiry q;
	memset(&q, 0, sizeof q);
	char msg[160] = "";
	const char *pairs = form_get(f, nf, "pairs");
	char *end = NULL;
	long long pv = strtoll(pairs, &end, 10);
	snprintf(q.lang, sizeof q.lang, "%s", p->en ? "en" : "zh");
	if (strlen(form_get(f, nf, "buyer")) >= sizeof q.buyer ||
	    strlen(form_get(f, nf, "contact")) >= sizeof q.contact ||
	    strlen(form_get(f, nf, "product")) >= sizeof q.product ||
	    strlen(form_get(f, nf, "family")) >= sizeof q.family ||
	    strlen(form_get(f, nf, "message")) >= sizeof q.message)
		snprintf(msg, sizeof msg, "%s", L(p, "有字段过长。", "A field is too long."));
	copy_text(q.buyer, sizeof q.buyer, form_get(f, nf, "buyer"));
	copy_text(q.contact, sizeof q.contact, form_get(f, nf, "contact"));
	copy_text(q.product, sizeof q.product, form_get(f, nf, "product"));
	copy_text(q.family, sizeof q.family, form_get(f, nf, "family"));
	copy_text(q.message, sizeof q.message, form_get(f, nf, "message"));
	if (!msg[0] && (!*pairs || !end || *end || pv < 1 || pv > 100000000))
		snprintf(msg, sizeof msg, "%s",
			 L(p, "数量：请填 1 到 1 亿双。", "Quantity: 1 to 100,000,000 pairs."));
	q.pairs = pv;
	if (!msg[0] && tz_day_parse(form_get(f, nf, "due"), &q.due_day))
		snprintf(msg, sizeof msg, "%s",
			 L(p, "交期：请填日期（年-月-日）。", "Due date: a date (YYYY-MM-DD)."));
	char why[120];
	if (!msg[0] && http__enquiry_check(&q, why, sizeof why))
		snprintf(msg, sizeof msg, "%s%s", L(p, "请检查：", "Please check: "), why);
	if (msg[0]) {
		res = enquiry_form(p, f, nf, msg);
		free(f);
		return res;
	}
	free(f);
	char token[SECRET_TOKEN_MAX];
	size_t routed = 0;
	if (http__enquiry_create(p->r, p->db, &q, token, sizeof token, &routed))
		return http__reply_error(p->r, 503, "unavailable", -1, "cannot store the enquiry");
	buf *b = &p->b;
	head(p, L(p, "询盘已提交", "Enquiry sent"), "/portal/enquiry");
	buf_puts(b, "<h1>");
	esc(p, L(p, "询盘已提交", "Your enquiry is sent"));
	buf_printf(b, "</h1><p class=\"ok\" id=\"sent\" data-ref=\"%s\">", q.ref);
	esc(p, L(p, "询盘编号 ", "Reference "));
	esc(p, q.ref);
	buf_printf(b, " · %s %zu %s</p><p>", L(p, "已转给", "routed to"), routed,
		   L(p, "家企业", routed == 1 ? "firm" : "firms"));
	esc(p, L(p, "请保存下面的链接，企业报价后可在此查看：",
		 "Keep this link: the firms' quotes appear there."));
	buf_puts(b, "</p><p><a id=\"status-link\" href=\"/portal/enquiry/status?ref=");
	esc(p, q.ref);
	buf_puts(b, "&amp;token=");
	esc(p, token);
	buf_puts(b, lang_q(p));
	buf_puts(b, "\">");
	esc(p, L(p, "查看报价", "See the quotes"));
	buf_puts(b, "</a></p>");
	foot(p, "/portal/enquiry", "");
	return send_page(p, 201);
}

static enum MHD_Result enquiry_status(page *p)
{
	store_enquiry q;
	cJSON *ans = NULL;
	const char *ref = http__arg(p->r, "ref"), *token = http__arg(p->r, "token");
	if (http__enquiry_answers(p->r, p->db, ref, token, &q, &ans))
		return not_found(p, L(p, "没有这个询盘（编号或链接不对）。",
				      "No such enquiry (wrong reference or link)."));
	buf *b = &p->b;
	head(p, L(p, "询盘报价", "Quotes"), "/portal/enquiry/status");
	buf_puts(b, "<h1>");
	esc(p, L(p, "询盘 ", "Enquiry "));
	esc(p, q.ref);
	buf_puts(b, "</h1><div class=\"card\">");
	esc(p, q.product);
	char due[16];
	tz_day_format(q.due_day, due);
	buf_printf(b, " · %lld %s · %s ", (long long)q.pairs,
		   L(p, "双", q.pairs == 1 ? "pair" : "pairs"), L(p, "交期", "due"));
	esc(p, due);
	buf_puts(b, "</div><div id=\"quotes\">");
	const cJSON *x;
	int k = 0;
	cJSON_ArrayForEach(x, ans)
	{
		k++;
		buf_puts(b, "<div class=\"card quote\"><h3>");
		esc(p, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "name")));
		buf_puts(b, "</h3><div class=\"muted\">");
		esc(p, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "town")));
		buf_puts(b, "</div><p>");
		esc(p, L(p, "报价：¥", "Price: ¥"));
		esc(p, cJSON_GetStringValue(
			   cJSON_GetObjectItemCaseSensitive(x, "price_yuan_per_dozen")));
		esc(p, L(p, " / 打", " a dozen"));
		buf_puts(b, "</p><p>");
		esc(p, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "answer")));
		buf_puts(b, "</p></div>");
	}
	cJSON_Delete(ans);
	if (!k) {
		buf_puts(b, "<p class=\"muted\">");
		esc(p, L(p, "还没有企业报价。", "No quotes yet."));
		buf_puts(b, "</p>");
	}
	buf_puts(b, "</div>");
	foot(p, "/portal/enquiry/status", "");
	return send_page(p, 200);
}

/* ---- sitemap and robots ---- */

static enum MHD_Result sitemap(page *p)
{
	buf *b = &p->b;
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	static const char *const fixed[] = {"/portal", "/portal/designs", "/portal/verify",
					    "/portal/enquiry"};
	for (size_t i = 0; i < 4; i++) {
		buf_puts(b, "<url><loc>");
		esc(p, p->base);
		esc(p, fixed[i]);
		buf_puts(b, "</loc></url>\n<url><loc>");
		esc(p, p->base);
		esc(p, fixed[i]);
		buf_puts(b, "?lang=en</loc></url>\n");
	}
	store_enterprise *es = NULL;
	size_t n = 0;
	if (!listed_firms(p, NULL, &es, &n)) {
		for (size_t i = 0; i < n; i++) {
			int seen = 0;
			for (size_t k = 0; k < i && !seen; k++)
				seen = !strcmp(es[k].town, es[i].town);
			if (!seen && es[i].town[0]) {
				buf tq;
				buf_init(&tq, 512);
				url_encode(&tq, es[i].town);
				buf_puts(b, "<url><loc>");
				esc(p, p->base);
				buf_puts(b, "/portal/town?name=");
				buf_append(b, tq.data, tq.len);
				buf_puts(b, "</loc></url>\n");
				buf_free(&tq);
			}
			buf_puts(b, "<url><loc>");
			esc(p, p->base);
			buf_puts(b, "/portal/firm?code=");
			esc(p, es[i].code);
			buf_puts(b, "</loc></url>\n");
		}
		free(es);
	}
	buf_puts(b, "</urlset>\n");
	size_t len = b->len;
	return http__reply(p->r, 200, "application/xml; charset=utf-8", buf_steal(b), len, NULL);
}

static enum MHD_Result robots(page *p)
{
	buf *b = &p->b;
	buf_puts(b, "User-agent: *\nAllow: /portal\nDisallow: /api/\nDisallow: /v/\nSitemap: ");
	buf_puts(b, p->base);
	buf_puts(b, "/sitemap.xml\n");
	size_t len = b->len;
	return http__reply(p->r, 200, "text/plain; charset=utf-8", buf_steal(b), len, NULL);
}

int http__is_portal(const char *url)
{
	return !strcmp(url, "/portal") || !strncmp(url, "/portal/", 8) ||
	       !strcmp(url, "/sitemap.xml") || !strcmp(url, "/robots.txt");
}

enum MHD_Result http__serve_portal(http_req *r)
{
	enum MHD_Result ret;
	int post = !strcmp(r->method, "POST");
	if (!post && strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return http__reply_error(r, 405, "bad_request", -1, "method not allowed");
	if (!http__public_allow(r, &ret))
		return ret;
	static const struct {
		const char *path;
		enum MHD_Result (*fn)(page *p);
		int post;
	} routes[] = {
	    {"/portal", home, 0},
	    {"/portal/", home, 0},
	    {"/portal/town", town, 0},
	    {"/portal/firm", firm, 0},
	    {"/portal/designs", designs, 0},
	    {"/portal/design-file", design_file, 0},
	    {"/portal/verify", verify, 0},
	    {"/portal/enquiry", NULL, 0},
	    {"/portal/enquiry/status", enquiry_status, 0},
	    {"/sitemap.xml", sitemap, 0},
	    {"/robots.txt", robots, 0},
	};
	size_t i = 0;
	while (i < sizeof routes / sizeof routes[0] && strcmp(routes[i].path, r->url))
		i++;
	if (i == sizeof routes / sizeof routes[0])
		return http__reply_error(r, 404, "not_found", -1, "no portal page %s", r->url);
	if (post && strcmp(r->url, "/portal/enquiry"))
		return http__reply_error(r, 405, "bad_request", -1, "method not allowed");
	store *db = http__db_get(r->srv);
	if (!db)
		return http__reply_error(r, 503, "unavailable", -1, "database unavailable");
	http__refresh(r, db);
	page p = {.r = r, .db = db};
	const char *lang = http__arg(r, "lang");
	p.en = lang && !strcmp(lang, "en");
	buf_init(&p.b, PAGE_MAX);
	http__public_base(r, p.base, sizeof p.base);
	if (!strcmp(r->url, "/portal/enquiry"))
		ret = post ? enquiry_post(&p) : enquiry_form(&p, NULL, 0, NULL);
	else
		ret = routes[i].fn(&p);
	buf_free(&p.b);
	http__db_put(r->srv, db);
	return ret;
}
