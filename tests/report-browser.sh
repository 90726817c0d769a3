#!/usr/bin/env bash
# report-browser.sh BOXCHECK [OUTDIR]
#
# Checks the HTML report as a user would see it. Renders a report from the
# fixture results, opens it in headless Chromium (a fresh profile in a temp
# dir, only this file:// URL), and checks:
#   - the DOM after load (--dump-dom): every section id, one inline <svg> per
#     figure, no missing plot, no <img> that is not inline, no <script>, no
#     http(s) URL in src/href, no duplicate id;
#   - the screenshot (OUTDIR/report.png): not blank. The PNG is decoded
#     (perl, Compress::Zlib) and must show many colours, enough ink, and the
#     verdict colours of the conformance matrix.
# OUTDIR (default build/report-check) keeps report.html, report.md, the
# SVGs, dom.html and report.png for people to look at.
set -euo pipefail

bin=$(realpath "$1")
out=${2:-build/report-check}
fix=tests/fixtures/report
mkdir -p "$out"
out=$(realpath "$out")
sections="summary matrix failures ladder distributions concurrency counters comparison hosts"

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

"$bin" report "$fix"/*.json --html "$out/report.html" --markdown "$out/report.md"

# chromium FLAG... : run headless on our file, at most 90 s.
chrome() {
	timeout --kill-after=5 90 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--user-data-dir="$tmp/profile" --hide-scrollbars "$@" \
		"file://$out/report.html" 2>>"$tmp/chromium.log" &
	pids+=($!)
	wait $!
}

# One browser run for both: the DOM after load, and the screenshot.
chrome --window-size=1280,9000 --screenshot="$out/report.png" --dump-dom \
	>"$out/dom.html" || fail "chromium failed (see $tmp/chromium.log)"
dom="$out/dom.html"
[ -s "$dom" ] || fail "empty DOM"

for s in $sections; do
	grep -q "<section id=\"$s\">" "$dom" || fail "section '$s' missing"
done
figures=$(grep -o '<figure id="fig-' "$dom" | wc -l)
svgs=$(grep -o '<svg' "$dom" | wc -l)
[ "$figures" -ge 8 ] || fail "only $figures figures"
[ "$svgs" -ge "$figures" ] || fail "$figures figures but $svgs inline <svg>"
! grep -q 'class="missing"' "$dom" || fail "a plot is missing: $(grep -o 'Plot unavailable[^<]*' "$dom" | head -1)"
! grep -Eq '<img[^>]* src="[^d]' "$dom" || fail "an <img> that is not inline"
! grep -qi '<script' "$dom" || fail "a <script> in the page"
! grep -Eq '(src|href)="https?:' "$dom" || fail "a network URL in the page"
dups=$(grep -o ' id="[^"]*"' "$dom" | sort | uniq -d | head -3)
[ -z "$dups" ] || fail "duplicate ids: $dups"

[ -s "$out/report.png" ] || fail "no screenshot"

# Decode the top of the PNG (8-bit RGB/RGBA, non-interlaced, as Chromium
# writes it) and measure: distinct colours, share of non-white pixels, and
# whether the matrix's pass green and fail red are there.
perl -MCompress::Zlib -e '
	use strict; use warnings;
	local $/; open(my $fh, "<:raw", $ARGV[0]) or die "open: $!";
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
	my $rows = $h < 2000 ? $h : 2000;
	my @prev = (0) x $stride;
	my (%colours, $ink, $n);
	my ($green, $red) = (0, 0);
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
			$green++ if $k == 0xd8f3dc;
			$red++ if $k == 0xffd6d6;
		}
		@prev = @c;
	}
	my $share = $ink / $n;
	printf "report-browser: screenshot %dx%d: %d colours, %.1f%% ink, " .
		"%d pass-green and %d fail-red pixels (top %d rows)\n",
		$w, $h, scalar keys %colours, 100 * $share, $green, $red, $rows;
	exit 1 if keys %colours < 50 || $share < 0.03 || !$green || !$red;
' "$out/report.png" || fail "the screenshot looks blank or unstyled ($out/report.png)"

echo "report-browser: ok: $(echo $sections | wc -w) sections, $figures figures" \
	"inline; screenshot $out/report.png"
