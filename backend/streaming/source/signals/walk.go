package signals

import "math"

// walkBlock is the number of steps between two anchors of the random walk.
const walkBlock = 256

// walkAnchorSpread is the anchors' standard deviation in steps:
// sqrt(walkBlock/2), so that neighbouring anchors differ like the ends of a
// walkBlock-step random walk while the walk stays near zero overall.
var walkAnchorSpread = math.Sqrt(walkBlock / 2)

// walk is a random walk with unit steps, sampled at index n, in O(log
// walkBlock) without remembering anything: anchors every walkBlock steps are
// independent normal values, and the points between two anchors follow a
// Brownian bridge built by midpoint refinement, each midpoint's noise drawn
// from a hash of (key, its index). Any n gives the same value every time.
func walk(key uint64, n int64) float64 {
	block := floorDiv(n, walkBlock)
	lo, hi := block*walkBlock, block*walkBlock+walkBlock
	vlo := walkAnchorSpread * normal(key, lo, 0)
	vhi := walkAnchorSpread * normal(key, hi, 0)
	for n != lo {
		mid := lo + (hi-lo)/2
		// A bridge over m unit steps has variance m/4 at its midpoint. The
		// explicit conversions stop fused multiply-adds, so every
		// architecture computes the same bits.
		spread := math.Sqrt(float64(hi-lo) / 4)
		vmid := float64((vlo+vhi)/2) + float64(spread*normal(key, mid, 1))
		if n < mid {
			hi, vhi = mid, vmid
		} else {
			lo, vlo = mid, vmid
		}
	}
	return vlo
}

// walkDense is where filling whole blocks starts to beat walking down to
// each point: a block costs walkBlock hashes, a point log2(walkBlock), so
// a fill pays off for this many points or more, at most this far apart.
const walkDense = walkBlock / 8

// walkBlockValues are the walk's values over one block, both anchors
// included.
type walkBlockValues [walkBlock + 1]float64

// fill computes the walk over block by the same midpoint refinement as
// walk, level by level, so each value has exactly walk's bits at a
// log2(walkBlock)-th of the cost per point.
func (v *walkBlockValues) fill(key uint64, block int64) {
	lo := block * walkBlock
	v[0] = walkAnchorSpread * normal(key, lo, 0)
	v[walkBlock] = walkAnchorSpread * normal(key, lo+walkBlock, 0)
	for size := walkBlock; size > 1; size /= 2 {
		spread := math.Sqrt(float64(size) / 4)
		for a := 0; a < walkBlock; a += size {
			mid := a + size/2
			v[mid] = float64((v[a]+v[a+size])/2) + float64(spread*normal(key, lo+int64(mid), 1))
		}
	}
}

// walkCache keeps the last block a dense fill computed, so that a stream's
// consecutive frames, which share blocks, compute each block once.
type walkCache struct {
	values walkBlockValues
	block  int64
	filled bool
}

// fillWalk writes walk(key, first+i*stride) into dst, through cache when
// the points are dense; a nil cache is a fresh one.
func fillWalk(key uint64, first, stride int64, dst []float64, value func(float64) float64, cache *walkCache) {
	if stride >= walkDense || len(dst) < walkDense {
		for i := range dst {
			dst[i] = value(walk(key, first+int64(i)*stride))
		}
		return
	}
	if cache == nil {
		cache = &walkCache{}
	}
	for i := range dst {
		n := first + int64(i)*stride
		block := floorDiv(n, walkBlock)
		if !cache.filled || block != cache.block {
			cache.values.fill(key, block)
			cache.block, cache.filled = block, true
		}
		dst[i] = value(cache.values[n-block*walkBlock])
	}
}

// floorDiv rounds towards minus infinity, so blocks tile negative indexes too.
func floorDiv(n, d int64) int64 {
	q := n / d
	if n%d != 0 && (n < 0) != (d < 0) {
		q--
	}
	return q
}

// normal is a standard normal variate drawn from a hash of its arguments:
// the sum of four uniforms, centred and scaled to unit variance. It uses
// only additions and one product, so it is the same on every platform.
func normal(key uint64, index int64, level uint64) float64 {
	h := mix(mix(key^level<<56) ^ uint64(index))
	var sum float64
	for range 4 {
		h = mix(h)
		sum += float64(h>>11) / (1 << 53)
	}
	return float64(sum-2) * math.Sqrt(3)
}

// mix is SplitMix64's finaliser: a cheap, well-spread 64-bit hash step.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
