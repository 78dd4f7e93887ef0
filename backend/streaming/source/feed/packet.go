package feed

import (
	"math"
	"sync"
	"time"

	jsoniter "github.com/json-iterator/go"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// packetJSON is the configuration data.FrameToJSON encodes with; packets
// written here use it too, so that each value is written by the same code.
var packetJSON = jsoniter.ConfigCompatibleWithStandardLibrary

// maxPacketCells bounds the frames dataPacket writes, rows times columns,
// and so the scratch space it keeps; larger ones are left to the SDK.
const maxPacketCells = 1 << 16

// maxPacketBuffer is the largest encoder buffer kept for the next packet.
const maxPacketBuffer = 256 << 10

// packetScratch is dataPacket's scratch space. Streams encode
// concurrently under the tap's read lock, and a data source may run many
// thousands of streams: it is shared among them in a pool rather than
// kept by each.
type packetScratch struct {
	stream *jsoniter.Stream
	// cells holds, row by row, each column's field index in its row's
	// fields plus one; 0 is null.
	cells []int32
	// cols is the column of each field of the last row looked up, for the
	// next row of the same series and field names.
	cols []int32
	// nanos are the rows' times past their millisecond.
	nanos []int64
}

var packetScratches = sync.Pool{New: func() any {
	return &packetScratch{stream: jsoniter.NewStream(packetJSON, nil, 4096)}
}}

// dataPacket writes the data-only packet of entries as
// data.FrameToJSON(l.wideFrame(entries, 0), data.IncludeDataOnly) does,
// byte for byte, without building the frame: every column's values, then
// the times' nanoseconds past their millisecond when any has some. ok is
// false, with no packet, when a number column holds NaN or ±Inf, which
// the SDK writes as null and lists apart ("entities"): the caller then
// encodes the frame with the SDK. It reads the layout: the tap's lock
// must be held, for reading at least.
func (l *layout) dataPacket(entries []history.Entry) (packet []byte, ok bool) {
	n, ncols := len(entries), len(l.columns)
	if n == 0 || n*ncols > maxPacketCells {
		return nil, false
	}
	s := packetScratches.Get().(*packetScratch)
	defer func() {
		if cap(s.stream.Buffer()) <= maxPacketBuffer {
			packetScratches.Put(s)
		}
	}()
	s.cells = resize(s.cells, n*ncols)
	clear(s.cells)
	s.nanos = resize(s.nanos, n)
	hasNanos := false
	prevSeries := ""
	var prevFields []jsonframe.Field
	for r, e := range entries {
		ns := nanosPastMilli(e.Row.Time)
		s.nanos[r] = ns
		hasNanos = hasNanos || ns != 0
		fields := e.Row.Fields
		// A steady feed's rows repeat their series and field names (the
		// decoder's interned strings): look the columns up once.
		same := r > 0 && e.Series == prevSeries && len(fields) == len(prevFields)
		if same {
			for j := range fields {
				if fields[j].Name != prevFields[j].Name {
					same = false
					break
				}
			}
		}
		if !same {
			s.cols = resize(s.cols, len(fields))
			for j, v := range fields {
				s.cols[j] = -1
				if i, found := l.index[columnKey{e.Series, v.Name}]; found {
					s.cols[j] = int32(i)
				}
			}
			prevSeries, prevFields = e.Series, fields
		}
		row := s.cells[r*ncols : (r+1)*ncols]
		for j := range fields {
			if i := s.cols[j]; i >= 0 {
				row[i] = int32(j) + 1
			}
		}
	}
	stream := s.stream
	stream.SetBuffer(stream.Buffer()[:0])
	stream.Error = nil
	stream.WriteRaw(`{"data":{"values":[[`)
	for r, e := range entries {
		if r > 0 {
			stream.WriteRaw(",")
		}
		stream.WriteInt64(e.Row.Time.UnixMilli())
	}
	stream.WriteRaw("]")
	for c, col := range l.columns {
		stream.WriteRaw(",[")
		for r, e := range entries {
			if r > 0 {
				stream.WriteRaw(",")
			}
			k := s.cells[r*ncols+c]
			if k == 0 {
				stream.WriteNil()
				continue
			}
			v := e.Row.Fields[k-1].Value
			switch col.typ {
			case jsonframe.TypeNumber:
				if v.Type != jsonframe.TypeNumber {
					stream.WriteNil()
					continue
				}
				if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
					return nil, false
				}
				writeNumber(stream, v.Num)
			case jsonframe.TypeBool:
				if v.Type != jsonframe.TypeBool {
					stream.WriteNil()
					continue
				}
				stream.WriteBool(v.Bool)
			default:
				if v.Type == jsonframe.TypeNull {
					stream.WriteNil()
					continue
				}
				stream.WriteStringWithHTMLEscaped(v.Text())
			}
		}
		stream.WriteRaw("]")
	}
	stream.WriteRaw("]")
	if hasNanos {
		stream.WriteRaw(`,"nanos":[[`)
		for r, ns := range s.nanos[:n] {
			if r > 0 {
				stream.WriteRaw(",")
			}
			stream.WriteInt64(ns)
		}
		stream.WriteRaw("]")
		for range ncols {
			stream.WriteRaw(",null")
		}
		stream.WriteRaw("]")
	}
	stream.WriteRaw("}}")
	if stream.Error != nil {
		return nil, false
	}
	// The sender may keep the packet: it gets a copy, and the buffer
	// serves the next frame.
	return append([]byte(nil), stream.Buffer()...), true
}

// maxExactInt is 2^53: every integer of smaller magnitude is a float64.
const maxExactInt = 1 << 53

// writeNumber writes a finite v as stream.WriteFloat64 does, the shortest
// decimal that reads back as v: for an integer of magnitude below 2^53 that
// is its digits (a shorter one would be another integer, at least one
// away), which are quicker to write as an integer (but -0 is written "-0").
func writeNumber(stream *jsoniter.Stream, v float64) {
	if v == math.Trunc(v) && v > -maxExactInt && v < maxExactInt && (v != 0 || !math.Signbit(v)) {
		stream.WriteInt64(int64(v))
		return
	}
	stream.WriteFloat64(v)
}

// zeroUnix is the zero time (January 1, year 1, UTC) in Unix seconds.
const zeroUnix = -62135596800

// nanosPastMilli is t's nanoseconds past its millisecond, as the SDK
// takes them: t.Sub(t.Truncate(time.Millisecond)). From year 1 on, a
// millisecond starts where its second's nanoseconds are a multiple of a
// million, which is cheaper to tell.
func nanosPastMilli(t time.Time) int64 {
	if t.Unix() >= zeroUnix {
		return int64(t.Nanosecond() % int(time.Millisecond))
	}
	return t.Sub(t.Truncate(time.Millisecond)).Nanoseconds()
}

// resize returns s with length n, reusing its array when it is large
// enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
