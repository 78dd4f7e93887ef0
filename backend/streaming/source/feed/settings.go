package feed

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
)

// Defaults and bounds of the settings every feed data source shares, in
// jsonData.
const (
	// DefaultHistoryMaxRows is historyMaxRows' default: rows kept per tap.
	DefaultHistoryMaxRows = history.DefaultMaxRows
	// MaxHistoryMaxRows is the largest historyMaxRows.
	MaxHistoryMaxRows = 1_000_000
	// DefaultHistoryMaxBytes is historyMaxBytes' default: 4 MiB per tap.
	DefaultHistoryMaxBytes = history.DefaultMaxBytes
	// MinHistoryMaxBytes and MaxHistoryMaxBytes bound historyMaxBytes:
	// 64 KiB to 1 GiB.
	MinHistoryMaxBytes = 64 << 10
	MaxHistoryMaxBytes = 1 << 30
	// DefaultLinger is lingerSeconds' default: how long a tap is kept
	// after its last stream stopped or a query last read it.
	DefaultLinger = 10 * time.Minute
	// MaxLinger is the largest lingerSeconds: a day.
	MaxLinger = 24 * time.Hour
	// DefaultMaxStreams and MaxMaxStreams are maxStreams' default and
	// largest value, as for signals.
	DefaultMaxStreams = streaming.DefaultMaxStreams
	MaxMaxStreams     = 10_000
)

// Settings are what every feed data source sets besides its connection:
// how much history a tap keeps and for how long, and how many streams and
// taps it runs at once.
type Settings struct {
	// HistoryMaxRows is jsonData.historyMaxRows: the most rows a tap keeps
	// (1 to 1 000 000, default 10 000).
	HistoryMaxRows int
	// HistoryMaxBytes is jsonData.historyMaxBytes: roughly the most memory
	// a tap's rows take (64 KiB to 1 GiB, default 4 MiB).
	HistoryMaxBytes int64
	// Linger is jsonData.lingerSeconds: how long a tap keeps its
	// subscription and rows after its last stream stopped or a QueryData
	// last read it (0 to 86 400 s, default 600 s).
	Linger time.Duration
	// MaxStreams is jsonData.maxStreams: the most channels streamed at
	// once, and the most taps kept at once (1 to 10 000, default 1 000).
	MaxStreams int
}

// ParseSettings reads the shared feed settings from jsonData, with the
// rules of streaming.Fields; other fields are left to the source. The
// error is a *streaming.FieldError naming the field.
func ParseSettings(jsonData []byte) (Settings, error) {
	f, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return Settings{}, err
	}
	rows := int64(DefaultHistoryMaxRows)
	bytes := int64(DefaultHistoryMaxBytes)
	linger := int64(DefaultLinger / time.Second)
	streams := int64(DefaultMaxStreams)
	f.IntegerIn("historyMaxRows", &rows, 1, MaxHistoryMaxRows)
	f.IntegerIn("historyMaxBytes", &bytes, MinHistoryMaxBytes, MaxHistoryMaxBytes)
	f.IntegerIn("lingerSeconds", &linger, 0, int64(MaxLinger/time.Second))
	f.IntegerIn("maxStreams", &streams, 1, MaxMaxStreams)
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	return Settings{
		HistoryMaxRows:  int(rows),
		HistoryMaxBytes: bytes,
		Linger:          time.Duration(linger) * time.Second,
		MaxStreams:      int(streams),
	}, nil
}

// withDefaults fills the settings left at zero.
func (s Settings) withDefaults() Settings {
	if s.HistoryMaxRows <= 0 {
		s.HistoryMaxRows = DefaultHistoryMaxRows
	}
	if s.HistoryMaxBytes <= 0 {
		s.HistoryMaxBytes = DefaultHistoryMaxBytes
	}
	if s.Linger < 0 {
		s.Linger = 0
	}
	if s.MaxStreams <= 0 {
		s.MaxStreams = DefaultMaxStreams
	}
	return s
}
