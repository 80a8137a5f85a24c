package core

import "testing"

// Records hands out empty slices with room for a page, and Put clears what
// it keeps, so a recycled slice holds no record of an earlier page.
func TestRecords(t *testing.T) {
	var r Records[*string]
	s := r.Get(50)
	if len(*s) != 0 || cap(*s) < 50 {
		t.Fatalf("Get(50): len %d cap %d, want 0 and at least 50", len(*s), cap(*s))
	}
	text := "a secret of the last page"
	for range 60 { // more than asked for: the decoder grew it
		*s = append(*s, &text)
	}
	full := (*s)[:cap(*s)]
	r.Put(s)
	for i, p := range full[:60] {
		if p != nil {
			t.Fatalf("record %d still refers to the last page's data after Put", i)
		}
	}
	if s2 := r.Get(10); len(*s2) != 0 || cap(*s2) < 10 {
		t.Fatalf("Get(10): len %d cap %d", len(*s2), cap(*s2))
	}
}
