package httpstream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLineBytes is the default bound of one line, for both readers.
const DefaultMaxLineBytes = 1 << 20

// DefaultMaxEventBytes is the default bound of one Server-Sent Event's
// data.
const DefaultMaxEventBytes = 1 << 20

// readBufferBytes is the size of a reader's buffer for the bytes read from
// the stream and not yet split into lines.
const readBufferBytes = 16 << 10

// maxEmptyReads is how many reads in a row may return no bytes and no
// error before a reader gives up with io.ErrNoProgress.
const maxEmptyReads = 100

// ErrTooLong marks a line or an event longer than its bound. The reader
// skipped it and stays in step with the stream: call Next again. The error
// Next returns is a *TooLongError, which says how long.
var ErrTooLong = errors.New("httpstream: too long")

// errBadRead is a reader's error when the stream's Read returns an
// impossible count.
var errBadRead = errors.New("httpstream: the stream's Read returned an invalid count")

// TooLongError says which part of the stream was longer than its bound,
// and skipped. It wraps ErrTooLong.
type TooLongError struct {
	// What is "line" or "event".
	What string
	// Length is how many bytes it had: a line's bytes without its end, or
	// an event's data, as Event.Data would have held it.
	Length int64
	// Limit is the bound it exceeded.
	Limit int
}

// Error says what was skipped and how long it was.
func (e *TooLongError) Error() string {
	return fmt.Sprintf("httpstream: skipped a %s of %d bytes, longer than the limit of %d bytes", e.What, e.Length, e.Limit)
}

// Unwrap lets errors.Is find ErrTooLong.
func (e *TooLongError) Unwrap() error { return ErrTooLong }

// lineReader splits a stream into lines and holds at most max bytes of a
// line, however long it is: a longer line is read to its end and only
// counted.
type lineReader struct {
	r   io.Reader
	buf []byte
	// buf[start:end] are the bytes read and not yet split.
	start, end int
	// err is the stream's error, returned once the bytes before it are
	// split.
	err error
	// crEnds says that a CR ends a line, alone or followed by an LF (event
	// streams). Otherwise only an LF does, and a CR right before it is not
	// part of the line (NDJSON).
	crEnds bool
	// skipLF says that the last line ended with a CR: an LF right after it
	// is part of that line's end.
	skipLF bool
	max    int
	line   []byte
}

func newLineReader(r io.Reader, max int, crEnds bool) lineReader {
	return lineReader{r: r, buf: make([]byte, readBufferBytes), crEnds: crEnds, max: max}
}

// fill reads more of the stream into buf, keeping the bytes not yet split.
func (l *lineReader) fill() {
	if l.start > 0 {
		copy(l.buf, l.buf[l.start:l.end])
		l.end -= l.start
		l.start = 0
	}
	for range maxEmptyReads {
		n, err := l.r.Read(l.buf[l.end:])
		if n < 0 || n > len(l.buf)-l.end {
			l.err = errBadRead
			return
		}
		l.end += n
		if err != nil {
			l.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	l.err = io.ErrNoProgress
}

// skipPrefix drops prefix from the start of the stream, if the stream
// starts with it; it reads until it can tell.
func (l *lineReader) skipPrefix(prefix []byte) {
	for l.end-l.start < len(prefix) && bytes.HasPrefix(prefix, l.buf[l.start:l.end]) && l.err == nil {
		l.fill()
	}
	if bytes.HasPrefix(l.buf[l.start:l.end], prefix) {
		l.start += len(prefix)
	}
}

// next reads the next line, without its end. n is the line's length; when
// n > max, line is nil. terminated says whether the line had an end: only
// the last line of a stream can lack one. err, the stream's error (io.EOF
// at its end), comes alone, after the last line. line is valid until the
// next call.
func (l *lineReader) next() (line []byte, n int64, terminated bool, err error) {
	l.line = l.line[:0]
	// An NDJSON line may hold one more byte: the CR before its LF.
	keep := int64(l.max)
	if !l.crEnds {
		keep++
	}
	var last byte
	// whole says that the line is all in buf, which next then returns
	// without copying.
	whole := false
	for {
		if l.start == l.end {
			if l.err != nil {
				if n == 0 {
					return nil, 0, false, l.err
				}
				return l.finish(l.line, n, last, false)
			}
			l.fill()
			continue
		}
		chunk := l.buf[l.start:l.end]
		if l.skipLF {
			l.skipLF = false
			if chunk[0] == '\n' {
				l.start++
				continue
			}
		}
		i := l.index(chunk)
		part := chunk
		if i >= 0 {
			part = chunk[:i]
		}
		if len(part) > 0 {
			n += int64(len(part))
			last = part[len(part)-1]
			switch {
			case n > keep:
				l.line = l.line[:0]
			case i >= 0 && n == int64(len(part)):
				whole = true
			default:
				l.line = append(l.line, part...)
			}
		}
		if i < 0 {
			l.start = l.end
			continue
		}
		l.start += i + 1
		if chunk[i] == '\r' {
			l.skipLF = true
		}
		if whole {
			return l.finish(part, n, last, true)
		}
		return l.finish(l.line, n, last, true)
	}
}

// finish ends next: it drops an NDJSON line's CR and checks the bound.
func (l *lineReader) finish(line []byte, n int64, last byte, terminated bool) ([]byte, int64, bool, error) {
	if !l.crEnds && last == '\r' && n > 0 && terminated {
		n--
		if int64(len(line)) > n {
			line = line[:n]
		}
	}
	if n > int64(l.max) {
		return nil, n, terminated, nil
	}
	return line, n, terminated, nil
}

// index is the position of the first line end in b, or -1.
func (l *lineReader) index(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if !l.crEnds {
		return i
	}
	// The first CR, if one comes before that LF: two quick scans rather
	// than IndexAny's byte by byte.
	before := b
	if i >= 0 {
		before = b[:i]
	}
	if j := bytes.IndexByte(before, '\r'); j >= 0 {
		return j
	}
	return i
}
