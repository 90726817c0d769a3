// SPDX-License-Identifier: MIT
/*
 * The lifecycle agent (`boxcheck inspect --lifecycle`), the process of an
 * OCI command-line target's second container: it prints AGENT_STARTED the
 * moment it runs (so the launcher sees whether create already ran it),
 * then waits for a signal (the runtime's kill delivers SIGUSR1; the
 * launcher, when the runtime could not, SIGUSR2), then prints its facts
 * with the signal it got.
 */
#include "agent.h"

#include <signal.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

int agent_lifecycle(struct agent_opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts = { o->wait_s, 0 };
	sigset_t set;
	json_t *f;
	int sig;

	/* handled and blocked first: init of a pid namespace drops the rest */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (printf(AGENT_STARTED "\n") < 0 || fflush(stdout))
		return -EIO;
	sig = got ? got : sigtimedwait(&set, NULL, &ts);
	o->fork_max = 0;
	o->no_memory = o->no_cpu = true;
	f = agent_facts(o);
	if (!f)
		return -ENOMEM;
	json_object_set_new(f, "life",
			    json_pack("{s:o}", "signal",
				      sig > 0 ? json_string(sigabbrev_np(sig))
					      : json_null()));
	sig = json_dumpf(f, stdout, JSON_COMPACT) < 0 ? -EIO : 0;
	json_decref(f);
	return sig ?: (fputc('\n', stdout) == EOF || fflush(stdout) ? -EIO : 0);
}
