package commands_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

func TestQueuePageUnit(t *testing.T) {
	c, mt := lcUnit(t)
	mt.RegisterResponder("GET", lcBase+"/async-commands", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "2", r.URL.Query().Get("limit"))
		assert.Equal(t, "PENDING", r.URL.Query().Get("status"))
		return lcJSON(200, map[string]any{
			"commands": []any{lcRecord("b", "PENDING"), lcRecord("a", "PENDING")},
			"page":     map[string]any{"count": 7, "marker": "a"},
		})(r)
	})
	p, err := c.QueuePage(lcCtx, lcDevice, commands.QueueQuery{PageSize: 2, Status: commands.StatusPending})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "a"}, []string{p.Items[0].ID, p.Items[1].ID})
	assert.Equal(t, "a", p.Next)
	assert.Equal(t, 7, p.Total)
	assert.True(t, p.HasTotal)
	assert.Equal(t, "rid-unit", p.RequestID)
}

func TestQueueValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	_, err := c.QueuePage(lcCtx, "", commands.QueueQuery{})
	require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	n := 0
	for _, err := range c.Queue(lcCtx, lcDevice, commands.QueueQuery{Offset: 501}) {
		n++
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "QueueQuery.Offset", ve.Field)
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestE2EQueueHoldsTheCachedCommands(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.Seed(lcDevice, 300, 9)
	for range 5 {
		_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "SLEEPY", Strategy: commands.SendDelay})
		require.NoError(t, err)
	}
	var want []string
	for _, cmd := range s.Commands(lcDevice) {
		if !inHistory(cmd) || cmd.Status == commands.StatusDelivered {
			want = append(want, cmd.ID)
		}
	}
	require.Greater(t, len(want), 5)

	var got []string
	for cmd, err := range c.Queue(lcCtx, lcDevice, commands.QueueQuery{PageSize: 4}) {
		require.NoError(t, err)
		require.Contains(t, []commands.Status{commands.StatusPending, commands.StatusSent, commands.StatusDelivered}, cmd.Status)
		got = append(got, cmd.ID)
	}
	assert.Equal(t, want, got, "every cached command once, newest first, across pages")
	assert.Equal(t, (len(want)+4)/4, s.requests(queueRoute))

	p, err := c.QueuePage(lcCtx, lcDevice, commands.QueueQuery{PageSize: 3, Status: commands.StatusPending})
	require.NoError(t, err)
	assert.Len(t, p.Items, 3)
	assert.NotEmpty(t, p.Next)
	pending := 0
	for _, cmd := range s.Commands(lcDevice) {
		if cmd.Status == commands.StatusPending {
			pending++
		}
	}
	assert.Equal(t, pending, p.Total)

	var none int
	for _, err := range c.Queue(lcCtx, "ghost", commands.QueueQuery{}) {
		require.ErrorIs(t, err, iotclient.ErrNotFound)
		none++
	}
	assert.Equal(t, 1, none)
}
