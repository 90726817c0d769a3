#!/usr/bin/env bash
# report-browser.sh BOXCHECK [OUTDIR]
#
# Checks the HTML report as a user would see it, in headless Chromium (a
# fresh profile in a temp dir, only file:// URLs). Two reports:
#   all: every fixture in tests/fixtures/report/*.json (a host, two VMs,
#        runtimes, two bench files): every section;
#   run: the three files `make run` writes (tests/fixtures/report/make-run:
#        the suite, validate over the runtimes, bench --quick with the
#        runtimes and a VM boot row).
# For each:
#   - the DOM after load (--dump-dom): every section id it should have,
#     one inline <svg> per figure, no missing plot, no <img> that is not
#     inline, no <script>, no http(s) URL in src/href, no duplicate id;
#   - the full page's screenshot (OUTDIR/NAME.png) is not blank: the PNG is
#     decoded (perl, Compress::Zlib) and must show many colours, enough ink
#     and the verdict colours of the matrix;
#   - above the fold: in the first viewport of 1280x800, the bounding boxes
#     of the headline and of the chart are whole (measured by a script that
#     only a copy of the page gets, OUTDIR/NAME-measure.html), and the
#     screenshot of that viewport (OUTDIR/NAME-fold.png) shows the chart's
#     colours.
# The fold check must be able to fail: on a copy of the run report with the
# chart moved below the conformance matrix, it must fail, or this fails.
# OUTDIR (default build/report-check) keeps every file for people to see.
set -euo pipefail

bin=$(realpath "$1")
out=${2:-build/report-check}
fix=tests/fixtures/report
mkdir -p "$out"
out=$(realpath "$out")
fold_w=1280
fold_h=800

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "report-browser: chromium is not installed (ci/install-deps.sh report)" >&2
	exit 1
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
	# Only the browser processes this script started: they carry our
	# temp profile dir on their command line.
	for p in "${pids[@]}" $(pgrep -f -- "--user-data-dir=$tmp/" || true); do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "report-browser: FAIL: $*" >&2
	exit 1
}

# chromium URL FLAG... : run headless on a file of ours, at most 90 s.
chrome() {
	local url=$1
	shift
	timeout --kill-after=5 90 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--user-data-dir="$tmp/profile" --hide-scrollbars "$@" \
		"file://$url" 2>>"$tmp/chromium.log" &
	pids+=($!)
	wait $!
}

