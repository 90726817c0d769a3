/* SPDX-License-Identifier: MIT */
/*
 * ab.h - interleaved A/B runs. `boxcheck bench --against OTHER` starts two
 * coprocesses, its own binary and OTHER (another boxcheck build), each as
 * `BINARY bench --serve`, and in every round takes one sample of each
 * ladder variant from each, who goes first alternating by round, with
 * fresh processes every BENCH_AB_RENEW rounds (bench/ab_run.c), so that
 * drift on the host and the luck of one process hit both arms alike.
 *
 * The protocol: text lines of at most AB_LINE_MAX bytes ending in '\n',
 * requests on OTHER's stdin, one reply each on its stdout:
 *
 *   hello 1           -> hello 1 <version> <git_rev> <name>,<name>,...
 *                        (protocol 1; the ladder variants it has)
 *   sample <variant>  -> ok <start_s> <stop_s> [<counter>=<delta>...]
 *                        (-1: not measured; the counters it read around
 *                        the sample, a negative delta is -errno: that
 *                        counter is unavailable; unknown names ignored)
 *                     -> skip <reason>           (cannot run here)
 *                     -> err <errno> <reason>    (the sample failed)
 *   anything else     -> err 22 <reason>
 *
 * Numbers are printed with %.17g, so they come back bit for bit. EOF on
 * its stdin ends the server, which then removes what it made as a normal
 * bench run does; its stderr is the master's.
 */
#ifndef BOXCHECK_BENCH_AB_H
#define BOXCHECK_BENCH_AB_H

#include "run.h"

#define AB_PROTO 1
#define AB_LINE_MAX 1024

/* ---- the protocol (bench/ab_proto.c): pure, no I/O ---------------------- */

struct ab_hello {
	unsigned proto;
	char version[32], rev[48];
	bool has[LS__COUNT]; /* our ladder steps it has too */
};

enum ab_req_kind { AB_REQ_HELLO, AB_REQ_SAMPLE };

struct ab_request {
	enum ab_req_kind kind;
	unsigned proto;	       /* hello */
	enum ladder_step step; /* sample */
};

enum ab_reply_kind { AB_OK, AB_SKIP, AB_ERR };

struct ab_reply {
	enum ab_reply_kind kind;
	struct ladder_sample s;	  /* AB_OK */
	struct sample_counters k; /* AB_OK, when the server read them */
	int err;		  /* AB_ERR: positive errno (or ladder code) */
	char why[256];		  /* AB_SKIP, AB_ERR: one line */
};

/* Each writes one line with its '\n': its length, or -ENOSPC. */
int ab_format_hello(char *buf, size_t len);
int ab_format_reply(char *buf, size_t len, const struct ab_reply *r);
/* Each takes one line without its '\n'. 0 or -EPROTO. */
int ab_parse_hello(const char *line, struct ab_hello *h);
int ab_parse_reply(const char *line, struct ab_reply *r);
/* 0, or -EINVAL with why filled (unknown request or variant). */
int ab_parse_request(const char *line, struct ab_request *q, char *why,
		     size_t len);

/* Lines from an fd, buffered. */
struct ab_lines {
	int fd;
	size_t n;
	char buf[AB_LINE_MAX];
};
/*
 * The next line, without its '\n', into line (len >= AB_LINE_MAX): its
 * length, or -EPIPE at end of file, -ETIMEDOUT after timeout_ms (-1: no
 * limit), -EINTR when a signal came, -EPROTO for a line too long.
 */
int ab_read_line(struct ab_lines *l, char *line, size_t len, int timeout_ms);

/* ---- the server (bench/serve.c) ------------------------------------------ */

/*
 * Take the protocol off fds 0 and 1: *in and *out become close-on-exec
 * copies, fd 0 is /dev/null and fd 1 goes to stderr, so nothing the server
 * or its children print reaches the master as a reply. 0 or -errno.
 */
int bench_serve_fds(int *in, int *out);
/*
 * Answer requests from in on out until EOF or bench_interrupted, sampling
 * with c (whose test hook the caller left off). 0, or -errno when the
 * master could not be answered.
 */
int bench_serve(int in, int out, struct ladder_ctx *c);

/* ---- the master (bench/ab.c) --------------------------------------------- */

struct ab_peer {
	char delay[64];	      /* its --delay STEP:USEC, or "" */
	pid_t pid;	      /* 0 once reaped */
	int status;	      /* ... then its wait status */
	int to;		      /* its stdin */
	struct ab_lines from; /* its stdout */
	struct ab_hello hello;
	char path[PATH_MAX];
};

/*
 * Start `path bench --serve [--delay delay]` (BOXCHECK_BENCH_DELAY is not
 * for it) and exchange hellos. 0, or -errno with why in err; the peer is
 * then stopped already.
 */
int ab_peer_start(struct ab_peer *p, const char *path, const char *delay,
		  char *err, size_t len);
/* One sample of step s. 0, or -errno when the peer is gone (err: why). */
int ab_peer_sample(struct ab_peer *p, enum ladder_step s, struct ab_reply *r,
		   char *err, size_t len);
/*
 * EOF to it (and SIGTERM when term), wait for it to clean up and exit:
 * SIGTERM, then SIGKILL when it takes longer than 10 s. Its exit code
 * (exit_code_of), or -ECHILD when it was reaped already.
 */
int ab_peer_stop(struct ab_peer *p, bool term);

/* The peer as an arm of bench_run_ladder_ab(); its variants go to r. */
void ab_arm(struct ab_peer *p, struct bench_result *r, struct bench_arm *arm);
/*
 * meta.ab in both results (reports/SCHEMA.md): r[0] is the new arm (p[0],
 * our own binary), r[1] the base (p[1], OTHER); r[1]'s meta becomes a copy
 * of r[0]'s (the same host facts, options and command) first.
 */
void ab_meta(struct bench_result *r[2], const struct ab_peer *p[2]);
/* An arm's text table, under a line naming its binary. */
int ab_write_text(FILE *f, const struct bench_result *r);

#endif
