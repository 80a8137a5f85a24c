package core

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// Page refuses more records than asked for and a record that does not
// convert, as malformed responses naming the request; else it converts
// each record in order.
func TestPageChecksAndConverts(t *testing.T) {
	double := func(i int) (int, error) { return 2 * i, nil }
	p, err := Page(3, 3, "things", "req-1", double)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 4}, p.Items)
	assert.Equal(t, "req-1", p.RequestID)

	_, err = Page(4, 3, "things", "req-2", double)
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "returned 4 things for a page of 3 (request ID req-2)")

	p, err = Page(2, 3, "things", "req-3", func(i int) (int, error) { return 0, errors.New("things[1] has no ID") })
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "things[1] has no ID (request ID req-3)")
	assert.Empty(t, p.Items)
}
