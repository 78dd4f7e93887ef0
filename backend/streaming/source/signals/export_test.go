package signals

// DataPacket exposes the pump's data-only encoding to the specs: the rows
// at grid indexes first … last of q, and whether they could be encoded.
func DataPacket(q Query, first, last int64) ([]byte, bool) {
	var b rowBuffer
	q.fillRows(first, last, &b)
	return appendDataPacket(nil, &b)
}

// DataPacketOf encodes hand-made rows.
func DataPacketOf(times []int64, values ...[]float64) ([]byte, bool) {
	return appendDataPacket(nil, &rowBuffer{times: times, values: values})
}
