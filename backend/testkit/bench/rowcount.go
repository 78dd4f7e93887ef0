package bench

import (
	"errors"
	"fmt"
)

// CountRows returns the number of rows in a stream packet, a frame as
// data.FrameToJSON writes it ({"schema":…,"data":{"values":[[…],…]}}, either
// part optional), without decoding it: it counts the elements of the first
// values array, and reads no further. A packet without data has no rows.
//
// The host does this instead of decoding every packet because decoding a
// frame costs several times what encoding it does: a host that decoded
// everything would measure its own speed, not the plugin's. Grafana does not
// decode these packets either; it passes their bytes on to the browsers.
func CountRows(packet []byte) (int, error) {
	s := jsonScanner{b: packet}
	rows := 0
	err := s.object(func(key []byte) error {
		if string(key) != "data" {
			return s.skip()
		}
		return s.object(func(key []byte) error {
			if string(key) != "values" {
				return s.skip()
			}
			if c, err := s.peek(); err != nil || c != '[' {
				return s.skip()
			}
			s.i++
			if c, err := s.peek(); err != nil || c == ']' {
				s.i++
				return err // no fields, no rows
			}
			if err := s.array(func() error {
				rows++
				return s.skip()
			}); err != nil {
				return err
			}
			// Every field has as many values as the first: the rest of the
			// packet need not be read.
			return errCounted
		})
	})
	if err == errCounted {
		return rows, nil
	}
	if err != nil {
		return 0, fmt.Errorf("counting the rows of a stream packet: %w", err)
	}
	if s.space(); s.i != len(s.b) {
		return 0, fmt.Errorf("counting the rows of a stream packet: trailing bytes at offset %d", s.i)
	}
	return rows, nil
}

// errCounted stops the scan once the rows are counted.
var errCounted = errors.New("counted")

// errTruncated is a JSON text that ends too early.
var errTruncated = errors.New("unexpected end of JSON")

// jsonScanner walks JSON text without building values: just enough of a
// parser to find and count, not to validate numbers or escapes.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// consume skips space and then c, or fails.
func (s *jsonScanner) consume(c byte) error {
	s.space()
	if s.i >= len(s.b) {
		return errTruncated
	}
	if s.b[s.i] != c {
		return fmt.Errorf("want %q at offset %d, got %q", c, s.i, s.b[s.i])
	}
	s.i++
	return nil
}

// peek skips space and returns the next byte.
func (s *jsonScanner) peek() (byte, error) {
	s.space()
	if s.i >= len(s.b) {
		return 0, errTruncated
	}
	return s.b[s.i], nil
}

// str reads a string and returns its raw bytes between the quotes.
func (s *jsonScanner) str() ([]byte, error) {
	if err := s.consume('"'); err != nil {
		return nil, err
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
		case '"':
			s.i++
			return s.b[start : s.i-1], nil
		default:
			s.i++
		}
	}
	return nil, errTruncated
}

// object reads an object, calling member after each key and its colon;
// member must consume the value.
func (s *jsonScanner) object(member func(key []byte) error) error {
	if err := s.consume('{'); err != nil {
		return err
	}
	if c, err := s.peek(); err != nil || c == '}' {
		s.i++
		return err
	}
	for {
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.consume(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		if done, err := s.next('}'); done || err != nil {
			return err
		}
	}
}

// array reads an array, calling element before each element; element must
// consume it.
func (s *jsonScanner) array(element func() error) error {
	if err := s.consume('['); err != nil {
		return err
	}
	if c, err := s.peek(); err != nil || c == ']' {
		s.i++
		return err
	}
	for {
		if err := element(); err != nil {
			return err
		}
		if done, err := s.next(']'); done || err != nil {
			return err
		}
	}
}

// next reads the comma between two members or elements, or the closing
// byte, and reports whether it was the closing one.
func (s *jsonScanner) next(closing byte) (bool, error) {
	c, err := s.peek()
	if err != nil {
		return false, err
	}
	s.i++
	switch c {
	case ',':
		return false, nil
	case closing:
		return true, nil
	}
	return false, fmt.Errorf("want ',' or %q at offset %d, got %q", closing, s.i-1, c)
}

// skip consumes one value of any kind.
func (s *jsonScanner) skip() error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		_, err := s.str()
		return err
	case '{':
		return s.object(func([]byte) error { return s.skip() })
	case '[':
		return s.array(s.skip)
	}
	end := s.i
	for end < len(s.b) && !endsScalar(s.b[end]) {
		end++
	}
	if end == s.i {
		return fmt.Errorf("want a value at offset %d, got %q", s.i, c)
	}
	s.i = end
	return nil
}

// endsScalar reports whether c ends a number, true, false or null.
func endsScalar(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}
