package streaming

// Logger is the part of a logger that the sources log through; the SDK's
// log.Logger is one.
type Logger interface {
	Debug(msg string, args ...any)
	Info(msg string, args ...any)
	Warn(msg string, args ...any)
}

// NopLogger drops every line: the logger of options that set none.
type NopLogger struct{}

// Debug drops the line.
func (NopLogger) Debug(string, ...any) {}

// Info drops the line.
func (NopLogger) Info(string, ...any) {}

// Warn drops the line.
func (NopLogger) Warn(string, ...any) {}
