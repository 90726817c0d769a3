// SPDX-License-Identifier: MIT
/* The A/B protocol's lines (ab.h): formatting, parsing, reading. */
#include "ab.h"
#include "version.h" /* generated: BOXCHECK_VERSION, BOXCHECK_GIT_REV */

#include <math.h>
#include <poll.h>
#include <string.h>

static const char *const reply_words[] = {
	[AB_OK] = "ok",
	[AB_SKIP] = "skip",
	[AB_ERR] = "err",
};

/* snprintf's result as a line length, or -ENOSPC when it did not fit. */
static int fitted(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* s with line breaks as blanks: a reason must stay one line. */
static const char *one_line(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s);
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return buf;
}

int ab_format_hello(char *buf, size_t len)
{
	size_t at;
	int n = snprintf(buf, len, "hello %d %s %s ", AB_PROTO,
			 BOXCHECK_VERSION, BOXCHECK_GIT_REV);

	if (fitted(n, len) < 0)
		return -ENOSPC;
	at = n;
	for (int s = 0; s < LS__COUNT; s++) {
		n = snprintf(buf + at, len - at, "%s%s", s ? "," : "",
			     ladder_steps[s].name);
		if (fitted(n, len - at) < 0)
			return -ENOSPC;
		at += n;
	}
	return fitted(at + snprintf(buf + at, len - at, "\n"), len);
}

/* "ok <start_s> <stop_s>" and the counters, if any. */
static int format_ok(char *buf, size_t len, const struct ab_reply *r)
{
	const struct sample_counters *k = &r->k;
	int n = snprintf(buf, len, "ok %.17g %.17g", r->s.start_s, r->s.stop_s);
	size_t at = n;

	for (int i = 0; k->have && i < CNT__COUNT && fitted(n, len) >= 0; i++) {
		if (k->err[i])
			n = snprintf(buf + at, len - at, " %s=%d",
				     counter_table[i].name, k->err[i]);
		else
			n = snprintf(buf + at, len - at, " %s=%.17g",
				     counter_table[i].name, k->delta[i]);
		at += n;
	}
	if (fitted(n, len) < 0 || fitted(at + 1, len) < 0)
		return -ENOSPC;
	return fitted(at + snprintf(buf + at, len - at, "\n"), len);
}

int ab_format_reply(char *buf, size_t len, const struct ab_reply *r)
{
	char why[sizeof(r->why)];

	one_line(r->why[0] ? r->why : "?", why, sizeof(why));
	switch (r->kind) {
	case AB_OK:
		return format_ok(buf, len, r);
	case AB_SKIP:
		return fitted(snprintf(buf, len, "skip %s\n", why), len);
	case AB_ERR:
		return fitted(snprintf(buf, len, "err %d %s\n", r->err, why),
			      len);
	}
	return -EINVAL;
}

/* The word at *p (up to a blank or the end) into w; advances *p. */
static bool word(const char **p, char *w, size_t len)
{
	size_t n = strcspn(*p, " ");

	if (n == 0 || n >= len)
		return false;
	memcpy(w, *p, n);
	w[n] = '\0';
	*p += n;
	if (**p == ' ')
		(*p)++;
	return true;
}

/* A whole finite number >= 0, or exactly -1 ("not measured"). */
static bool time_value(const char *w, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(w, &end);
	return !errno && end != w && !*end && isfinite(*v) &&
	       (*v >= 0 || *v == -1);
}

static bool uint_value(const char *w, unsigned long max, unsigned long *v)
{
	char *end;

	if (*w < '0' || *w > '9')
		return false;
	errno = 0;
	*v = strtoul(w, &end, 10);
	return !errno && !*end && *v <= max;
}

