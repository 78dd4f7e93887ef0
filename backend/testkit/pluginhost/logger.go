package pluginhost

import (
	"io"

	"github.com/hashicorp/go-hclog"
)

// newLogger is the hclog logger go-plugin writes its own and the plugin's
// log lines to: w at level (zero means Debug), or a null logger for a nil w.
func newLogger(w io.Writer, level hclog.Level) hclog.Logger {
	if w == nil {
		return hclog.NewNullLogger()
	}
	if level == hclog.NoLevel {
		level = hclog.Debug
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:   "plugin",
		Output: w,
		Level:  level,
	})
}
