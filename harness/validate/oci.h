/* SPDX-License-Identifier: MIT */
/* oci.h - an OCI runtime config.json for the standard profile (jansson). */
#ifndef BOXCHECK_OCI_H
#define BOXCHECK_OCI_H

#include "profile.h"

#include <jansson.h>

struct oci_opts {
	const char *rootfs;	     /* absolute path of the root */
	const char *cgroups_path;    /* absolute, below boxcheck's own cgroup */
	const char *const *args;     /* the process (NULL: the profile's) */
	unsigned ns;		     /* NS_BIT mask: the new namespaces */
	const char *join[NS__COUNT]; /* or join these, by path */
	bool cgroup_mount;	     /* mount /sys/fs/cgroup read-only */
};

/*
 * A new config object (json_t *), or NULL when out of memory: runtime-spec
 * 1.0.2, or 1.2.0 when the time namespace is asked for (o->ns).
 */
json_t *oci_config(const struct profile *pr, const struct oci_opts *o);
/* Write it to path (0644, no secrets). 0 or -errno. */
int oci_write(const json_t *cfg, const char *path);

#endif
