// SPDX-License-Identifier: MIT
/*
 * markdown.c - the report as GitHub-flavoured Markdown: tables, footnotes
 * for skip and failure reasons, and the plots as SVG files written beside
 * the Markdown file (DIR/STEM-NAME.svg), linked relatively.
 */
#include "report.h"

#include <errno.h>
#include <string.h>

/*
 * Backslash what Markdown would read as markup anywhere (emphasis, code,
 * links, HTML, table cells), and what starts a heading or a list at the
 * start of a string; & as an entity; control characters as spaces.
 */
void markdown_escape(FILE *f, const char *s)
{
	for (const char *p = s; p && *p; p++) {
		if ((*p && strchr("\\`*_{}[]<>|~", *p)) ||
		    (p == s && strchr("#+-=>!", *p)))
			fprintf(f, "\\%c", *p);
		else if (*p == '&')
			fputs("&amp;", f);
		else if ((unsigned char)*p < 0x20)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

static void md_begin(struct doc *d, const char *title)
{
	fputs("# ", d->f);
	markdown_escape(d->f, title);
	fputs("\n\n", d->f);
}

static void md_end(struct doc *d)
{
	(void)d;
}

static void md_section(struct doc *d, const char *id, const char *title)
{
	fputs("<a id=\"", d->f);
	markdown_escape(d->f, id);
	fputs("\"></a>\n\n", d->f);
	if (!title)
		return;
	fputs("## ", d->f);
	markdown_escape(d->f, title);
	fputs("\n\n", d->f);
}

static void md_end_section(struct doc *d)
{
	(void)d;
}

static void md_para(struct doc *d, const char *text)
{
	markdown_escape(d->f, text);
	fputs("\n\n", d->f);
}

static const struct {
	const char *cls, *mark;
} marks[] = {
	{ "pass", "✅ " },
	{ "fail", "❌ " },
	{ "skip", "⏭️ " },
	{ "error", "⚠️ " },
};

static void md_cell(struct doc *d, const struct cell *c, int note)
{
	fputs(" ", d->f);
	for (size_t i = 0; c->cls && i < ARRAY_SIZE(marks); i++)
		if (!strcmp(c->cls, marks[i].cls))
			fputs(marks[i].mark, d->f);
	markdown_escape(d->f, c->text);
	if (note)
		fprintf(d->f, "[^%d]", note);
	if (c->sub && *c->sub) {
		fputs(" <br>", d->f);
		markdown_escape(d->f, c->sub);
	}
	fputs(" |", d->f);
}

static void md_table(struct doc *d, const struct table *t)
{
	int first = d->notes + 1;

	fputs("|", d->f);
	for (size_t c = 0; c < t->ncols; c++) {
		/* a group's name before the head of its first column */
		const char *g = t->group ? t->group[c].text : NULL;
		if (g && *g &&
		    (!c || !t->group[c - 1].text ||
		     strcmp(g, t->group[c - 1].text))) {
			fputs(" **", d->f);
			markdown_escape(d->f, g);
			fputs("** <br>", d->f);
		}
		md_cell(d, &t->head[c], 0);
	}
	fputs("\n|", d->f);
	for (size_t c = 0; c < t->ncols; c++)
		fputs(" --- |", d->f);
	fputc('\n', d->f);
	for (size_t r = 0; r < t->nrows; r++) {
		fputs("|", d->f);
		for (size_t c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells[r * t->ncols + c];
			md_cell(d, cell, cell->note ? ++d->notes : 0);
		}
		fputc('\n', d->f);
	}
	fputc('\n', d->f);
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		if (!t->cells[i].note)
			continue;
		fprintf(d->f, "[^%d]: ", first++);
		markdown_escape(d->f, t->cells[i].note);
		fputc('\n', d->f);
	}
	if (first > 1)
		fputc('\n', d->f);
}

/* A file name as a relative URL: anything unusual percent-encoded. */
static void url_encode(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._-", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static int write_svg(struct doc *d, const char *name, const char *svg)
{
	char path[4096];
	FILE *f;
	int r = 0;

	if (snprintf(path, sizeof(path), "%s/%s-%s.svg", d->dir, d->stem,
		     name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(svg, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && !r)
		r = -errno;
	return r;
}

static void md_figure(struct doc *d, const char *name, const char *caption,
		      const char *svg, const char *why)
{
	int r = svg ? write_svg(d, name, svg) : 0;

	if (r < 0 && !d->err)
		d->err = r;
	if (!svg) {
		fputs("*Plot unavailable: ", d->f);
		markdown_escape(d->f, why);
		fputs("*\n\n", d->f);
		return;
	}
	/* The alt text: the caption's first sentence. */
	const char *stop = strstr(caption, ". ");
	_cleanup_free_ char *alt = strndup(
		caption, stop ? (size_t)(stop - caption) : strlen(caption));
	fputs("![", d->f);
	markdown_escape(d->f, alt ? alt : caption);
	fputs("](", d->f);
	url_encode(d->f, d->stem);
	fputc('-', d->f);
	url_encode(d->f, name);
	fputs(".svg)\n\n*", d->f);
	markdown_escape(d->f, caption);
	fputs("*\n\n", d->f);
}

static void md_lead(struct doc *d, const char *text)
{
	fputs("**", d->f);
	markdown_escape(d->f, text);
	fputs("**\n\n", d->f);
}

static void md_list(struct doc *d, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputs("- ", d->f);
		markdown_escape(d->f, items[i]);
		fputc('\n', d->f);
	}
	fputc('\n', d->f);
}

static void md_heading(struct doc *d, const char *text)
{
	fputs("### ", d->f);
	markdown_escape(d->f, text);
	fputs("\n\n", d->f);
}

/* GitHub renders Markdown inside <details> after a blank line. */
static void md_fold(struct doc *d, const char *summary, bool open)
{
	fprintf(d->f, "<details%s><summary>", open ? " open" : "");
	html_escape(d->f, summary);
	fputs("</summary>\n\n", d->f);
}

static void md_end_fold(struct doc *d)
{
	fputs("</details>\n\n", d->f);
}

static void md_box(struct doc *d, const char *cls)
{
	(void)d, (void)cls;
}

static void md_end_box(struct doc *d)
{
	(void)d;
}

const struct doc_ops markdown_ops = {
	.begin = md_begin,
	.end = md_end,
	.section = md_section,
	.end_section = md_end_section,
	.para = md_para,
	.table = md_table,
	.figure = md_figure,
	.lead = md_lead,
	.list = md_list,
	.heading = md_heading,
	.fold = md_fold,
	.end_fold = md_end_fold,
	.box = md_box,
	.end_box = md_end_box,
};
