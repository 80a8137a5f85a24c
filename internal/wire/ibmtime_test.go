package wire

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIBMTimeUnmarshal(t *testing.T) {
	want := time.Date(2018, 9, 27, 8, 40, 54, 456e6, time.UTC)
	for in, exp := range map[string]time.Time{
		`"2018-09-27T08:40:54.456Z"`:      want,
		`"2018-09-27T10:40:54.456+02:00"`: want, // an offset
		`"2018-09-27T08:40:54.4560Z"`:     want,
		`"2018-09-27T08:40:54Z"`:          want.Truncate(time.Second),
		`"2018-09-27T08:40:54\u002e456Z"`: want, // escaped
		`""`:                              {},
		`null`:                            {},
	} {
		var got IBMTime
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.True(t, exp.Equal(got.Time()), "%s: %v", in, got.Time())
		assert.Equal(t, time.UTC, got.Time().Location(), in)
	}
	for _, in := range []string{`"yesterday"`, `"2018-02-31T00:00:00Z"`, `"2018-09-27T08:40:60Z"`, `"2018-09-27 08:40:54Z"`, `12`, `true`, `{"a":1}`, `["x"]`} {
		var got IBMTime
		assert.Error(t, json.Unmarshal([]byte(in), &got), in)
	}
}

func TestIBMTimeRefusalNamesTheMember(t *testing.T) {
	var v struct {
		A IBMTime `json:"a"`
		B string  `json:"b"`
	}
	err := json.Unmarshal([]byte(`{"a":{"x":[1]},"b":"y"}`), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"/a": not an RFC 3339 time string`)
}

func TestIBMTimeMarshalAndQuery(t *testing.T) {
	at := time.Date(2018, 9, 27, 10, 40, 54, 456789e3, time.FixedZone("X", 2*3600))
	b, err := json.Marshal(IBMTime(at))
	require.NoError(t, err)
	assert.Equal(t, `"2018-09-27T08:40:54.456Z"`, string(b))
	v := url.Values{}
	require.NoError(t, IBMTime(at).EncodeValues("connectedAfter", &v))
	require.NoError(t, IBMTime{}.EncodeValues("other", &v))
	assert.Equal(t, url.Values{"connectedAfter": {"2018-09-27T08:40:54.456Z"}}, v)
}

// FuzzIBMTime checks the decoder against ParseIBM: for any string, it
// accepts exactly what ParseIBM accepts and yields the same instant.
func FuzzIBMTime(f *testing.F) {
	f.Add("2018-09-27T08:40:54.456Z")
	f.Add("2018-09-27T08:40:54Z")
	f.Add("2018-09-27T08:40:54.123456789Z")
	f.Add("2018-09-27T08:40:54.1234567891Z")
	f.Add("0000-01-01T00:00:00Z")
	f.Add("2018-09-27T10:40:54+02:00")
	f.Fuzz(func(t *testing.T, s string) {
		var got IBMTime
		err := json.Unmarshal([]byte(strconv.Quote(s)), &got)
		want, werr := ParseIBM(s)
		if werr != nil {
			if err == nil && s != "" {
				// strconv.Quote may escape what is not valid UTF-8; only a
				// string that round-trips is a fair comparison.
				t.Fatalf("%q: accepted (%v), ParseIBM refuses: %v", s, got.Time(), werr)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: refused (%v), ParseIBM accepts %v", s, err, want)
		}
		if !want.Equal(got.Time()) {
			t.Fatalf("%q: %v, ParseIBM %v", s, got.Time(), want)
		}
	})
}
