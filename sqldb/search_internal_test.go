package sqldb

import (
	"testing"

	"github.com/mozillazg/go-pinyin"
)

func TestPinyin(t *testing.T) {
	cases := []struct{ name, key, initials string }{
		{"华为技术", "hua wei ji shu ", "hwjs"},
		{"阿里巴巴", "a li ba ba ", "albb"},
		{"绿地集团", "lv di ji tuan ", "ldjt"},
		{"ABC科技", "abcke ji ", "kj"},
		{"恩施", "en shi ", "es"},
	}
	for _, tc := range cases {
		if got := nameKey(tc.name); got != tc.key {
			t.Errorf("nameKey(%q) = %q, want %q", tc.name, got, tc.key)
		}
		if got := pinyinInitials(tc.name); got != tc.initials {
			t.Errorf("pinyinInitials(%q) = %q, want %q", tc.name, got, tc.initials)
		}
	}
	// The dictionary reader agrees with the library's own toneless style for every character.
	args := pinyin.NewArgs()
	for r := range pinyin.PinyinDict {
		want := pinyin.SinglePinyin(rune(r), args)
		if len(want) == 0 {
			continue
		}
		if got := syllable(rune(r)); got != want[0] {
			t.Fatalf("%c: %q, library %q", rune(r), got, want[0])
		}
	}
}
