// SPDX-License-Identifier: MIT
/*
 * html.c - the report as one self-contained HTML file: inline CSS, plots as
 * inline SVG, no script and no network (a Content-Security-Policy says so).
 * Every string from the results is escaped.
 */
#include "report.h"

#include <string.h>

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;"
	"max-width:1200px;padding:0 1em;color:#1d1d1f;background:#fff}"
	"h1{font-size:1.7em;margin-bottom:.2em}"
	"h2{border-bottom:2px solid #ccd;padding-bottom:.2em;margin-top:2em}"
	"table{border-collapse:collapse;margin:.8em 0;font-size:13px}"
	"th,td{border:1px solid #ccd;padding:.3em .6em;text-align:left;"
	"vertical-align:top}"
	"th{background:#eef0f6}"
	"tr.groups th{background:#dde2ee;text-align:center}"
	"div.wide{overflow-x:auto;max-width:100%}"
	"td small{display:block;color:#555;font-size:11px}"
	"td.v-id{font-family:ui-monospace,monospace}"
	"td.v-id small{font-family:system-ui,sans-serif;font-size:12px}"
	"td.v-num{text-align:right;white-space:nowrap;font-variant-numeric:"
	"tabular-nums}"
	"td.v-pass{background:#d8f3dc;color:#0b5d1e;font-weight:600}"
	"td.v-fail{background:#ffd6d6;color:#9b1111;font-weight:600}"
	"td.v-skip{background:#fff3c4;color:#6b5500}"
	"td.v-error{background:#ecd9ff;color:#5a1896;font-weight:600}"
	"td.v-none{color:#888}"
	"td[title]{cursor:help}"
	"ol.notes{font-size:12px;color:#444}"
	"figure{margin:1em 0}figure svg{max-width:100%;height:auto;"
	"border:1px solid #eee}"
	"figcaption{font-size:12px;color:#555}"
	"figure.missing{padding:1em;background:#fff3c4}"
	/* The lead: headline and areas on the left, the chart on the right
	 * where the page is wide; one column where it is not. */
	".lead{display:grid;grid-template-columns:minmax(300px,2fr) 3fr;"
	"grid-template-rows:auto 1fr;grid-template-areas:'head chart' 'areas "
	"chart';"
	"gap:0 2em;"
	"align-items:start}"
	".lead.nochart{grid-template-columns:1fr;grid-template-areas:'head' "
	"'areas'}"
	".lead>#headline{grid-area:head}.lead>#chart{grid-area:chart}"
	".lead>#areas{grid-area:areas}"
	".lead h2{margin-top:.4em}"
	".lead figure{margin:.3em 0}"
	"@media (max-width:1000px){.lead{display:block}}"
	"p.lead{font-size:1.25em;font-weight:600;margin:.3em 0 .5em}"
	"ul.items{margin:.3em 0;padding-left:1.3em}ul.items li{margin:.15em 0}"
	"h3{margin:1.2em 0 .3em;font-size:1.1em}"
	"details{margin:1em 0}summary{font-weight:600;font-size:1.1em;"
	"cursor:pointer}";

void html_escape(FILE *f, const char *s)
{
	static const struct {
		char c;
		const char *entity;
	} map[] = { { '&', "&amp;" },
		    { '<', "&lt;" },
		    { '>', "&gt;" },
		    { '"', "&quot;" },
		    { '\'', "&#39;" } };

	for (; s && *s; s++) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(map) && map[i].c != *s; i++)
			;
		if (i < ARRAY_SIZE(map))
			fputs(map[i].entity, f);
		else if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void html_begin(struct doc *d, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'; img-src "
	      "data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<title>",
	      d->f);
	html_escape(d->f, title);
	fprintf(d->f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
		css);
	html_escape(d->f, title);
	fputs("</h1>\n", d->f);
}

static void html_end(struct doc *d)
{
	fputs("</body>\n</html>\n", d->f);
}

static void html_section(struct doc *d, const char *id, const char *title)
{
	fputs("<section id=\"", d->f);
	html_escape(d->f, id);
	fputs("\">\n", d->f);
	if (!title)
		return;
	fputs("<h2>", d->f);
	html_escape(d->f, title);
	fputs("</h2>\n", d->f);
}

static void html_end_section(struct doc *d)
{
	fputs("</section>\n", d->f);
}

static void html_para(struct doc *d, const char *text)
{
	fputs("<p>", d->f);
	html_escape(d->f, text);
	fputs("</p>\n", d->f);
}

static void attr(FILE *f, const char *name, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(f, " %s=\"", name);
	html_escape(f, val);
	fputc('"', f);
}

static void html_cell(struct doc *d, const char *tag, const struct cell *c,
		      int note)
{
	fprintf(d->f, "<%s", tag);
	if (c->cls)
		fprintf(d->f, " class=\"v-%s\"", c->cls);
	attr(d->f, "title", c->hover);
	fputc('>', d->f);
	html_escape(d->f, c->text);
	if (note)
		fprintf(d->f, "<sup><a href=\"#note-%d\">%d</a></sup>", note,
			note);
	if (c->sub && *c->sub) {
		fputs("<small>", d->f);
		html_escape(d->f, c->sub);
		fputs("</small>", d->f);
	}
	fprintf(d->f, "</%s>", tag);
}

static const char *group_text(const struct table *t, size_t c)
{
	return t->group[c].text ? t->group[c].text : "";
}

