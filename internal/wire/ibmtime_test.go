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
	assert.Equal(t, `"2018-09-27T08:40:54.456789Z"`, string(b), "JSON keeps every digit")
	v := url.Values{}
	require.NoError(t, IBMTime(at).EncodeValues("connectedAfter", &v))
	require.NoError(t, IBMTime{}.EncodeValues("other", &v))
	assert.Equal(t, url.Values{"connectedAfter": {"2018-09-27T08:40:54.456Z"}}, v)
}

// IBM writes milliseconds; a time with a finer fraction gets the digits
// it needs, so that the JSON decodes back to the same instant.
func TestIBMTimeMarshalIsExact(t *testing.T) {
	day := time.Date(2018, 9, 27, 8, 40, 54, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{day, `"2018-09-27T08:40:54.000Z"`},
		{day.Add(456 * time.Millisecond), `"2018-09-27T08:40:54.456Z"`},
		{day.Add(100 * time.Microsecond), `"2018-09-27T08:40:54.0001Z"`},
		{day.Add(1), `"2018-09-27T08:40:54.000000001Z"`},
		{time.Date(0, 1, 1, 0, 0, 0, 1e5, time.UTC), `"0000-01-01T00:00:00.0001Z"`},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), `"9999-12-31T23:59:59.999999999Z"`},
	} {
		b, err := json.Marshal(IBMTime(tc.at))
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))
		var back IBMTime
		require.NoError(t, json.Unmarshal(b, &back))
		assert.True(t, tc.at.Equal(back.Time()), "%s reads back as %v", b, back.Time())
	}
	for _, at := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC)} {
		_, err := json.Marshal(IBMTime(at))
		assert.ErrorContains(t, err, "0000-9999", "%v has no RFC 3339 form", at)
	}
}

// What time.Parse takes beyond RFC 3339 is refused, and so is a time an
// offset moves out of the years RFC 3339 can write in UTC.
func TestIBMTimeTakesRFC3339Only(t *testing.T) {
	for _, in := range []string{
		"2018-09-27T08:40:54,456Z",  // ISO 8601's comma
		"0000-01-01T00:00:00,0001Z", // found by FuzzStateUnmarshal
		"2018-09-27T8:40:54Z",       // one-digit hour
		"2018-09-27T08:40:54+24:00", // offset of a day
		"2018-09-27T08:40:54+02:60",
		"2018-09-27T08:40:54.Z",
		"2018-09-27T08:40:54z",
		"2018-09-27t08:40:54Z",
		"2018-09-27T08:40:54+0200",
		"2018-09-27T08:40:54",
		"+2018-09-27T08:40:54Z",
	} {
		_, err := ParseIBM(in)
		assert.ErrorContains(t, err, "is not RFC 3339", in)
		var got IBMTime
		assert.ErrorContains(t, json.Unmarshal([]byte(strconv.Quote(in)), &got), "not an RFC 3339 time", in)
	}
	for _, in := range []string{"0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"} {
		_, err := ParseIBM(in)
		assert.ErrorContains(t, err, "0000-9999", in)
		var got IBMTime
		assert.ErrorContains(t, json.Unmarshal([]byte(strconv.Quote(in)), &got), "0000-9999", in)
	}
	for in, want := range map[string]time.Time{
		"0000-01-01T00:00:00-00:01": time.Date(0, 1, 1, 0, 1, 0, 0, time.UTC),
		"2018-09-27T08:40:54.1Z":    time.Date(2018, 9, 27, 8, 40, 54, 1e8, time.UTC),
		"2018-09-27T23:40:54-23:59": time.Date(2018, 9, 28, 23, 39, 54, 0, time.UTC),
	} {
		got, err := ParseIBM(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
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
	f.Add("0000-01-01T00:00:00,0001Z")
	f.Add("0000-01-01T00:00:00+00:01")
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
