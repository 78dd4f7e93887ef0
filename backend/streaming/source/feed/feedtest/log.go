package feedtest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"
)

// Logger writes a client's or source's log lines to the spec's timeline,
// shown when a spec fails. The SDK's log.Logger is not needed: sources
// log through a streaming.Logger.
type Logger struct{}

// Debug writes a line.
func (Logger) Debug(msg string, args ...any) { logLine("DEBUG", msg, args) }

// Info writes a line.
func (Logger) Info(msg string, args ...any) { logLine("INFO", msg, args) }

// Warn writes a line.
func (Logger) Warn(msg string, args ...any) { logLine("WARN", msg, args) }

// logLine writes one line to the spec's timeline and returns it.
func logLine(level, msg string, args []any) string {
	line := strings.TrimSpace(fmt.Sprintln(append([]any{level, msg}, args...)...))
	ginkgo.GinkgoWriter.Println(line)
	return line
}

// Lines is a Logger that also keeps its lines, for specs of what a source
// logs. Its zero value is empty and ready; it is safe for concurrent use.
type Lines struct {
	mu    sync.Mutex
	lines []string
}

func (l *Lines) add(level, msg string, args []any) {
	line := logLine(level, msg, args)
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// Debug keeps a line.
func (l *Lines) Debug(msg string, args ...any) { l.add("DEBUG", msg, args) }

// Info keeps a line.
func (l *Lines) Info(msg string, args ...any) { l.add("INFO", msg, args) }

// Warn keeps a line.
func (l *Lines) Warn(msg string, args ...any) { l.add("WARN", msg, args) }

// All is every line so far, joined by newlines.
func (l *Lines) All() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// Count is how many lines hold fragment.
func (l *Lines) Count(fragment string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, fragment) {
			n++
		}
	}
	return n
}