/* The row above the head: neighbours with the same text are one cell. */
static void html_groups(struct doc *d, const struct table *t)
{
	fputs("<tr class=\"groups\">", d->f);
	for (size_t c = 0, span; c < t->ncols; c += span) {
		for (span = 1;
		     c + span < t->ncols &&
		     !strcmp(group_text(t, c), group_text(t, c + span));
		     span++)
			;
		fputs("<th", d->f);
		if (span > 1)
			fprintf(d->f, " colspan=\"%zu\"", span);
		attr(d->f, "title", t->group[c].hover);
		fputc('>', d->f);
		html_escape(d->f, group_text(t, c));
		fputs("</th>", d->f);
	}
	fputs("</tr>\n", d->f);
}

static void html_table(struct doc *d, const struct table *t)
{
	int first = d->notes + 1;

	/* grouped columns are many: the table scrolls, not the page */
	if (t->group)
		fputs("<div class=\"wide\">", d->f);
	fputs("<table", d->f);
	attr(d->f, "id", t->id);
	fputs(">\n<thead>", d->f);
	if (t->group)
		html_groups(d, t);
	fputs("<tr>", d->f);
	for (size_t c = 0; c < t->ncols; c++)
		html_cell(d, "th", &t->head[c], 0);
	fputs("</tr></thead>\n<tbody>\n", d->f);
	for (size_t r = 0; r < t->nrows; r++) {
		fputs("<tr>", d->f);
		for (size_t c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells[r * t->ncols + c];
			html_cell(d, "td", cell, cell->note ? ++d->notes : 0);
		}
		fputs("</tr>\n", d->f);
	}
	fputs("</tbody>\n</table>\n", d->f);
	if (t->group)
		fputs("</div>\n", d->f);
	if (first > d->notes)
		return;
	fprintf(d->f, "<ol class=\"notes\" start=\"%d\">\n", first);
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		if (!t->cells[i].note)
			continue;
		fprintf(d->f, "<li id=\"note-%d\">", first++);
		html_escape(d->f, t->cells[i].note);
		fputs("</li>\n", d->f);
	}
	fputs("</ol>\n", d->f);
}

/*
 * Inline gnuplot's SVG: drop the XML prologue and give every id (and every
 * reference to one) the figure's name as a prefix, so that the ids of
 * several plots in one page do not collide.
 */
static void inline_svg(FILE *f, const char *name, const char *svg)
{
	static const char *const refs[] = { "id='", "id=\"", "url(#", "href='#",
					    "href=\"#" };
	const char *s = strstr(svg, "<svg");

	for (; s && *s; s++) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(refs); i++)
			if (!strncmp(s, refs[i], strlen(refs[i])) &&
			    (refs[i][0] != 'i' || s[-1] == ' ' ||
			     s[-1] == '\t' || s[-1] == '\n'))
				break;
		if (i == ARRAY_SIZE(refs)) {
			fputc(*s, f);
			continue;
		}
		fprintf(f, "%s%s-", refs[i], name);
		s += strlen(refs[i]) - 1;
	}
}

static void html_figure(struct doc *d, const char *name, const char *caption,
			const char *svg, const char *why)
{
	fputs("<figure id=\"fig-", d->f);
	html_escape(d->f, name);
	fputs(svg ? "\">\n" : "\" class=\"missing\">\n<p>Plot unavailable: ",
	      d->f);
	if (svg)
		inline_svg(d->f, name, svg);
	else
		html_escape(d->f, why);
	fputs(svg ? "\n<figcaption>" : "</p>\n<figcaption>", d->f);
	html_escape(d->f, caption);
	fputs("</figcaption>\n</figure>\n", d->f);
}

static void html_lead(struct doc *d, const char *text)
{
	fputs("<p class=\"lead\">", d->f);
	html_escape(d->f, text);
	fputs("</p>\n", d->f);
}

static void html_list(struct doc *d, const char *const *items, size_t n)
{
	fputs("<ul class=\"items\">\n", d->f);
	for (size_t i = 0; i < n; i++) {
		fputs("<li>", d->f);
		html_escape(d->f, items[i]);
		fputs("</li>\n", d->f);
	}
	fputs("</ul>\n", d->f);
}

static void html_heading(struct doc *d, const char *text)
{
	fputs("<h3>", d->f);
	html_escape(d->f, text);
	fputs("</h3>\n", d->f);
}

static void html_fold(struct doc *d, const char *summary, bool open)
{
	fprintf(d->f, "<details%s><summary>", open ? " open" : "");
	html_escape(d->f, summary);
	fputs("</summary>\n", d->f);
}

static void html_end_fold(struct doc *d)
{
	fputs("</details>\n", d->f);
}

static void html_box(struct doc *d, const char *cls)
{
	fputs("<div", d->f);
	attr(d->f, "class", cls);
	fputs(">\n", d->f);
}

static void html_end_box(struct doc *d)
{
	fputs("</div>\n", d->f);
}

const struct doc_ops html_ops = {
	.begin = html_begin,
	.end = html_end,
	.section = html_section,
	.end_section = html_end_section,
	.para = html_para,
	.table = html_table,
	.figure = html_figure,
	.lead = html_lead,
	.list = html_list,
	.heading = html_heading,
	.fold = html_fold,
	.end_fold = html_end_fold,
	.box = html_box,
	.end_box = html_end_box,
};