# png_check PNG ROWS MODE [RGB...]: decode the top ROWS rows of an 8-bit
# RGB/RGBA PNG (non-interlaced, as Chromium writes it) and measure it.
# MODE page: many colours, enough ink, the matrix's pass green and fail red
# (when RGBs are given: those). MODE fold: at least 150 pixels of each RGB.
png_check() {
	perl -MCompress::Zlib -e '
	use strict; use warnings;
	my ($file, $rows, $mode, @want) = @ARGV;
	local $/; open(my $fh, "<:raw", $file) or die "open: $!";
	my $png = <$fh>;
	substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n" or die "not a PNG\n";
	my ($pos, $idat, $w, $h, $depth, $ctype, $il) = (8, "");
	while ($pos < length $png) {
		my ($len, $type) = unpack("N A4", substr($png, $pos, 8));
		my $data = substr($png, $pos + 8, $len);
		($w, $h, $depth, $ctype, undef, undef, $il) = unpack("N N C C C C C", $data)
			if $type eq "IHDR";
		$idat .= $data if $type eq "IDAT";
		$pos += 12 + $len;
	}
	$depth == 8 && ($ctype == 2 || $ctype == 6) && !$il
		or die "unsupported PNG (depth $depth, colour type $ctype)\n";
	my $raw = uncompress($idat) // die "bad zlib data\n";
	my $bpp = $ctype == 6 ? 4 : 3;
	my $stride = $w * $bpp;
	$rows = $h if $h < $rows;
	my @prev = (0) x $stride;
	my (%colours, $ink, $n);
	for my $y (0 .. $rows - 1) {
		my $off = $y * ($stride + 1);
		my $f = ord substr($raw, $off, 1);
		my @c = unpack("C*", substr($raw, $off + 1, $stride));
		for my $i (0 .. $stride - 1) {
			my $a = $i >= $bpp ? $c[$i - $bpp] : 0;
			my $b = $prev[$i];
			my $cc = $i >= $bpp ? $prev[$i - $bpp] : 0;
			if ($f == 1) { $c[$i] = ($c[$i] + $a) & 255 }
			elsif ($f == 2) { $c[$i] = ($c[$i] + $b) & 255 }
			elsif ($f == 3) { $c[$i] = ($c[$i] + (($a + $b) >> 1)) & 255 }
			elsif ($f == 4) {
				my $p = $a + $b - $cc;
				my ($pa, $pb, $pc) = (abs($p - $a), abs($p - $b), abs($p - $cc));
				my $pr = ($pa <= $pb && $pa <= $pc) ? $a : ($pb <= $pc) ? $b : $cc;
				$c[$i] = ($c[$i] + $pr) & 255;
			}
		}
		for (my $i = 0; $i < $stride; $i += $bpp) {
			my $k = ($c[$i] << 16) | ($c[$i + 1] << 8) | $c[$i + 2];
			$colours{$k}++;
			$n++;
			$ink++ if $k != 0xffffff;
		}
		@prev = @c;
	}
	@want = ("d8f3dc", "ffd6d6") if $mode eq "page" && !@want;
	my @counts = map { $colours{hex $_} // 0 } @want;
	printf "report-browser: %s %dx%d, top %d rows: %d colours, %.1f%% ink, %s\n",
		$file =~ s{.*/}{}r, $w, $h, $rows, scalar keys %colours,
		100 * $ink / $n,
		join(", ", map { "$counts[$_] of #$want[$_]" } 0 .. $#want);
	my $min = $mode eq "page" ? 1 : 150;
	die "the fold screenshot is ${w}x$h, not at least 1280x$rows\n"
		if $mode eq "fold" && ($w != 1280 || $h < $rows);
	exit 1 if grep { $_ < $min } @counts;
	exit 1 if $mode eq "page" && (keys %colours < 50 || $ink / $n < 0.03);
	' "$@"
}

# dom_check NAME SECTION... : the DOM of the full page.
dom_check() {
	local name=$1 dom="$out/$1-dom.html"
	shift
	[ -s "$dom" ] || fail "$name: empty DOM"
	for s in "$@"; do
		grep -q "<section id=\"$s\">" "$dom" || fail "$name: section '$s' missing"
	done
	figures=$(grep -o '<figure id="fig-' "$dom" | wc -l)
	svgs=$(grep -o '<svg' "$dom" | wc -l)
	[ "$svgs" -ge "$figures" ] || fail "$name: $figures figures but $svgs inline <svg>"
	! grep -q 'class="missing"' "$dom" ||
		fail "$name: a plot is missing: $(grep -o 'Plot unavailable[^<]*' "$dom" | head -1)"
	! grep -Eq '<img[^>]* src="[^d]' "$dom" || fail "$name: an <img> that is not inline"
	! grep -qi '<script' "$dom" || fail "$name: a <script> in the page"
	! grep -Eq '(src|href)="https?:' "$dom" || fail "$name: a network URL in the page"
	dups=$(grep -o ' id="[^"]*"' "$dom" | sort | uniq -d | head -3)
	[ -z "$dups" ] || fail "$name: duplicate ids: $dups"
}

# The measuring script, for a copy of the page only: the bounding boxes
# of the headline and the chart, and the viewport, into the DOM.
measure_js='<script>(function(){var o=[];
["headline","fig-chart"].forEach(function(id){var e=document.getElementById(id);
var r=e?e.getBoundingClientRect():null;
o.push(id+" "+(r?[r.top,r.bottom,r.left,r.right].map(Math.round).join(" "):"none"));});
o.push("viewport "+innerWidth+" "+innerHeight);
var p=document.createElement("pre");p.id="fold-measure";p.textContent=o.join("\n");
document.body.appendChild(p);})();</script>'

