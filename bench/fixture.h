/* SPDX-License-Identifier: MIT */
/*
 * fixture.h - the minimal root filesystem every benchmark variant and every
 * external runtime starts its program from: busybox-static with a few
 * applets, the static `tiny` program at /tiny, /usr and /etc/os-release
 * (systemd-nspawn wants both), and empty mount points. To be replaced by
 * primitives/rootfs.c once that lands: keep the interface this small.
 */
#ifndef BOXCHECK_FIXTURE_H
#define BOXCHECK_FIXTURE_H

#include "../primitives/base.h"

#define FIXTURE_TINY "/tiny" /* path of the program inside the rootfs */

/*
 * Make dir a rootfs holding busybox (from busybox) and tiny (from tiny).
 * A dir already holding the same tiny is kept. 0 or -errno.
 */
int fixture_prepare(const char *dir, const char *busybox, const char *tiny);

#endif
