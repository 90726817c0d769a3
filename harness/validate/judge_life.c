// SPDX-License-Identifier: MIT
/*
 * Predicates: the lifecycle of an OCI command-line runtime, driven by the
 * launcher (lifecycle.c) on a second container: create, state, a second
 * create with the same id, start, kill, delete. The facts are the exit
 * statuses, the state documents and what the container's agent printed.
 */
#include "props.h"

#include <string.h>

static const json_t *life(struct jctx *c, struct outcome *o)
{
	const json_t *l = F(c, "launcher.lifecycle");

	if (!json_is_object(l) || fact_error(l)) {
		unknown(o, "the lifecycle run", l);
		return NULL;
	}
	return l;
}

/* A command's exit status, or -1 when it did not run. */
static long long exit_of(const json_t *l, const char *step)
{
	long long e = -1;

	jint(jpath(jpath(l, step), "exit"), &e);
	return e;
}

enum obs judge_life_create(struct jctx *c, struct outcome *o)
{
	const json_t *l = life(c, o);
	const json_t *early = jpath(l, "started_before_start");
	const json_t *ran = jpath(l, "started");

	if (!l)
		return OBS_ERROR;
	if (!json_is_boolean(early) || !json_is_boolean(ran))
		return unknown(o, "what the container printed", early);
	kv(o, "create", "exit %lld", exit_of(l, "create"));
	kv(o, "start", "exit %lld", exit_of(l, "start"));
	if (exit_of(l, "create") != 0)
		return absent(o, "create exited %lld", exit_of(l, "create"));
	if (json_is_true(early))
		return absent(o, "the process ran at create, before start");
	if (exit_of(l, "start") != 0 || !json_is_true(ran))
		return absent(o, "start exited %lld, and the process %s",
			      exit_of(l, "start"),
			      json_is_true(ran) ? "ran" : "never ran");
	return holds(o, "nothing ran before start; start ran the process");
}

/* One state document: its status, or why it is not the spec's. */
static const char *state_bad(const json_t *s, const json_t *l, const char *want)
{
	long long pid;

	if (!json_is_object(jpath(s, "state")))
		return "state failed or printed no JSON";
	s = jpath(s, "state");
	if (!jtext(jpath(s, "ociVersion")))
		return "no ociVersion";
	if (!jtext(jpath(s, "id")) ||
	    strcmp(jtext(jpath(s, "id")), jtext(jpath(l, "id")) ?: ""))
		return "not the container's id";
	if (!jtext(jpath(s, "bundle")) ||
	    strcmp(jtext(jpath(s, "bundle")), jtext(jpath(l, "bundle")) ?: ""))
		return "not the container's bundle";
	if (!jtext(jpath(s, "status")) ||
	    strcmp(jtext(jpath(s, "status")), want))
		return "another status";
	if (strcmp(want, "stopped") &&
	    (!jint(jpath(s, "pid"), &pid) || pid <= 0))
		return "no pid";
	return NULL;
}

enum obs judge_life_state(struct jctx *c, struct outcome *o)
{
	static const char *const when[][2] = { { "state_created", "created" },
					       { "state_running", "running" },
					       { "state_stopped", "stopped" } };
	const json_t *l = life(c, o);

	if (!l)
		return OBS_ERROR;
	for (size_t i = 0; i < ARRAY_SIZE(when); i++) {
		const json_t *s = jpath(l, when[i][0]);
		const char *why = state_bad(s, l, when[i][1]);
		const char *st = jtext(jpath(s, "state.status"));
		kv(o, when[i][1], "%s", st ? st : "?");
		if (why)
			return absent(o, "%s: %s (%s)", when[i][0], why,
				      st ? st : "no status");
	}
	return holds(o, "the spec's state: created, running, stopped");
}

enum obs judge_life_kill(struct jctx *c, struct outcome *o)
{
	const json_t *l = life(c, o);
	const json_t *sig = jpath(l, "agent.life.signal");

	if (!l)
		return OBS_ERROR;
	if (!json_is_object(jpath(l, "agent")) || fact_error(jpath(l, "agent")))
		return unknown(o, "the container's facts", jpath(l, "agent"));
	kv(o, "kill", "exit %lld", exit_of(l, "kill"));
	if (exit_of(l, "kill") != 0)
		return absent(o, "kill exited %lld", exit_of(l, "kill"));
	if (!jtext(sig))
		return absent(o, "the process got no signal");
	if (strcmp(jtext(sig), "USR1"))
		return absent(o, "the process got SIG%s, not SIGUSR1",
			      jtext(sig));
	return holds(o, "the process got SIGUSR1");
}

enum obs judge_life_delete(struct jctx *c, struct outcome *o)
{
	const json_t *l = life(c, o);
	const json_t *before = jpath(l, "cgroup_before_delete");
	const json_t *after = jpath(l, "cgroup_after_delete");

	if (!l)
		return OBS_ERROR;
	kv(o, "delete", "exit %lld", exit_of(l, "delete"));
	kv(o, "state_after", "exit %lld", exit_of(l, "state_after_delete"));
	if (exit_of(l, "delete") != 0)
		return absent(o, "delete exited %lld", exit_of(l, "delete"));
	if (!json_is_true(before))
		return absent(o, "the container had no cgroup of its own to "
				 "remove");
	if (!json_is_false(after))
		return absent(o, "the cgroup is still there after delete");
	if (exit_of(l, "state_after_delete") == 0)
		return absent(o, "state still succeeds after delete");
	return holds(o, "the cgroup is gone, state fails after delete");
}

enum obs judge_life_unique(struct jctx *c, struct outcome *o)
{
	const json_t *l = life(c, o);
	const char *after = jtext(jpath(l, "state_after_dup.state.status"));

	if (!l)
		return OBS_ERROR;
	kv(o, "second_create", "exit %lld", exit_of(l, "dup_create"));
	if (exit_of(l, "dup_create") == 0)
		return absent(o, "a second create with the same id succeeded");
	if (exit_of(l, "dup_create") < 0)
		return unknown(o, "the second create", jpath(l, "dup_create"));
	if (!after || strcmp(after, "created"))
		return absent(o,
			      "the second create failed, but the first "
			      "container is now '%s'",
			      after ? after : "gone");
	return holds(o,
		     "the second create failed (exit %lld); the first is "
		     "still created",
		     exit_of(l, "dup_create"));
}
