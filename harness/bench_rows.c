// SPDX-License-Identifier: MIT
/* bench's rows after the ladder: external runtimes, then VM boots. */
#include "bench_rows.h"
#include "../bench/external.h"
#include "../bench/vm.h"
#include "hints.h"

#include <libgen.h>
#include <string.h>
#include <sys/utsname.h>

/* ---- external runtimes ------------------------------------------------- */

/* A row that did not run: failed (installed) or skipped (missing). */
static void not_run(const struct ext_runtime *t, struct bench_result *r)
{
	struct bench_variant *v = bench_add(r, t->name, BG_EXTERNAL);

	if (!v)
		return;
	v->status = ext_installed(t) ? BS_FAILED : BS_SKIPPED;
	snprintf(v->reason, sizeof(v->reason), "%s %s", t->binary,
		 ext_installed(t) ? "could not be set up" : "is not installed");
}

void bench_rows_external(const struct bench_rows *x, const struct bench_env *e,
			 struct bench_result *r)
{
	const struct bench_opts *o = x->o;
	const char *hide = x->crun_v1_view ? cg_hybrid_v2_mount(&e->cg) : NULL;
	struct ext_ctx c = { .rootfs = e->rootfs,
			     .dir = e->extdir,
			     .cg_name = e->inst,
			     .cg_abs = e->cg_abs[0] ? e->cg_abs : NULL,
			     .hide_v2 = hide,
			     .cgl = e->have_group ? &e->cg : NULL,
			     .runs = o->ext_runs,
			     .warmup = o->ext_warmup };

	for (size_t i = 0; i < o->n_ext && !bench_interrupted; i++) {
		const struct ext_runtime *t = ext_by_name(o->ext[i]);
		struct bench_variant *v;
		size_t before = r->n;

		fprintf(stderr, "bench: external %zu of %zu: %s%s\n", i + 1,
			o->n_ext, t->name,
			t->v1_view && hide ? " (" EXT_V1_VIEW ")" : "");
		if (!ext_installed(t) || ext_run(&c, t, r) < 0)
			not_run(t, r);
		if (r->n == before)
			continue;
		v = &r->v[r->n - 1];
		if (v->status != BS_OK) {
			runtime_hint_append(t->name, v->reason,
					    sizeof(v->reason));
			fprintf(stderr, "bench: %s %s: %s\n", t->name,
				bench_status_names[v->status], v->reason);
		}
	}
}

/* ---- VM boots ------------------------------------------------------------ */

static const char *const vm_arches[] = { "x86_64", "aarch64" };

static const char *host_arch(void)
{
	static struct utsname u;

	return uname(&u) == 0 ? u.machine : "?";
}

/* "host" is ours; anything else must be one of vm_arches. */
static const char *arch_word(const char *w)
{
	return strcmp(w, "host") == 0 ? host_arch() : w;
}

static bool arch_known(const char *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(vm_arches); i++)
		if (strcmp(vm_arches[i], a) == 0)
			return true;
	return false;
}

int bench_vm_arch_check(const char *list, char *bad, size_t len)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		if (!arch_known(arch_word(t))) {
			snprintf(bad, len, "%s", t);
			return -EINVAL;
		}
	return 0;
}

/* Asked for by --vm-arch (NULL: every arch whose images are built). */
static bool arch_asked(const char *list, const char *arch)
{
	char buf[256], *save = NULL;

	if (!list)
		return true;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		if (strcmp(arch_word(t), arch) == 0)
			return true;
	return false;
}

/*
 * The images `make vm-images` built beside this binary (build/vm/ARCH/),
 * or $BOXCHECK_VM_DIR.
 */
static int vm_image_dir(char *buf, size_t len)
{
	const char *env = getenv("BOXCHECK_VM_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	return snprintf(buf, len, "%s/vm", dirname(self)) < (int)len ? 0 : -1;
}

/* What runs the guest, said in the output: KVM, or TCG and why. */
static const char *accel_words(const char *arch)
{
	if (vm_accel_for(arch) == VM_ACCEL_KVM)
		return "KVM";
	if (strcmp(arch, host_arch()) != 0)
		return "TCG: not this host's architecture";
	return "TCG: no /dev/kvm";
}

static void vm_boots(const struct bench_rows *x, struct vm_spec *s,
		     struct bench_variant *v, struct vm_times *t)
{
	for (unsigned i = 0; i < x->vm_runs && !bench_interrupted; i++) {
		int e;
		fprintf(stderr, "bench: %s boot %u of %u (%s)\n", v->name,
			i + 1, x->vm_runs, accel_words(s->arch));
		e = vm_boot(s, t);
		if (e < 0) {
			v->status = BS_FAILED;
			snprintf(v->reason, sizeof(v->reason),
				 "boot %u: %s (%s)", i + 1, strerror(-e),
				 vm_accel_names[t->accel]);
			return;
		}
		series_push(&v->start, t->init_s);
		series_push(&v->stop, t->exit_s - t->init_s);
	}
}

/*
 * One row per architecture. Start: qemu started -> the guest's init
 * running; teardown: init running -> qemu gone (init powers off).
 */
static void vm_variant(const struct bench_rows *x, struct bench_result *r,
		       const char *dir, const char *arch)
{
	char kernel[PATH_MAX + 32], initrd[PATH_MAX + 32], name[48], qv[96];
	struct vm_spec s = { .arch = arch,
			     .kernel = kernel,
			     .initrd = initrd,
			     .append = "boxcheck_mode=boot",
			     .timeout_s = 60,
			     .accel = VM_ACCEL_AUTO,
			     .console_fd = -1 };
	struct bench_variant *v;
	struct vm_times t = { .accel = vm_accel_for(arch) };
	bool built;

	snprintf(kernel, sizeof(kernel), "%s/%s/vmlinuz", dir, arch);
	snprintf(initrd, sizeof(initrd), "%s/%s/initramfs.cpio.gz", dir, arch);
	built = path_exists(kernel) && path_exists(initrd);
	if (!built && !x->vm_arch)
		return; /* not asked for by name: the archs that are built */
	snprintf(name, sizeof(name), "vm-%s", arch);
	if (!(v = bench_add(r, name, BG_VM)))
		return;
	if (!built) {
		v->status = BS_SKIPPED;
		snprintf(v->reason, sizeof(v->reason),
			 "no image in %.400s/%s (make vm-images)", dir, arch);
		return;
	}
	vm_boots(x, &s, v, &t);
	if (vm_qemu_version(&s, qv, sizeof(qv)) < 0)
		snprintf(qv, sizeof(qv), "?");
	snprintf(v->desc, sizeof(v->desc),
		 "qemu start -> guest init running (%s, %.80s)",
		 accel_words(arch), t.kernel[0] ? t.kernel : "?");
	snprintf(v->command, sizeof(v->command),
		 "qemu-system-%s %s, %u MiB, %u cpus, kernel %s", arch, qv,
		 1024u, 2u, t.kernel);
}

void bench_rows_vm(const struct bench_rows *x, struct bench_result *r)
{
	char dir[PATH_MAX];

	if (!x->vm_runs || vm_image_dir(dir, sizeof(dir)) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(vm_arches) && !bench_interrupted; i++)
		if (arch_asked(x->vm_arch, vm_arches[i]))
			vm_variant(x, r, dir, vm_arches[i]);
}
