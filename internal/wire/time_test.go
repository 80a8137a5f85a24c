package wire

import (
	json "github.com/go-json-experiment/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompact(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	in := time.Date(2024, 1, 2, 11, 4, 5, 999, cst)
	assert.Equal(t, "20240102T030405Z", FormatCompact(in), "any zone is sent in UTC")
	got, err := ParseCompact("20240102T030405Z")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), got)
	z, err := ParseCompact("")
	require.NoError(t, err)
	assert.True(t, z.IsZero())
	for _, bad := range []string{"2024-01-02", "20240102T030405", "20241302T030405Z", "20240230T000000Z",
		"20240102X030405Z", "2024010aT030405Z", "20240102T250000Z"} {
		_, err := ParseCompact(bad)
		assert.Error(t, err, bad)
	}
}

// Issue 12, point 7: IoTDA may send a fractional second.
func TestCompactFraction(t *testing.T) {
	got, err := ParseCompact("20151212T121212.123Z")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 123e6, time.UTC), got)
	for _, bad := range []string{"20151212T121212.Z", "20151212T121212.123", "20151212T121212.12aZ"} {
		_, err := ParseCompact(bad)
		assert.Error(t, err, bad)
	}
}

func TestCompactTimeUnmarshalJSONFrom(t *testing.T) {
	var v struct {
		A, B, C CompactTime
	}
	require.NoError(t, json.Unmarshal([]byte(`{"A":"20240102T030405Z","B":null,"C":""}`), &v))
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), v.A.Time())
	assert.True(t, v.B.Time().IsZero())
	assert.True(t, v.C.Time().IsZero())
	for _, bad := range []string{`{"A":5}`, `{"A":"2024-01-02"}`, `{"A":{}}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &v), bad)
	}
}

func TestIBM(t *testing.T) {
	got, err := ParseIBM("2018-09-27T08:40:54.456Z")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2018, 9, 27, 8, 40, 54, 456e6, time.UTC), got)
	assert.Equal(t, "2018-09-27T08:40:54.456Z", FormatIBM(got.In(time.FixedZone("X", -5*3600))))
	_, err = ParseIBM("yesterday")
	assert.Error(t, err)
}

func TestEncoders(t *testing.T) {
	v := url.Values{}
	require.NoError(t, CompactTime(time.Time{}).EncodeValues("start_time", &v))
	assert.Empty(t, v, "zero times are left out")
	require.NoError(t, CompactTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)).EncodeValues("start_time", &v))
	assert.Equal(t, "20240101T000000Z", v.Get("start_time"))
}

// FuzzParseCompact checks ParseCompact against time.Parse: they agree on
// every input, and nothing panics.
func FuzzParseCompact(f *testing.F) {
	for _, s := range []string{"20240102T030405Z", "", "99991231T235959Z", "20240230T000000Z", "0000", "20240102T03040５Z", "20240102T030460Z",
		"20151212T121212.123Z", "20151212T121212,5Z", "20151212T121212.Z", "20151212T121212.1234567891Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseCompact(s)
		want, werr := time.Parse(CompactLayout, s)
		if s == "" {
			return
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: ParseCompact err=%v, time.Parse err=%v", s, err, werr)
		}
		if err == nil && !got.Equal(want) {
			t.Fatalf("%q: %v != %v", s, got, want)
		}
		if err == nil && len(s) == len(CompactLayout) && FormatCompact(got) != s {
			t.Fatalf("%q does not round-trip: %q", s, FormatCompact(got))
		}
	})
}

// FuzzParseIBM: no panic, and a parsed time formats back, with
// FormatIBMExact, to a time that parses to the same instant (with
// FormatIBM, to the millisecond).
func FuzzParseIBM(f *testing.F) {
	for _, s := range []string{"2018-09-27T08:40:54.456Z", "2018-09-27T08:40:54Z", "2018-09-27T08:40:54+02:00", "x",
		"0000-01-01T00:00:00,0001Z", "0000-01-01T00:00:00.0001Z", "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59.9999999999-00:01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseIBM(s)
		if err != nil {
			return
		}
		exact, err := FormatIBMExact(got)
		if err != nil {
			t.Fatalf("%q: %v cannot be written back: %v", s, got, err)
		}
		if back, err := ParseIBM(exact); err != nil || !back.Equal(got) {
			t.Fatalf("%q: %v does not round-trip through %q (%v, %v)", s, got, exact, back, err)
		}
		if back, err := ParseIBM(FormatIBM(got)); err != nil || !back.Equal(got.Truncate(time.Millisecond)) {
			t.Fatalf("%q: %v does not round-trip to the millisecond (%v, %v)", s, got, back, err)
		}
	})
}
