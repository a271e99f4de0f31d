package sqldb

import (
	"fmt"
	"testing"
)

func TestKeySet(t *testing.T) {
	for _, n := range []int{0, 1, 1000, keySetFirst, 5*keySetFirst + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := newKeySet()
			for i := 0; i < n; i++ {
				s.Add(fmt.Sprintf("SO%010d", i))
			}
			for i := 0; i < n; i++ {
				if k := fmt.Sprintf("SO%010d", i); !s.MayHold(k) {
					t.Fatalf("%s was added but MayHold says no", k)
				}
			}
			// Strings never added: a few false "maybe"s are allowed, about 1% per filter.
			const probes = 100000
			wrong := 0
			for i := 0; i < probes; i++ {
				if s.MayHold(fmt.Sprintf("PO%010d", i)) {
					wrong++
				}
			}
			limit := probes * len(s.filters) * 2 / 100
			if wrong > limit {
				t.Errorf("%d of %d never-added keys answered maybe with %d filters (limit %d)", wrong, probes, len(s.filters), limit)
			}
			if n > 0 && s.Bytes() > 3*n+keySetFirst*bloomPerKey/8 {
				t.Errorf("%d keys take %d bytes", n, s.Bytes())
			}
		})
	}
}

// Keys of any comparable type, such as the rollups' keys, go into a set by their hash.
func TestKeySetComparableKeys(t *testing.T) {
	s := newKeySet()
	const n = 3 * keySetFirst
	for i := range n {
		k := categoryKey{customer: int64(i / 24), category: int64(i % 5), month: int32(202401 + i%24)}
		s.addHash(keySetHash(s, k))
	}
	for i := range n {
		if k := (categoryKey{customer: int64(i / 24), category: int64(i % 5), month: int32(202401 + i%24)}); !s.mayHoldHash(keySetHash(s, k)) {
			t.Fatalf("%+v was added but the set says no", k)
		}
	}
	wrong := 0
	for i := range 100000 {
		// customer ids beyond those added
		if s.mayHoldHash(keySetHash(s, categoryKey{customer: int64(n + i), category: 1, month: 202401})) {
			wrong++
		}
	}
	if limit := 100000 * len(s.filters) * 2 / 100; wrong > limit {
		t.Errorf("%d of 100000 keys never added answered maybe (limit %d)", wrong, limit)
	}
	if a, b := keySetHash(s, costKey{1, 202401, "visits"}), keySetHash(s, costKey{1, 202401, string([]byte("visits"))}); a != b {
		t.Errorf("equal keys hash apart: %x, %x", a, b)
	}
}
