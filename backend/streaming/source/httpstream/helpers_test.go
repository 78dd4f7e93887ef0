package httpstream_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing/iotest"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

// outcome is one result of Next, in a form that compares whole: an event,
// or the report of a skipped one.
type outcome struct {
	ID, Type, Data string
	Retry          time.Duration
	// Skipped is "line 12>8" or "event 20>16" for a *TooLongError.
	Skipped string
}

func (o outcome) String() string {
	if o.Skipped != "" {
		return "skipped " + o.Skipped
	}
	return fmt.Sprintf("{id %q type %q data %q retry %v}", o.ID, o.Type, o.Data, o.Retry)
}

func ev(id, typ, data string) outcome { return outcome{ID: id, Type: typ, Data: data} }

func msg(data string) outcome { return ev("", "message", data) }

func tooLong(what string, length int64, limit int) outcome {
	return outcome{Skipped: fmt.Sprintf("%s %d>%d", what, length, limit)}
}

// skipped turns a *TooLongError into an outcome; ok is false for any other
// error.
func skipped(err error) (outcome, bool) {
	var tl *httpstream.TooLongError
	if !errors.As(err, &tl) || !errors.Is(err, httpstream.ErrTooLong) {
		return outcome{}, false
	}
	return tooLong(tl.What, tl.Length, tl.Limit), true
}

// sseRun is everything an SSEReader made of one stream.
type sseRun struct {
	Outcomes    []outcome
	LastEventID string
	Retry       time.Duration
	Err         error
}

// readSSE reads r to its end (or its error).
func readSSE(r io.Reader, opts httpstream.SSEOptions, guard int) sseRun {
	s := httpstream.NewSSEReader(r, opts)
	var run sseRun
	for range guard {
		e, err := s.Next()
		if err == nil {
			run.Outcomes = append(run.Outcomes, outcome{ID: e.ID, Type: e.Type, Data: string(e.Data), Retry: e.Retry})
			continue
		}
		if o, ok := skipped(err); ok {
			run.Outcomes = append(run.Outcomes, o)
			continue
		}
		run.Err = err
		break
	}
	if run.Err == nil {
		run.Err = errors.New("more outcomes than the input has bytes")
	}
	run.LastEventID, run.Retry = s.LastEventID(), s.Retry()
	return run
}

// ndjsonRun is everything an NDJSONReader made of one stream.
type ndjsonRun struct {
	Lines []string // a skipped line as "skipped line 12>8"
	Err   error
}

func readNDJSON(r io.Reader, opts httpstream.NDJSONOptions, guard int) ndjsonRun {
	n := httpstream.NewNDJSONReader(r, opts)
	var run ndjsonRun
	for range guard {
		line, err := n.Next()
		if err == nil {
			run.Lines = append(run.Lines, string(line))
			continue
		}
		if o, ok := skipped(err); ok {
			run.Lines = append(run.Lines, o.String())
			continue
		}
		run.Err = err
		break
	}
	if run.Err == nil {
		run.Err = errors.New("more lines than the input has bytes")
	}
	return run
}

// chunkReader returns data in chunks of the sizes given, in turn; a size
// of 0 makes a read return nothing, but never two in a row.
type chunkReader struct {
	data  []byte
	sizes []byte
	i     int
	empty bool // the last read returned nothing
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(c.sizes) > 0 {
		n = int(c.sizes[c.i%len(c.sizes)])
		c.i++
	}
	if n == 0 && c.empty {
		n = 1
	}
	c.empty = n == 0
	n = min(n, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// readers are the ways a spec feeds one input: in one piece, one byte at
// a time, in halves, with io.EOF together with the last bytes, and in
// uneven chunks, some empty.
func readers(input []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(input) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(input)) },
		"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(input)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(input)) },
		"chunks":   func() io.Reader { return &chunkReader{data: input, sizes: []byte{3, 0, 1, 7, 2, 0, 5}} },
	}
}

// refSSE is a plain reading of the WHATWG event-stream rules with the
// package's bounds, on a whole input in memory: the reference the
// streaming reader must agree with.
func refSSE(input []byte, maxLine, maxEvent int) sseRun {
	input = bytes.TrimPrefix(input, []byte("\xEF\xBB\xBF"))
	var (
		run                     sseRun
		data                    []string
		hasData, skip, reported bool
		typ, idBuffer           string
		retry                   time.Duration
	)
	reset := func() { data, hasData, skip, reported, typ, retry = nil, false, false, false, "", 0 }
	for {
		i := bytes.IndexAny(input, "\r\n")
		if i < 0 {
			break // an unterminated line is never processed
		}
		line := string(input[:i])
		if input[i] == '\r' && i+1 < len(input) && input[i+1] == '\n' {
			i++
		}
		input = input[i+1:]
		switch {
		case len(line) > maxLine:
			skip = true
			if !reported {
				reported = true
				run.Outcomes = append(run.Outcomes, tooLong("line", int64(len(line)), maxLine))
			}
		case line == "":
			run.LastEventID = idBuffer
			joined := strings.Join(data, "\n")
			switch {
			case !reported && len(joined) > maxEvent:
				run.Outcomes = append(run.Outcomes, tooLong("event", int64(len(joined)), maxEvent))
			case skip:
			case hasData:
				t := typ
				if t == "" {
					t = "message"
				}
				run.Outcomes = append(run.Outcomes, outcome{ID: idBuffer, Type: t, Data: joined, Retry: retry})
			}
			reset()
		case line[0] == ':':
		default:
			name, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch name {
			case "data":
				hasData = true
				data = append(data, value)
			case "event":
				typ = value
			case "id":
				if !strings.Contains(value, "\x00") {
					idBuffer = value
				}
			case "retry":
				if value != "" && strings.Trim(value, "0123456789") == "" {
					ms, err := strconv.ParseInt(value, 10, 64)
					retry = time.Duration(ms) * time.Millisecond
					if err != nil || ms > math.MaxInt64/int64(time.Millisecond) {
						retry = math.MaxInt64
					}
					run.Retry = retry
				}
			}
		}
	}
	run.Err = io.EOF
	return run
}

// refNDJSON is the reference for NDJSONReader.
func refNDJSON(input []byte, maxLine int) ndjsonRun {
	var run ndjsonRun
	lines := strings.Split(string(input), "\n")
	for i, line := range lines {
		if i < len(lines)-1 {
			line = strings.TrimSuffix(line, "\r")
		}
		switch {
		case len(line) > maxLine:
			run.Lines = append(run.Lines, tooLong("line", int64(len(line)), maxLine).String())
		case strings.Trim(line, " \t\r") != "":
			run.Lines = append(run.Lines, line)
		}
	}
	run.Err = io.EOF
	return run
}
