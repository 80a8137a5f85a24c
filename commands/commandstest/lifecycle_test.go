package commandstest_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Commands the fake creates move on by themselves; created an hour ago,
// they have reached their outcome by the next request.
func TestLifecycleAndIAMLogin(t *testing.T) {
	srv := commandstest.NewServer(commandstest.WithLifecycle(commandstest.Lifecycle{
		Outcomes: map[string]commands.Status{"REBOOT": commands.StatusFailed},
	}))
	defer srv.Close()
	hourAgo := time.Now().Add(-time.Hour)
	require.NoError(t, srv.Add("d",
		commands.Command{ServiceID: "Switch", Name: "ON_OFF", CreatedAt: hourAgo, Params: []byte(`{}`)},
		commands.Command{ServiceID: "System", Name: "REBOOT", CreatedAt: hourAgo.Add(time.Second), Params: []byte(`{}`)}))

	cfg := srv.Config()
	cfg.Auth = auth.IAMPassword(srv.IAMConfig(), commandstest.IAMPassword)
	c, err := commands.NewClient(cfg)
	require.NoError(t, err)
	got := readAll(t, c, "d", commands.HistoryQuery{})
	require.Len(t, got, 2)
	assert.Equal(t, commands.StatusFailed, got[0].Status, "REBOOT, newest first")
	assert.Equal(t, commands.StatusSuccessful, got[1].Status)
}

func TestLifecycleRefusesAnOutcomeThatIsNotFinal(t *testing.T) {
	assert.Panics(t, func() {
		commandstest.NewServer(commandstest.WithLifecycle(commandstest.Lifecycle{
			Outcomes: map[string]commands.Status{"X": commands.StatusSent},
		}))
	})
}

func TestHandlerServesTheSameFake(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	want := 0
	for _, c := range srv.Seed("d", 5, 1) {
		if inHistory(c) {
			want++
		}
	}
	other := httptest.NewServer(srv.Handler())
	defer other.Close()
	cfg := srv.Config()
	cfg.Endpoint = other.URL
	c, err := commands.NewClient(cfg)
	require.NoError(t, err)
	assert.Len(t, readAll(t, c, "d", commands.HistoryQuery{}), want)
	assert.Positive(t, want)
}
