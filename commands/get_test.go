package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

func TestGetDecodesParamsAndResult(t *testing.T) {
	c, mt := lcUnit(t)
	rec := lcRecord(lcCmdID, "SUCCESSFUL")
	rec["result"] = map[string]any{"result_code": 0, "paras": map[string]any{"result": "ok"}}
	rec["response_time"] = "20240601T120005Z"
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+lcCmdID, lcJSON(200, rec))
	cmd, err := c.Get(lcCtx, lcDevice, lcCmdID)
	require.NoError(t, err)
	assert.Equal(t, lcCmdID, cmd.ID)
	assert.Equal(t, commands.StatusSuccessful, cmd.Status)
	assert.JSONEq(t, `{"value":"1"}`, string(cmd.Params))
	assert.JSONEq(t, `{"result_code":0,"paras":{"result":"ok"}}`, string(cmd.Result))
	assert.Equal(t, time.Date(2024, 6, 1, 12, 0, 5, 0, time.UTC), cmd.RespondedAt)
}

func TestGetRefusesAnotherCommand(t *testing.T) {
	c, mt := lcUnit(t)
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+lcCmdID, lcJSON(200, lcRecord("someone-else", "SENT")))
	_, err := c.Get(lcCtx, lcDevice, lcCmdID)
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "someone-else")
}

func TestGetValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	for _, tc := range []struct{ device, id, field string }{
		{"dev/1", lcCmdID, "deviceID"},
		{lcDevice, "", "commandID"},
		{lcDevice, strings.Repeat("a", 101), "commandID"},
		{lcDevice, "a/../b", "commandID"},
		{lcDevice, "a b", "commandID"},
	} {
		_, err := c.Get(lcCtx, tc.device, tc.id)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, tc.id)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
	long := strings.Repeat("a", 100)
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+long, lcJSON(200, lcRecord(long, "SENT")))
	_, err := c.Get(lcCtx, lcDevice, long)
	require.NoError(t, err, "100 characters are allowed")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestE2EGet(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.AddDevice(lcDevice)
	created, err := c.Create(lcCtx, lcDevice, commands.NewCommand{ServiceID: "Light", Name: "SET_BRIGHTNESS", Params: map[string]int{"brightness": 40}})
	require.NoError(t, err)
	require.NoError(t, s.SetStatus(lcDevice, created.ID, commands.StatusSuccessful, []byte(`{"result_code":0}`)))

	got, err := c.Get(lcCtx, lcDevice, created.ID)
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)
	assert.Equal(t, commands.StatusSuccessful, got.Status)
	assert.JSONEq(t, `{"brightness":40}`, string(got.Params))
	assert.JSONEq(t, `{"result_code":0}`, string(got.Result))
	assert.False(t, got.RespondedAt.IsZero())

	_, err = c.Get(lcCtx, lcDevice, "000000000000000000000000")
	require.ErrorIs(t, err, iotclient.ErrNotFound)
	_, err = c.Get(lcCtx, "ghost", created.ID)
	require.ErrorIs(t, err, iotclient.ErrNotFound)
}
