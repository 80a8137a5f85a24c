package clientstate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
)

func TestLookupCloseCode(t *testing.T) {
	c, ok := clientstate.LookupCloseCode(160)
	require.True(t, ok)
	require.Equal(t, clientstate.CloseCode{Code: 160, Text: "timed out (keepalive)", Cause: clientstate.CauseKeepAliveTimeout, Offline: true}, c)

	c, ok = clientstate.LookupCloseCode(288)
	require.True(t, ok)
	require.Equal(t, clientstate.CloseCode{Code: 288, Text: "client ID reused", Cause: clientstate.CauseDuplicateClientID, Offline: false}, c)

	for _, code := range []int{-1 << 62, -1, 1, 95, 161, 289, 1 << 62} {
		c, ok := clientstate.LookupCloseCode(code)
		assert.False(t, ok, "code %d", code)
		assert.Equal(t, clientstate.CauseUnknown, c.Cause, "code %d", code)
		assert.True(t, c.Offline, "code %d: an unexplained disconnect is taken as offline", code)
		assert.Equal(t, code, c.Code)
	}
	c, _ = clientstate.LookupCloseCode(95)
	require.Empty(t, c.Text)
}

// CloseCodes is the table every lookup reads: ascending, one row per code,
// every row found by LookupCloseCode and agreeing with CauseOfCloseCode,
// and only a client-ID reuse leaves the client online.
func TestCloseCodes(t *testing.T) {
	codes := clientstate.CloseCodes()
	require.Len(t, codes, len(closeCodeCauses)-6) // the test table ends with six undocumented codes
	for i, c := range codes {
		if i > 0 {
			require.Less(t, codes[i-1].Code, c.Code, "ascending, no repeats")
		}
		got, ok := clientstate.LookupCloseCode(c.Code)
		require.True(t, ok)
		require.Equal(t, c, got)
		require.Equal(t, c.Cause, clientstate.CauseOfCloseCode(c.Code))
		require.NotEmpty(t, c.Text)
		require.Equal(t, c.Cause != clientstate.CauseDuplicateClientID, c.Offline, "code %d", c.Code)
	}
	codes[0].Text = "changed"
	c, _ := clientstate.LookupCloseCode(codes[0].Code)
	require.NotEqual(t, "changed", c.Text, "CloseCodes returns a copy")
}
