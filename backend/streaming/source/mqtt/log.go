package mqtt

import (
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// log is the logger of the options, or one that drops everything.
func (c *Client) log() logger {
	if c.o.Logger == nil {
		return streaming.NopLogger{}
	}
	return c.o.Logger
}

// logger is what the client logs through: the SDK's log.Logger is one.
type logger = streaming.Logger

// pahoLog hands paho.golang's log lines to the options' logger, at debug
// level: they say why a connection ended. (The libraries never log a
// password.)
type pahoLog struct{ l logger }

// Println logs its arguments.
func (p pahoLog) Println(v ...any) {
	if p.l != nil {
		p.l.Debug("MQTT 5: " + strings.TrimSpace(fmt.Sprintln(v...)))
	}
}

// Printf logs its arguments.
func (p pahoLog) Printf(format string, v ...any) {
	if p.l != nil {
		p.l.Debug("MQTT 5: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
	}
}
