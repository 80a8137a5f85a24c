package commands

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawQuery, the hot path's encoder, must send what values would.
func TestRawQueryMatchesValues(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, q := range []HistoryQuery{
		{},
		{PageSize: 7},
		{Status: StatusFailed, CommandName: "SET temp&x=1/ü", Since: time.Date(2024, 1, 1, 8, 0, 0, 0, cst), Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)},
		{Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)},
	} {
		for _, p := range []struct {
			marker string
			offset int
		}{{"", 0}, {"5c8f3d2d3df1f10d803adbda", 0}, {"", 50}, {"a-b_c", 500}} {
			v, err := q.values(p.marker, p.offset)
			require.NoError(t, err)
			assert.Equal(t, v.Encode(), q.rawQuery(p.marker, p.offset), "%+v %+v", q, p)
		}
	}
}
