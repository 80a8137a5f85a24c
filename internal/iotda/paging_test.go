package iotda

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/pagination"
)

// Count takes a count of zero or more, and refuses none or a negative one
// as a malformed answer naming the request.
func TestCount(t *testing.T) {
	n, zero, minus := 7, 0, -1
	got, err := Count(&n, "devices", "r1")
	require.NoError(t, err)
	assert.Equal(t, 7, got)
	got, err = Count(&zero, "devices", "r1")
	require.NoError(t, err)
	assert.Equal(t, 0, got)
	_, err = Count(nil, "devices", "r2")
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "no count (request ID r2)")
	_, err = Count(&minus, "commands", "r3")
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "counted -1 commands (request ID r3)")
}

// AfterMarker sends the query's offset with the first page only, however
// often the listing is walked.
func TestAfterMarkerOffsetsTheFirstPageOnly(t *testing.T) {
	type call struct {
		marker string
		offset int
	}
	var calls []call
	fetch := AfterMarker(30, func(_ context.Context, marker string, offset int) (pagination.Page[int], error) {
		calls = append(calls, call{marker, offset})
		return pagination.Page[int]{}, nil
	})
	for range 2 {
		for n, marker := range []string{"m0", "m1", "m2"} {
			_, err := fetch(context.Background(), marker, n)
			require.NoError(t, err)
		}
	}
	want := []call{{"m0", 30}, {"m1", 0}, {"m2", 0}}
	assert.Equal(t, append(want, want...), calls)
}
