package commands

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/core"
)

// An expire_time whose duration would overflow is refused rather than
// wrapped into a negative Expire; the largest one that fits is kept.
func TestExpireTimeOutOfRange(t *testing.T) {
	var w wireList
	require.NoError(t, core.DecodeObject([]byte(`{"commands":[{"command_id":"c","expire_time":9223372037}]}`), &w))
	_, err := w.Commands[0].command(0)
	if assert.Error(t, err) {
		assert.Equal(t, `commands[0].expire_time: expire_time 9223372037 out of range (command "c")`, err.Error())
	}
	w = wireList{}
	require.NoError(t, core.DecodeObject([]byte(`{"commands":[{"command_id":"c","expire_time":9223372036}]}`), &w))
	c, err := w.Commands[0].command(0)
	require.NoError(t, err)
	assert.Positive(t, c.Expire)
}