# fold NAME HTML RGB... : the headline and the chart whole in the first
# viewport, and the chart's colours (RGB...) in its screenshot. Says why
# not and returns 1 when they are not.
fold() {
	local name=$1 html=$2 copy="$out/$1-measure.html" why=""
	shift 2
	# The copy: no CSP (it would stop the script), the script at the end.
	MEASURE=$measure_js perl -0pe 's{<meta http-equiv="Content-Security-Policy"[^>]*>}{};
		s{</body>}{$ENV{MEASURE}</body>}' "$html" >"$copy"
	chrome "$copy" --window-size=$fold_w,$fold_h \
		--screenshot="$out/$name-fold.png" --dump-dom >"$tmp/$name-fold.html" ||
		fail "$name: chromium failed (see $tmp/chromium.log)"
	perl -0ne 'print $1 if m{<pre id="fold-measure">(.*?)</pre>}s' \
		"$tmp/$name-fold.html" >"$out/$name-fold.txt"
	# The width makes the layout; headless Chromium may report a shorter
	# window while the script runs (the screenshot is $fold_w x $fold_h
	# all the same), so the fold is $fold_h, not innerHeight.
	read -r _ vw _ < <(grep '^viewport' "$out/$name-fold.txt" || echo "viewport 0 0")
	[ "$vw" = "$fold_w" ] ||
		fail "$name: the viewport is $vw wide, not $fold_w (did the measure run?)"
	vh=$fold_h
	for id in headline fig-chart; do
		read -r _ top bottom left right < <(grep "^$id " "$out/$name-fold.txt" ||
			echo "$id none")
		if [ "$top" = none ]; then
			why+=" $id missing;"
		elif [ "$top" -lt 0 ] || [ "$bottom" -gt "$vh" ] || [ "$right" -gt "$vw" ] ||
			[ "$bottom" -le "$top" ]; then
			why+=" $id at y $top..$bottom, x $left..$right, not within ${vw}x$vh;"
		else
			echo "report-browser: $name: $id at y $top..$bottom, x $left..$right: above the fold"
		fi
	done
	png_check "$out/$name-fold.png" "$fold_h" fold "$@" ||
		why+=" the chart's colours are not in the first ${fold_w}x$fold_h pixels;"
	[ -z "$why" ] && return 0
	echo "report-browser: $name: not above the fold:$why" >&2
	return 1
}

# report NAME FILE... : render, check the DOM and the full screenshot.
report() {
	local name=$1
	shift
	"$bin" report "$@" --html "$out/$name.html" --markdown "$out/$name.md" >/dev/null
	# One browser run for both: the DOM after load, and the screenshot.
	chrome "$out/$name.html" --window-size=1280,9000 --screenshot="$out/$name.png" \
		--dump-dom >"$out/$name-dom.html" || fail "$name: chromium failed (see $tmp/chromium.log)"
}

# Tier colours of the chart (reports/report_chart.c): primitives,
# runtimes, VM.
blue=4a7ab5 orange=d9822b green=4f9a5a

report all "$fix"/*.json
dom_check all headline chart areas matrix failures ladder distributions \
	concurrency counters comparison hosts
[ "$figures" -ge 9 ] || fail "all: only $figures figures"
png_check "$out/all.png" 2000 page || fail "all: the screenshot looks blank or unstyled ($out/all.png)"
fold all "$out/all.html" $blue $orange || fail "all: the headline or the chart is below the fold"

report run "$fix"/make-run/run.json "$fix"/make-run/validate.json "$fix"/make-run/bench.json
dom_check run headline chart areas matrix ladder hosts
grep -q '<details' "$out/run-dom.html" || fail "run: no long area folds (<details>)"
png_check "$out/run.png" 2000 page d8f3dc || fail "run: the screenshot looks blank or unstyled"
fold run "$out/run.html" $blue $orange $green || fail "run: the headline or the chart is below the fold"

# The fold check can fail: the chart moved below the matrix must fail it.
perl -0pe 's{(<section id="chart">.*?</section>\n)}{}s and $c = $1;
	s{(<section id="matrix">.*?</section>\n)}{$1$c}s' "$out/run.html" >"$out/broken.html"
chart_at=$(grep -n '<section id="chart">' "$out/broken.html" | cut -d: -f1)
matrix_at=$(grep -n '<section id="matrix">' "$out/broken.html" | cut -d: -f1)
if [ -z "$chart_at" ] || [ -z "$matrix_at" ] || [ "$chart_at" -le "$matrix_at" ]; then
	fail "could not move the chart below the matrix in $out/broken.html"
fi
if fold broken "$out/broken.html" $blue $orange $green 2>"$tmp/broken.err"; then
	fail "the fold check passed with the chart below the matrix ($out/broken.html)"
fi
echo "report-browser: broken (chart below the matrix) fails, as it must:$(cut -d: -f3- "$tmp/broken.err")"

echo "report-browser: ok: the headline and the chart above the fold of ${fold_w}x$fold_h" \
	"($out/run-fold.png); all sections, figures inline ($out/all.png, $out/run.png)"
