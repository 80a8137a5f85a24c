package mockserver

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A generated history must answer exactly as the same commands stored with
// AddCommands do, for every kind of query.
func TestGeneratedHistoryAnswersAsStoredCommands(t *testing.T) {
	s := newServer(t)
	const n = 300
	s.GenerateCommands("gen-dev", n)
	stored := make([]Command, n)
	for i := range stored {
		stored[i] = generatedCommand("gen-dev", s.ref, n, i)
		stored[i].DeviceID = ""
	}
	s.AddCommands("gen-dev", stored...) // hidden by the generated history
	s.AddCommands("stored-dev", stored...)

	created := func(i int) string { return compact(generatedCommand("gen-dev", s.ref, n, i).Created) }
	for _, q := range []url.Values{
		nil,
		vals("limit", "50"),
		vals("limit", "50", "marker", GeneratedID(120)),
		vals("limit", "50", "marker", GeneratedID(120), "offset", "37"),
		vals("limit", "7", "offset", "500"),
		vals("limit", "50", "marker", GeneratedID(3)),
		vals("limit", "50", "marker", GeneratedID(0)),
		vals("limit", "50", "marker", "zzzz"),
		vals("limit", "50", "marker", "0"),
		vals("limit", "50", "status", StatusFailed),
		vals("limit", "50", "status", StatusPending, "offset", "3"),
		vals("limit", "50", "command_name", "REBOOT"),
		vals("limit", "50", "start_time", created(100), "end_time", created(140)),
		vals("limit", "50", "start_time", created(299)),
	} {
		gen := iotda(t, s, http.MethodGet, "gen-dev", "/async-commands-history", q, nil)
		want := iotda(t, s, http.MethodGet, "stored-dev", "/async-commands-history", q, nil)
		require.Equal(t, http.StatusOK, gen.status, "%v: %s", q, gen.body)
		assert.Equal(t, string(bytes.ReplaceAll(want.body, []byte("stored-dev"), []byte("gen-dev"))), string(gen.body), "query %v", q)
	}
	// Bad input is refused as for any device.
	requireIoTDAError(t, iotda(t, s, http.MethodGet, "gen-dev", "/async-commands-history", vals("limit", "51"), nil), 400, CodeLimitOutOfRange)
}

func TestGeneratedHistoryPagesAMillionWithoutStoringThem(t *testing.T) {
	s := newServer(t)
	s.GenerateCommands("big", 1_000_000)
	h := history(t, s, "big", vals("limit", "3"))
	require.Len(t, h.Commands, 3)
	assert.Equal(t, GeneratedID(999_999), h.Commands[0].CommandID)
	h = history(t, s, "big", vals("limit", "50", "marker", GeneratedID(10), "offset", "8"))
	require.Len(t, h.Commands, 2)
	assert.Equal(t, GeneratedID(1), h.Commands[0].CommandID)
	assert.Equal(t, GeneratedID(0), h.Page.Marker)
	assert.Empty(t, s.Commands("big"), "nothing is stored")

	s.GenerateCommands("big", 0)
	requireIoTDAError(t, iotda(t, s, http.MethodGet, "big", "/async-commands-history", nil, nil), 404, CodeDeviceNotFound)
}

func TestGeneratedIDsIncrease(t *testing.T) {
	prev := ""
	for _, i := range []int{0, 1, 9, 10, 15, 16, 255, 256, 1 << 20, 1<<40 + 3} {
		id := GeneratedID(i)
		require.Len(t, id, 24, strconv.Itoa(i))
		require.True(t, validCommandID(id))
		require.Greater(t, id, prev)
		prev = id
	}
	c := generatedCommand("d", newServer(t).ref, 10, 9)
	assert.Equal(t, defaultReferenceTime.Add(-time.Second), c.Created)
}
