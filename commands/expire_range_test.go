package commands

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An expire_time whose duration would overflow is refused rather than
// wrapped into a negative Expire.
func TestExpireTimeOutOfRange(t *testing.T) {
	var w wireList
	require.NoError(t, w.DecodeJSON([]byte(`{"commands":[{"command_id":"c","expire_time":9223372037}]}`)))
	if assert.Error(t, w.convErr) {
		assert.Equal(t, `command "c": expire_time 9223372037 out of range`, w.convErr.Error())
	}
}
