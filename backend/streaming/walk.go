package streaming

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
