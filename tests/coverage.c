// SPDX-License-Identifier: MIT
/*
 * coverage: the coverage map (issue 20). Each docs/coverage/<doc>.tsv holds
 * the normative statements of one document, one a line, tab-separated:
 *
 *   id  locator  statement  testable  checked-by
 *
 * the statement being our own paraphrase and the locator where it stands in
 * the document (section, paragraph). testable is "yes" or "no"; checked-by
 * is, for "yes", the scenario ids that check it ("-": none yet), and for
 * "no" the one-line reason no test can observe it. An id written
 * BRANCH:area/name is planned in a branch not merged yet. A "#doc" line
 * names the document and its source; other "#" lines are comments.
 *
 * Checks: the tables are well formed; every scenario id is in this build's
 * registry; a planned id fails unless --allow-planned, and fails always once
 * the id is in the build (drop the prefix); with --check MD, MD is exactly
 * the markdown the tables make (-o MD writes it). Prints, per document, the
 * testable statements, how many are covered and the percentage.
 *
 * usage: coverage [--allow-planned] [--check MD | -o MD] TABLE...
 * exit: 0 ok, 1 a check failed, 2 bad usage or a malformed table.
 */
#include "../harness/registry.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ID, F_WHERE, F_TEXT, F_TESTABLE, F_MAP, F__COUNT };

struct stmt {
	const char *f[F__COUNT];
	bool testable;
	bool covered; /* one id or more in this build */
	bool planned; /* not covered, but planned in a branch */
};

struct doc {
	const char *path, *title, *source;
	char *buf; /* the file; every string points into it */
	struct stmt *s;
	size_t n;
	size_t testable, covered, planned;
};

struct opts {
	bool allow_planned;
	const char *check, *out;
};

static int failures;