/* "hello 1 0.1.0 46cffe0 empty,fork,...": names we do not know ignored. */
int ab_parse_hello(const char *line, struct ab_hello *h)
{
	char w[AB_LINE_MAX], *save = NULL;
	unsigned long proto;
	const char *p = line;

	memset(h, 0, sizeof(*h));
	if (!word(&p, w, sizeof(w)) || strcmp(w, "hello") != 0 ||
	    !word(&p, w, sizeof(w)) || !uint_value(w, 1000, &proto) ||
	    !word(&p, h->version, sizeof(h->version)) ||
	    !word(&p, h->rev, sizeof(h->rev)) || !word(&p, w, sizeof(w)) || *p)
		return -EPROTO;
	h->proto = proto;
	for (char *t = strtok_r(w, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int s = ladder_step_by_name(t);
		if (s >= 0)
			h->has[s] = true;
	}
	return 0;
}

/* "<counter>=<delta>": a delta >= 0, or a negative errno. */
static bool counter_value(const char *w, struct sample_counters *k)
{
	const char *eq = strchr(w, '=');
	double v;
	char *end;

	if (!eq)
		return false;
	errno = 0;
	v = strtod(eq + 1, &end);
	if (errno || end == eq + 1 || *end || !isfinite(v) ||
	    (v < 0 && (v != (int)v || v < -4095)))
		return false;
	k->have = true;
	for (int i = 0; i < CNT__COUNT; i++) {
		if (strncmp(w, counter_table[i].name, eq - w) != 0 ||
		    counter_table[i].name[eq - w])
			continue;
		k->err[i] = v < 0 ? (int)v : 0;
		k->delta[i] = v < 0 ? 0 : v;
	}
	return true;
}

/* "<start_s> <stop_s> [<counter>=<delta>...]", the rest of an ok reply. */
static int parse_ok(const char *p, struct ab_reply *r)
{
	char w[AB_LINE_MAX];

	if (!word(&p, w, sizeof(w)) || !time_value(w, &r->s.start_s) ||
	    !word(&p, w, sizeof(w)) || !time_value(w, &r->s.stop_s))
		return -EPROTO;
	for (int i = 0; i < CNT__COUNT; i++) /* those not sent */
		r->k.err[i] = -ENODATA;
	while (*p)
		if (!word(&p, w, sizeof(w)) || !counter_value(w, &r->k))
			return -EPROTO;
	return 0;
}

int ab_parse_reply(const char *line, struct ab_reply *r)
{
	char w[AB_LINE_MAX];
	const char *p = line;
	unsigned long e = 0;
	int k;

	memset(r, 0, sizeof(*r));
	if (!word(&p, w, sizeof(w)))
		return -EPROTO;
	for (k = 0; k < (int)ARRAY_SIZE(reply_words); k++)
		if (strcmp(w, reply_words[k]) == 0)
			break;
	r->kind = k;
	if (k == AB_OK)
		return parse_ok(p, r);
	if (k == AB_ERR && (!word(&p, w, sizeof(w)) ||
			    !uint_value(w, INT32_MAX, &e) || e == 0))
		return -EPROTO;
	if ((k != AB_ERR && k != AB_SKIP) || !*p)
		return -EPROTO;
	r->err = (int)e;
	snprintf(r->why, sizeof(r->why), "%s", p);
	return 0;
}

int ab_parse_request(const char *line, struct ab_request *q, char *why,
		     size_t len)
{
	char w[AB_LINE_MAX], arg[AB_LINE_MAX];
	const char *p = line;
	unsigned long proto;
	int s;

	memset(q, 0, sizeof(*q));
	if (!word(&p, w, sizeof(w)) || !word(&p, arg, sizeof(arg)) || *p) {
		snprintf(why, len, "not a request: '%.200s'", line);
		return -EINVAL;
	}
	if (strcmp(w, "hello") == 0 && uint_value(arg, 1000, &proto)) {
		q->kind = AB_REQ_HELLO;
		q->proto = proto;
		return 0;
	}
	if (strcmp(w, "sample") != 0) {
		snprintf(why, len, "unknown request '%.200s'", line);
		return -EINVAL;
	}
	s = ladder_step_by_name(arg);
	if (s < 0) {
		snprintf(why, len, "unknown variant '%.200s'", arg);
		return -EINVAL;
	}
	q->kind = AB_REQ_SAMPLE;
	q->step = s;
	return 0;
}

/* A complete line in the buffer: moved out, its length; else -EAGAIN. */
static int take_line(struct ab_lines *l, char *line, size_t len)
{
	char *nl = memchr(l->buf, '\n', l->n);
	size_t n;

	if (!nl)
		return l->n == sizeof(l->buf) ? -EPROTO : -EAGAIN;
	n = nl - l->buf;
	if (n >= len)
		return -EPROTO;
	memcpy(line, l->buf, n);
	line[n] = '\0';
	l->n -= n + 1;
	memmove(l->buf, nl + 1, l->n);
	return (int)n;
}

int ab_read_line(struct ab_lines *l, char *line, size_t len, int timeout_ms)
{
	double end = bench_now() + timeout_ms / 1e3;

	for (;;) {
		struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
		int r = take_line(l, line, len), wait = -1;
		ssize_t n;

		if (r != -EAGAIN)
			return r;
		if (timeout_ms >= 0)
			wait = (int)fmax(0, (end - bench_now()) * 1e3);
		r = poll(&pfd, 1, wait);
		if (r < 0)
			return neg_errno();
		if (r == 0)
			return -ETIMEDOUT;
		n = read(l->fd, l->buf + l->n, sizeof(l->buf) - l->n);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return neg_errno();
		if (n == 0)
			return -EPIPE;
		if (n > 0)
			l->n += n;
	}
}
