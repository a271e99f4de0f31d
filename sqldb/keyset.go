package sqldb

import "hash/maphash"

// keySet remembers strings in about 1.25 to 2.5 bytes each, however long they are: a chain of
// Bloom filters, each twice the size of the one before, so that it grows with what it holds and
// needs no size in advance. It can answer "maybe" for a string it never held (each filter about
// 1% of the time), never "no" for one it did: what the import needs to skip looking up orders
// that cannot be stored, where a wrong "maybe" only costs a lookup that finds nothing.
type keySet struct {
	seed    maphash.Seed
	filters []bloom
}

// bloom is one filter: bits for cap strings at 10 bits each, probed 7 times (about 0.8%
// false positives when full).
type bloom struct {
	bits []uint64
	n    int
	cap  int
}

const (
	keySetFirst  = 1 << 16
	bloomPerKey  = 10
	bloomProbes  = 7
	bloomWordLen = 64
)

func newKeySet() *keySet { return &keySet{seed: maphash.MakeSeed()} }

// Add remembers key.
func (s *keySet) Add(key string) { s.addHash(maphash.String(s.seed, key)) }

// MayHold is false only for a key never added.
func (s *keySet) MayHold(key string) bool { return s.mayHoldHash(maphash.String(s.seed, key)) }

// keySetHash is the hash under which a set remembers a key of any comparable type (with
// addHash and mayHoldHash).
func keySetHash[K comparable](s *keySet, key K) uint64 { return maphash.Comparable(s.seed, key) }

// hashes are the two halves of a key's 64-bit hash; probe i is h1 + i·h2 (double hashing).
func hashes(h uint64) (uint64, uint64) { return h & 0xffffffff, h>>32 | 1 }

func (s *keySet) addHash(h uint64) {
	if len(s.filters) == 0 || s.filters[len(s.filters)-1].n >= s.filters[len(s.filters)-1].cap {
		c := keySetFirst
		if len(s.filters) > 0 {
			c = 2 * s.filters[len(s.filters)-1].cap
		}
		s.filters = append(s.filters, bloom{bits: make([]uint64, (c*bloomPerKey+bloomWordLen-1)/bloomWordLen), cap: c})
	}
	f := &s.filters[len(s.filters)-1]
	h1, h2 := hashes(h)
	m := uint64(len(f.bits) * bloomWordLen)
	for i := uint64(0); i < bloomProbes; i++ {
		b := (h1 + i*h2) % m
		f.bits[b/bloomWordLen] |= 1 << (b % bloomWordLen)
	}
	f.n++
}

func (s *keySet) mayHoldHash(h uint64) bool {
	h1, h2 := hashes(h)
	for fi := range s.filters {
		f := &s.filters[fi]
		m := uint64(len(f.bits) * bloomWordLen)
		all := true
		for i := uint64(0); i < bloomProbes && all; i++ {
			b := (h1 + i*h2) % m
			all = f.bits[b/bloomWordLen]&(1<<(b%bloomWordLen)) != 0
		}
		if all {
			return true
		}
	}
	return false
}

// Bytes is the memory the filters hold.
func (s *keySet) Bytes() int {
	n := 0
	for _, f := range s.filters {
		n += 8 * len(f.bits)
	}
	return n
}
