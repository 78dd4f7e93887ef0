package bench

import (
	"path/filepath"
	"strings"
)

// CommandLine is the command a person types to repeat a run: prefix (say
// "go run ./cmd/pulse-bench") and the arguments, each quoted for a POSIX
// shell where needed. An absolute path is shown by its file name only, so
// that a report names no directory of the machine it ran on.
func CommandLine(prefix string, args []string) string {
	parts := []string{prefix}
	for _, arg := range args {
		parts = append(parts, shellQuote(hideDirectories(arg)))
	}
	return strings.Join(parts, " ")
}

// hideDirectories replaces an absolute path, alone or as a flag's value
// (-binary=/x/y), by its file name.
func hideDirectories(arg string) string {
	name, value, isFlag := strings.Cut(arg, "=")
	if isFlag && strings.HasPrefix(name, "-") {
		return name + "=" + hideDirectories(value)
	}
	if filepath.IsAbs(arg) {
		return filepath.Base(arg)
	}
	return arg
}

// shellQuote quotes s for a POSIX shell unless it needs no quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
