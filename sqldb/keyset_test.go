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