static void fail(const char *fmt, ...) _printf_(1, 2);
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("coverage: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* Bad input: one line, exit 2. */
static _Noreturn void die(const char *fmt, ...) _printf_(1, 2);
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("coverage: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static char *slurp(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			grown = realloc(buf, cap = cap * 2 + 8192);
			if (!grown) {
				free(buf);
				return NULL;
			}
			buf = grown;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* ---- parsing -------------------------------------------------------- */

/* area/name: lower case, digits, '-', '_' and '.', one slash inside. */
static bool id_ok(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_./") ==
	       strlen(s);
}

/* "-" or ids, each maybe BRANCH:-prefixed, one space between. */
static bool ids_ok(const char *map)
{
	char tok[256];
	const char *p = map;

	if (strcmp(map, "-") == 0)
		return true;
	while (*p) {
		size_t k = strcspn(p, " ");
		const char *colon;

		if (k == 0 || k >= sizeof(tok))
			return false;
		memcpy(tok, p, k);
		tok[k] = '\0';
		colon = strchr(tok, ':');
		if (colon &&
		    (colon == tok || strspn(tok, "abcdefghijklmnop"
						 "qrstuvwxyz0123456789") !=
					     (size_t)(colon - tok)))
			return false;
		if (!id_ok(colon ? colon + 1 : tok))
			return false;
		p += k;
		if (*p == ' ' && *++p == '\0')
			return false;
	}
	return true;
}

static void parse_doc_line(struct doc *d, char *line, int ln)
{
	char *title, *source;

	strsep(&line, "\t");
	title = strsep(&line, "\t");
	source = strsep(&line, "\t");
	if (!title || !*title || !source || !*source || line)
		die("%s:%d: \"#doc\" takes a title and a source", d->path, ln);
	if (d->title)
		die("%s:%d: a second \"#doc\" line", d->path, ln);
	d->title = title;
	d->source = source;
}

static const char *field_problem(const struct stmt *s)
{
	for (int i = 0; i < F__COUNT; i++)
		if (!*s->f[i])
			return "an empty field";
		else if (strchr(s->f[i], '|'))
			return "a '|' (it would break the markdown table)";
	if (strspn(s->f[F_ID], "abcdefghijklmnopqrstuvwxyz0123456789-.") !=
	    strlen(s->f[F_ID]))
		return "an id other than [a-z0-9.-]";
	if (strcmp(s->f[F_TESTABLE], "yes") && strcmp(s->f[F_TESTABLE], "no"))
		return "testable neither \"yes\" nor \"no\"";
	if (!s->testable && strcmp(s->f[F_MAP], "-") == 0)
		return "a statement not testable without its reason";
	if (s->testable && !ids_ok(s->f[F_MAP]))
		return "checked-by not \"-\" nor scenario ids (area/name, "
		       "BRANCH:area/name) one space apart";
	return NULL;
}

static void parse_stmt(struct doc *d, char *line, int ln)
{
	struct stmt s = { 0 };
	const char *why;
	int i;

	for (i = 0; i < F__COUNT && line; i++)
		s.f[i] = strsep(&line, "\t");
	if (i < F__COUNT || line)
		die("%s:%d: %d fields, not %d", d->path, ln, i + (line ? 1 : 0),
		    F__COUNT);
	s.testable = strcmp(s.f[F_TESTABLE], "yes") == 0;
	if ((why = field_problem(&s)))
		die("%s:%d: %s", d->path, ln, why);
	d->s = realloc(d->s, (d->n + 1) * sizeof(*d->s));
	if (!d->s)
		die("out of memory");
	d->s[d->n++] = s;
}

static void parse(struct doc *d)
{
	char *p, *line;
	int ln = 0;

	d->buf = slurp(d->path);
	if (!d->buf)
		die("%s: cannot read it", d->path);
	p = d->buf;
	while ((line = strsep(&p, "\n"))) {
		ln++;
		if (!p && !*line)
			break;
		if (strncmp(line, "#doc\t", 5) == 0)
			parse_doc_line(d, line, ln);
		else if (*line != '#')
			parse_stmt(d, line, ln);
	}
	if (!d->title)
		die("%s: no \"#doc\" line naming the document", d->path);
	if (d->n == 0)
		die("%s: no statement", d->path);
}

static void unique_ids(const struct doc *docs, size_t nd)
{
	for (size_t a = 0; a < nd; a++)
		for (size_t i = 0; i < docs[a].n; i++)
			for (size_t b = a; b < nd; b++)
				for (size_t j = b == a ? i + 1 : 0;
				     j < docs[b].n; j++)
					if (strcmp(docs[a].s[i].f[F_ID],
						   docs[b].s[j].f[F_ID]) == 0)
						die("%s and %s: statement id "
						    "%s "
						    "twice",
						    docs[a].path, docs[b].path,
						    docs[a].s[i].f[F_ID]);
}

/* ---- the registry ----------------------------------------------------- */

static bool in_build(const char *id)
{
	for (size_t i = 0; i < registry_count(); i++)
		if (strcmp(registry_get(i)->id, id) == 0)
			return true;
	return false;
}

/* Calls fn for each id of s's checked-by, with its branch or NULL. */
static void each_id(const struct stmt *s,
		    void (*fn)(const char *branch, const char *id, void *arg),
		    void *arg)
{
	char tok[256], *colon;
	const char *p = s->f[F_MAP];

	if (!s->testable || strcmp(p, "-") == 0)
		return;
	while (*p) {
		size_t k = strcspn(p, " ");

		memcpy(tok, p, k);
		tok[k] = '\0';
		colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		fn(colon ? tok : NULL, colon ? colon + 1 : tok, arg);
		p += k + (p[k] == ' ');
	}
}

/* Strict mode: the branches whose planned ids are not in this build. */
static struct unmerged {
	char name[64];
	size_t ids;
} unmerged[32];
static size_t n_unmerged;

static void unmerged_add(const char *branch)
{
	size_t i;

	for (i = 0; i < n_unmerged; i++)
		if (strcmp(unmerged[i].name, branch) == 0)
			break;
	if (i == n_unmerged) {
		if (n_unmerged == ARRAY_SIZE(unmerged) ||
		    strlen(branch) >= sizeof(unmerged[i].name))
			die("too many branches, or a branch name too long: %s",
			    branch);
		snprintf(unmerged[n_unmerged++].name, sizeof(unmerged[i].name),
			 "%s", branch);
	}
	unmerged[i].ids++;
}

static void unmerged_report(void)
{
	for (size_t i = 0; i < n_unmerged; i++)
		fail("%zu references to scenarios planned in branch %s, not "
		     "in this build: merge it and `make coverage-land "
		     "BRANCH=%s` "
		     "(COVERAGE_FLAGS=--allow-planned until then)",
		     unmerged[i].ids, unmerged[i].name, unmerged[i].name);
}

struct mapping {
	const struct doc *d;
	const struct stmt *s;
	const struct opts *o;
	bool covered, planned;
};

static void judge_id(const char *branch, const char *id, void *arg)
{
	struct mapping *v = arg;
	const char *where = v->d->path, *sid = v->s->f[F_ID];
	bool built = in_build(id);

	if (!branch && !built)
		fail("%s: %s: scenario %s is not in this build", where, sid,
		     id);
	else if (!branch)
		v->covered = true;
	else if (built)
		fail("%s: %s: %s is in this build: drop its \"%s:\" prefix",
		     where, sid, id, branch);
	else {
		v->planned =
			true; /* the markdown does not depend on the mode */
		if (!v->o->allow_planned)
			unmerged_add(branch);
	}
}

static void judge(struct doc *d, const struct opts *o)
{
	for (size_t i = 0; i < d->n; i++) {
		struct stmt *s = &d->s[i];
		struct mapping v = { d, s, o, false, false };

		each_id(s, judge_id, &v);
		s->covered = v.covered;
		s->planned = !v.covered && v.planned;
		d->testable += s->testable;
		d->covered += s->covered;
		d->planned += s->planned;
	}
}

/* ---- the markdown ----------------------------------------------------- */

static double pct(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* The anchor a markdown renderer gives a "## title" heading. */
static void anchor(FILE *m, const char *title)
{
	for (const char *c = title; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_')
			fputc(*c, m);
		else if (*c >= 'A' && *c <= 'Z')
			fputc(*c - 'A' + 'a', m);
		else if (*c == ' ')
			fputc('-', m);
}

static void md_head(FILE *m, const struct doc *docs, size_t nd)
{
	size_t n = 0, t = 0, c = 0, p = 0;

	fputs("# Coverage map\n\n"
	      "Generated from `docs/coverage/*.tsv` by `tests/coverage.c` "
	      "(`make coverage-md`);\n`make check` fails when this file is "
	      "not what the tables make, or when a\ntable names a scenario "
	      "this build does not have. Edit the tables, not this file.\n\n"
	      "Each row is one normative statement of a document, in our "
	      "own words, with\nwhere it stands (section, paragraph ¶) and "
	      "the scenarios checking it, or why\nno test can observe it. "
	      "*Planned* scenarios are in branches not merged yet.\n\n"
	      "| document | source | statements | testable | covered | % "
	      "| with planned | % |\n"
	      "|---|---|---:|---:|---:|---:|---:|---:|\n",
	      m);
	for (size_t i = 0; i < nd; i++) {
		const struct doc *d = &docs[i];

		fprintf(m, "| [%s](#", d->title);
		anchor(m, d->title);
		fprintf(m, ") | %s | %zu | %zu | %zu | %.1f | %zu | %.1f |\n",
			d->source, d->n, d->testable, d->covered,
			pct(d->covered, d->testable), d->covered + d->planned,
			pct(d->covered + d->planned, d->testable));
		n += d->n, t += d->testable, c += d->covered, p += d->planned;
	}
	fprintf(m, "| total | | %zu | %zu | %zu | %.1f | %zu | %.1f |\n", n, t,
		c, pct(c, t), c + p, pct(c + p, t));
}

/* The ids of this build first, then the planned ones after one label. */
struct md_ids {
	FILE *m;
	bool planned; /* this pass prints the planned ids */
	int n;	      /* printed so far in this pass */
};

static void md_id(const char *branch, const char *id, void *arg)
{
	struct md_ids *p = arg;

	if (!branch != !p->planned)
		return;
	if (branch)
		fprintf(p->m, "%s `%s` (%s)", p->n++ ? "," : " *planned:*", id,
			branch);
	else
		fprintf(p->m, " `%s`", id);
}

static void md_ids(FILE *m, const struct stmt *s)
{
	struct md_ids built = { m, false, 0 }, planned = { m, true, 0 };

	each_id(s, md_id, &built);
	each_id(s, md_id, &planned);
}

static void md_doc(FILE *m, const struct doc *d)
{
	fprintf(m,
		"\n## %s\n\n%s: %zu statements, %zu testable, %zu covered "
		"(%.1f%%), %zu with planned scenarios (%.1f%%).\n\n"
		"| id | where | statement | checked by |\n|---|---|---|---|\n",
		d->title, d->source, d->n, d->testable, d->covered,
		pct(d->covered, d->testable), d->covered + d->planned,
		pct(d->covered + d->planned, d->testable));
	for (size_t i = 0; i < d->n; i++) {
		const struct stmt *s = &d->s[i];

		fprintf(m, "| %s | %s | %s |", s->f[F_ID], s->f[F_WHERE],
			s->f[F_TEXT]);
		if (!s->testable)
			fprintf(m, " *not testable:* %s", s->f[F_MAP]);
		else if (strcmp(s->f[F_MAP], "-") == 0)
			fputs(" **not yet**", m);
		else
			md_ids(m, s);
		fputs(" |\n", m);
	}
}

static char *markdown(const struct doc *docs, size_t nd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		die("out of memory");
	md_head(m, docs, nd);
	for (size_t i = 0; i < nd; i++)
		md_doc(m, &docs[i]);
	if (fclose(m) != 0)
		die("out of memory");
	return buf;
}

static void emit(const char *md, const struct opts *o)
{
	if (o->out) {
		FILE *f = fopen(o->out, "we");
		bool ok = f && fputs(md, f) >= 0;

		if (!f || fclose(f) != 0 || !ok)
			die("%s: cannot write it", o->out);
	}
	if (o->check) {
		_cleanup_free_ char *have = slurp(o->check);

		if (!have || strcmp(have, md) != 0)
			fail("%s is not what the tables make: run "
			     "`make coverage-md` and commit it",
			     o->check);
	}
}

/* ---- report ----------------------------------------------------------- */

static void cite_mark(const char *branch, const char *id, void *arg)
{
	bool *cited = arg;

	if (branch)
		return;
	for (size_t i = 0; i < registry_count(); i++)
		if (strcmp(registry_get(i)->id, id) == 0)
			cited[i] = true;
}

/* Scenarios no statement cites: a document left out, or a mapping missed. */
static void uncited(const struct doc *docs, size_t nd)
{
	_cleanup_free_ bool *cited = calloc(registry_count() + 1, 1);
	size_t n = 0;

	if (!cited)
		die("out of memory");
	for (size_t i = 0; i < nd; i++)
		for (size_t j = 0; j < docs[i].n; j++)
			each_id(&docs[i].s[j], cite_mark, cited);
	for (size_t i = 0; i < registry_count(); i++) {
		const char *id = registry_get(i)->id;

		if (cited[i] || strncmp(id, "selftest/", 9) == 0)
			continue;
		printf("%s%s",
		       n++ ? " " : "coverage: cited by no statement: ", id);
	}
	if (n)
		putchar('\n');
}

static void report(const struct doc *docs, size_t nd)
{
	size_t t = 0, c = 0, p = 0;

	printf("%-22s %8s %8s %7s %8s %7s\n", "document", "testable", "covered",
	       "%", "+planned", "%");
	for (size_t i = 0; i < nd; i++) {
		const struct doc *d = &docs[i];

		printf("%-22s %8zu %8zu %6.1f%% %8zu %6.1f%%\n", d->title,
		       d->testable, d->covered, pct(d->covered, d->testable),
		       d->covered + d->planned,
		       pct(d->covered + d->planned, d->testable));
		t += d->testable, c += d->covered, p += d->planned;
	}
	printf("%-22s %8zu %8zu %6.1f%% %8zu %6.1f%%\n", "total", t, c,
	       pct(c, t), c + p, pct(c + p, t));
	uncited(docs, nd);
}

static const char usage[] =
	"usage: coverage [--allow-planned] [--check MD | -o MD] TABLE...\n";

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "allow-planned", no_argument, NULL, 'p' },
		{ "check", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { 0 };
	_cleanup_free_ struct doc *docs = NULL;
	_cleanup_free_ char *md = NULL;
	size_t nd;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (c == 'p')
			o.allow_planned = true;
		else if (c == 'c')
			o.check = optarg;
		else if (c == 'o')
			o.out = optarg;
		else if (c == 'h')
			return fputs(usage, stdout) < 0;
		else
			die("bad usage (--help)");
	}
	if (optind == argc || (o.check && o.out))
		die("bad usage (--help)");
	nd = (size_t)(argc - optind);
	docs = calloc(nd, sizeof(*docs));
	if (!docs)
		die("out of memory");
	for (size_t i = 0; i < nd; i++) {
		docs[i].path = argv[optind + (int)i];
		parse(&docs[i]);
	}
	unique_ids(docs, nd);
	for (size_t i = 0; i < nd; i++)
		judge(&docs[i], &o);
	unmerged_report();
	md = markdown(docs, nd);
	emit(md, &o);
	report(docs, nd);
	for (size_t i = 0; i < nd; i++) {
		free(docs[i].s);
		free(docs[i].buf);
	}
	return failures ? 1 : 0;
}
