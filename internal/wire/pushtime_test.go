package wire

import (
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPushTimeTakesBothFormats(t *testing.T) {
	var v struct{ A, B, C, D, E PushTime }
	require.NoError(t, json.Unmarshal([]byte(`{"A":"20151212T121212Z","B":"2015-12-12T12:12:12.815Z","C":null,"D":"","E":"20151212T121212.5Z"}`), &v))
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC), v.A.Time())
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 815e6, time.UTC), v.B.Time())
	assert.True(t, v.C.Time().IsZero())
	assert.True(t, v.D.Time().IsZero())
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 5e8, time.UTC), v.E.Time())
	got, err := ParsePush("2015-12-12T20:12:12.815+08:00")
	require.NoError(t, err)
	assert.Equal(t, time.UTC, got.Location(), "an offset is turned into UTC")
}

func TestPushTimeRefuses(t *testing.T) {
	var v struct{ A PushTime }
	for _, bad := range []string{`{"A":5}`, `{"A":{}}`, `{"A":"2015-12-12"}`, `{"A":"20151212"}`, `{"A":"yesterday"}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &v), bad)
	}
	_, err := ParsePush(strings.Repeat("9", 1<<16))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200, "a long bad time is not repeated whole")
}
