# deps-words.awk: the words in command position of shell scripts and make
# recipes, one a line (tests/deps-coverage.sh decides which are commands).
# Command position: a line's start, after | || && ; ! ( { $( ` and the
# keywords that take a command (then do else ...), past VAR=value words.
# In make files only recipe lines and $(shell ...) count, and $$( is the
# shell's $(.
function emit(w) {
	# a quoted word is a string's start ("as a control"), not a command
	if (w ~ /^["']/)
		return
	gsub(/^\\+|["';)]+$/, "", w)
	if (w ~ /^[A-Za-z][A-Za-z0-9._+-]*$/ || w ~ /^\/[A-Za-z0-9._\/+-]+$/)
		print w
}
{
	line = $0
	if (FILENAME ~ /(^|\/)Makefile$|\.mk$/) {
		if (line !~ /^\t/ && line !~ /\$\(shell /)
			next
		sub(/^\t[@+-]*/, "", line)
		gsub(/\$\$\(/, " ; ", line)
		gsub(/\$\(shell /, " ; ", line)
		gsub(/\$\([a-z]+ /, " ", line)
		gsub(/\$\$/, "$", line)
	} else {
		gsub(/\$\(/, " ; ", line)
	}
	sub(/^[ \t]*#.*/, "", line)
	gsub(/[ \t]#.*/, "", line)
	gsub(/\|\||&&|\||;|`|![ \t]|\{[ \t]/, " ; ", line)
	n = split(line, w, /[ \t]+/)
	cmd = 1
	for (i = 1; i <= n; i++) {
		if (w[i] == "")
			continue
		if (w[i] == ";") {
			cmd = 1
			continue
		}
		if (!cmd)
			continue
		if (w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/) {
			v = w[i]
			sub(/^[^=]*=/, "", v)
			emit(v) # CC=clang
			continue
		}
		if (w[i] ~ /^(then|do|else|elif|if|while|until|time|exec|xargs|env|nohup|setsid|command|-v|\()$/)
			continue
		if (w[i] == "timeout") {
			i++
			continue
		}
		sub(/^\(/, "", w[i])
		emit(w[i])
		cmd = 0
	}
}
