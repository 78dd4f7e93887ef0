package signals

import (
	"math"
	"slices"
	"strconv"
)

// rowBuffer holds consecutive rows of a query column by column. A pump
// reuses one from flush to flush, so a running stream computes its values
// without allocating columns for every frame.
type rowBuffer struct {
	times  []int64     // milliseconds since the epoch
	values [][]float64 // one column per series
	// walks cache a random walk's blocks per series, made on the first
	// dense fill: a slow stream never needs them.
	walks []walkCache
}

// fillRows puts the rows at grid indexes first … last into b.
func (q Query) fillRows(first, last int64, b *rowBuffer) {
	rows := int(last - first + 1)
	b.times = slices.Grow(b.times[:0], rows)[:rows]
	for r := range b.times {
		b.times[r] = (first + int64(r)) * q.StepMs
	}
	if len(b.values) != q.SeriesCount {
		b.values = make([][]float64, q.SeriesCount)
	}
	if q.Kind == KindRandomWalk && rows >= walkDense && len(b.walks) != q.SeriesCount {
		b.walks = make([]walkCache, q.SeriesCount)
	}
	for s := range b.values {
		b.values[s] = slices.Grow(b.values[s][:0], rows)[:rows]
		var cache *walkCache
		if b.walks != nil {
			cache = &b.walks[s]
		}
		q.fillValues(s, first, 1, b.values[s], cache)
	}
}

// appendDataPacket appends the data-only packet of b's rows, byte for byte
// what data.FrameToJSON(frame, data.IncludeDataOnly) writes for the same
// frame, without boxing every value as the SDK's general encoder must. It
// appends nothing and reports false when a value is not finite: JSON has
// no NaN or infinity, and the SDK's entity encoding handles those.
func appendDataPacket(dst []byte, b *rowBuffer) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, `{"data":{"values":[[`...)
	for i, t := range b.times {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, t, 10)
	}
	dst = append(dst, ']')
	for _, column := range b.values {
		dst = append(dst, ",["...)
		for i, v := range column {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return dst[:start], false
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONFloat(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, "]}}"...), true
}

// appendJSONFloat writes a finite float as the SDK's JSON encoder does:
// the shortest exact decimal, in exponent form below 1e-6 and from 1e21.
func appendJSONFloat(dst []byte, v float64) []byte {
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(dst, v, format, -1, 64)
}

// packetSize estimates a data-only packet's length, so that it is
// allocated once.
func (b *rowBuffer) packetSize() int {
	return 32 + len(b.times)*maxRowBytes(len(b.values))
}

// maxRowBytes is the most one row of a data-only packet takes: a time of up
// to 13 digits and a comma, and per series a value of up to 21 characters
// (the shortest exact decimal of a float64 is at most 17 digits, with sign,
// point and exponent) and a comma.
func maxRowBytes(series int) int { return 14 + 22*series }
