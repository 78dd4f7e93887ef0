package httpstream

import (
	"errors"
	"io"
)

// NDJSONOptions bounds an NDJSONReader. A zero or negative bound takes its
// default.
type NDJSONOptions struct {
	// MaxLineBytes bounds one line, without its end (DefaultMaxLineBytes,
	// 1 MiB, unless set).
	MaxLineBytes int
}

// NDJSONReader splits a newline-delimited JSON body into lines, with
// bounded memory. It does not parse JSON: the feed's decoder does. It is
// not safe for concurrent use.
type NDJSONReader struct {
	lines lineReader
}

// NewNDJSONReader reads lines from r.
func NewNDJSONReader(r io.Reader, opts NDJSONOptions) *NDJSONReader {
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	return &NDJSONReader{lines: newLineReader(r, opts.MaxLineBytes, false)}
}

// Next returns the next line that is not blank, without its end: a line
// ends with an LF or a CR LF, and the last one may have no end when the
// stream ends with io.EOF (when it fails, the line it cut is dropped). A blank
// line (nothing, or only spaces, tabs and CRs) is skipped. The bytes are
// valid until the next call. Its errors:
//
//   - a *TooLongError (errors.Is ErrTooLong) for a line longer than
//     MaxLineBytes, which is skipped: call Next again for the next line;
//   - io.EOF at the end of the stream, or the stream's own error. Every
//     later call returns it again.
func (n *NDJSONReader) Next() ([]byte, error) {
	for {
		line, length, terminated, err := n.lines.next()
		if err != nil {
			return nil, err
		}
		if !terminated && !errors.Is(n.lines.err, io.EOF) {
			continue // a line cut by the stream's failure, not its end
		}
		if length > int64(n.lines.max) {
			return nil, &TooLongError{What: "line", Length: length, Limit: n.lines.max}
		}
		if !blank(line) {
			return line, nil
		}
	}
}

// blank reports whether line has nothing but spaces, tabs and CRs.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
