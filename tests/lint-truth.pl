#!/usr/bin/perl
# lint-truth.pl FILE... - truth rule 1 over scenario sources: the judgement
# must not depend on which run it is.
#
# The compile-time shape does most of it: a judge gets a struct judge, no
# ctx, so it cannot read c->isolate. What the compiler cannot see is the
# observe side smuggling the run into the observation. This lint rejects:
#   J  a judge function (takes `struct judge *`) that names isolate/iso*;
#   W  a write to the observation (the observe function's struct pointer, a
#      child's `out` or a pointer made from it) whose value names isolate,
#      an iso* variable, or a variable derived from them in that function;
#   L  the judging calls of the old API (ctx_holds, .run =, legacy_*).
# Exit 1 with one line per finding, file:line: rule: text.
use strict;
use warnings;

my $bad = 0;

sub report {
	my ($file, $line, $rule, $text) = @_;
	$text =~ s/^\s+//;
	print "$file:$line: $rule: $text\n";
	$bad = 1;
}

# Names that stand for the run: isolate, iso, iso_anything.
my $run_re = qr/\b(?:isolate|iso\w*)\b/;

sub check_function {
	my ($file, $start, $sig, $body) = @_;
	my @lines = @$body;
	my $is_judge = $sig =~ /struct\s+judge\s*\*/;
	my %obs;	# identifiers that denote the observation
	my %taint;	# identifiers derived from the run
	my %field;	# "var.field" derived from the run (initialisers)

	if ($is_judge) {
		for my $i (0 .. $#lines) {
			report($file, $start + $i, "J (a judge names the run)",
			       $lines[$i]) if $lines[$i] =~ $run_re;
		}
		return;
	}
	# observe(struct ctx *c, struct T *o): o; a child's (arg, out, len): out.
	$obs{$1} = 1 if $sig =~ /struct\s+ctx\s*\*\s*\w+\s*,\s*(?:const\s+)?struct\s+\w+\s*\*\s*(\w+)/;
	$obs{out} = 1 if $sig =~ /\bvoid\s*\*\s*out\b/;
	for my $i (0 .. $#lines) {
		my $l = $lines[$i];
		my $names = join('|', map { quotemeta } keys %obs);
		my $taints = join('|', map { quotemeta } keys %taint);
		my $tainted = sub {
			my ($s) = @_;
			return 1 if $s =~ $run_re;
			return 1 if $taints ne '' && $s =~ /(?<![.>])\b(?:$taints)\b/;
			for my $vf (keys %field) {
				my ($v, $f) = split /\./, $vf;
				return 1 if $s =~ /\b\Q$v\E\s*(?:\.|->)\s*\Q$f\E\b/;
			}
			return 0;
		};
		# A pointer made from the observation is the observation.
		if ($names ne '' && $l =~ /\*\s*(\w+)\s*=\s*(?:\([^)]*\)\s*)?&?(?:$names)\b[^;]*;/) {
			$obs{$1} = 1;
		}
		# x = <run-derived>; and initialisers { .iso = c->isolate }.
		if ($l =~ /(?:^|[\s,;(])(\w+)(?:\[[^\]]*\])?\s*(?:[|+&-]?=)\s*(?![{=])(\S[^;]*)/ &&
		    $tainted->($2) && !($names ne '' && $1 =~ /^(?:$names)$/)) {
			$taint{$1} = 1;
		}
		# struct x v = { .f = <run-derived>, ... }: v.f is derived.
		if ($l =~ /^\s*(?:[\w\s*]+\s)?\**(\w+)(?:\[[^\]]*\])?\s*=\s*\{/) {
			my $var = $1;
			my ($j, $init) = ($i, '');
			do { $init .= $lines[$j] } while ($lines[$j++] !~ /;/ && $j <= $#lines);
			while ($init =~ /\.(\w+)\s*=\s*([^,}]*)/g) {
				my ($f, $v) = ($1, $2);
				$field{"$var.$f"} = 1 if $tainted->($v);
			}
		}
		next if $names eq '';
		# Writes to the observation: o->x = v, o->x[i] |= v, *o = v,
		# *(T *)out = v, snprintf/memcpy/strcpy into it.
		my $write;
		if ($l =~ /\b(?:$names)\s*(?:->|\.|\[)[^;=]*?(?<![=!<>])[|+&-]?=(?!=)(.*)/) {
			$write = $1;
		} elsif ($l =~ /\*\s*(?:\([^)]*\)\s*)?(?:$names)\s*[|+&-]?=(?!=)(.*)/) {
			$write = $1;
		} elsif ($l =~ /\b(?:snprintf|memcpy|strcpy|strncpy|memmove)\s*\(\s*&?\s*(?:\([^)]*\)\s*)?(?:$names)\b(.*)/) {
			$write = $1;
		}
		report($file, $start + $i, "W (the observation gets the run)", $l)
			if defined $write && $tainted->($write);
	}
}

for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "lint-truth: $file: $!\n";
	my @all = <$fh>;
	close($fh);
	chomp @all;
	for my $i (0 .. $#all) {
		report($file, $i + 1, "L (the old judging API)", $all[$i])
			if $all[$i] =~ /\bctx_holds\s*\(|^\s*\.run\s*=|\blegacy_\w+\s*\(/;
	}
	# Functions: a signature line (or lines) ending in ')' then a '{' line.
	for (my $i = 0; $i <= $#all; $i++) {
		next unless $all[$i] =~ /^[a-z_].*\(/ && $all[$i] !~ /;\s*$/ &&
			    $all[$i] !~ /^#/;
		my $sig = $all[$i];
		my $j = $i;
		while ($sig !~ /\)\s*$/ && $j < $#all) { $sig .= ' ' . $all[++$j]; }
		next unless $j + 1 <= $#all && $all[$j + 1] =~ /^\{/;
		my @body;
		my $k = $j + 2;
		while ($k <= $#all && $all[$k] !~ /^\}/) { push @body, $all[$k++]; }
		check_function($file, $j + 3, $sig, \@body);
		$i = $k;
	}
}
exit $bad;
