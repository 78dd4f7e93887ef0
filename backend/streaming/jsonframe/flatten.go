package jsonframe

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// MaxNameBytes is the longest field name: a value whose name would be
// longer is dropped and counted in DecodeStats.FieldsDropped.
const MaxNameBytes = 1024

// wideRow is how many fields a row holds before its names are looked up in
// a map rather than one by one.
const wideRow = 16

// walk reads one row's values into its decoder's pending values, the name
// of the value at hand in d.name.
type walk struct {
	d *Decoder
	// budget is how many bytes the payload's strings may take in the
	// arena: a payload's text can be selected more than once (by several
	// Fields paths), but its strings stay within a few times its size.
	budget int
}

// value reads v, at depth segments, under the name in d.name.
func (w walk) value(v gjson.Result, depth int) {
	d := w.d
	if d.skipSet && v.Index == d.skip.Index && v.Raw == d.skip.Raw {
		return // the row's time
	}
	switch v.Type {
	case gjson.Null:
		w.emit(Null(), "", false)
	case gjson.False:
		w.emit(Bool(false), "", false)
	case gjson.True:
		w.emit(Bool(true), "", false)
	case gjson.Number:
		w.emit(Number(v.Num), "", false)
	case gjson.String:
		w.emit(Value{Type: TypeString}, v.Str, false)
	case gjson.JSON:
		if len(d.name) > MaxNameBytes {
			d.stats.FieldsDropped++ // every name below is longer still
			return
		}
		if depth >= d.opts.MaxDepth {
			w.emit(Value{Type: TypeString}, v.Raw, true)
			return
		}
		w.members(v, depth, false)
	}
}

// members reads the members of an object or the elements of an array, at
// depth segments, under the name in d.name (none at the top of a row).
func (w walk) members(v gjson.Result, depth int, top bool) {
	d := w.d
	prefix := len(d.name)
	array := v.IsArray()
	index := 0
	v.ForEach(func(key, member gjson.Result) bool {
		d.name = d.name[:prefix]
		if !top {
			d.name = append(d.name, '.')
		}
		if array {
			d.name = strconv.AppendInt(d.name, int64(index), 10)
			index++
		} else {
			d.name = append(d.name, key.Str...)
		}
		w.value(member, depth+1)
		return true
	})
	d.name = d.name[:prefix]
}

// emit adds a value named d.name to the current row: a string's text, or a
// JSON text to compact, is given apart. A name the row already has takes
// the new value in its place.
func (w walk) emit(v Value, text string, compact bool) {
	d := w.d
	if len(d.name) > MaxNameBytes {
		d.stats.FieldsDropped++
		return
	}
	row := &d.rows[len(d.rows)-1]
	at := d.find(row.start)
	if at < 0 && len(d.values)-row.start >= d.opts.MaxFields {
		d.stats.FieldsDropped++
		return
	}
	p := pendingValue{value: v}
	if v.Type == TypeString {
		if len(d.arena)+len(text) > w.budget {
			d.stats.FieldsDropped++
			return
		}
		p.start = len(d.arena)
		if compact {
			d.arena = appendCompact(d.arena, text)
		} else {
			d.arena = appendValidUTF8(d.arena, text)
		}
		p.end = len(d.arena)
	}
	if at >= 0 {
		p.name = d.values[at].name
		d.values[at] = p
		return
	}
	p.name = d.intern()
	d.values = append(d.values, p)
	if d.seenUsed {
		d.seen[p.name] = len(d.values) - 1
	}
}

// find returns the index in d.values of the current row's value named
// d.name, or -1. The row's values start at start.
func (d *Decoder) find(start int) int {
	values := d.values[start:]
	if !d.seenUsed && len(values) >= wideRow {
		if d.seen == nil {
			d.seen = make(map[string]int, 2*wideRow)
		}
		for i, p := range values {
			d.seen[p.name] = start + i
		}
		d.seenUsed = true
	}
	if d.seenUsed {
		if at, ok := d.seen[string(d.name)]; ok {
			return at
		}
		return -1
	}
	for i, p := range values {
		if p.name == string(d.name) {
			return start + i
		}
	}
	return -1
}

// intern returns d.name as a string, the same string for the same name
// while it is in the decoder's cache: a steady stream allocates no names,
// and rows hold no part of their payload.
func (d *Decoder) intern() string {
	// A steady stream's payloads have the same names in the same order:
	// the name of the value before at this place is a quicker match than
	// the cache. (It is a name intern returned, valid UTF-8: a name that
	// is not goes to the cache.)
	if i := len(d.values); i < len(d.lastNames) && d.lastNames[i] == string(d.name) {
		return d.lastNames[i]
	}
	if s, ok := d.names[string(d.name)]; ok {
		return s
	}
	key := string(d.name)
	s := key
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(d.names) >= 2*d.opts.MaxFields+256 {
		clear(d.names)
	}
	d.names[key] = s
	return s
}

// appendValidUTF8 appends s with every run of bytes that is not UTF-8
// replaced by U+FFFD.
func appendValidUTF8(dst []byte, s string) []byte {
	if utf8.ValidString(s) {
		return append(dst, s...)
	}
	return append(dst, strings.ToValidUTF8(s, "\uFFFD")...)
}

// appendCompact appends the JSON text raw without the whitespace between
// its tokens, and with its bytes that are not UTF-8 replaced by U+FFFD.
func appendCompact(dst []byte, raw string) []byte {
	start := len(dst)
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			dst = append(dst, c)
			if c == '\\' && i+1 < len(raw) {
				i++
				dst = append(dst, raw[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			dst = append(dst, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			dst = append(dst, c)
		}
	}
	if !utf8.Valid(dst[start:]) {
		fixed := strings.ToValidUTF8(string(dst[start:]), "\uFFFD")
		dst = append(dst[:start], fixed...)
	}
	return dst
}
