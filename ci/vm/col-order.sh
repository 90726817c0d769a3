#!/usr/bin/env bash
# col-order.sh RESULTS HOST_ARCH COLUMN... - the columns, longest first, so
# that guests started two at a time end together (longest processing time
# first). A column's length is its last run's ("qemu gone N s" in
# RESULTS/COLUMN/vmrun.txt), else an estimate from this host's runs: 120 s
# for another arch, 90 s for a Pi column, 80 s for the host's own arch;
# newer kernels first among equals (they run more scenarios).
set -euo pipefail
results=$1 host=$2
shift 2
for col in "$@"; do
	IFS=- read -r kernel arch kind <<<"$col"
	t=$(sed -n 's/.*qemu gone \([0-9]*\).*/\1/p' "$results/$col/vmrun.txt" 2>/dev/null || true)
	if [ -z "$t" ]; then
		t=80
		[ "$arch" = "$host" ] || t=120
		[ -z "$kind" ] || t=90
	fi
	echo "$t $kernel $col"
done | sort -k1,1nr -k2,2Vr | awk '{ print $3 }'
