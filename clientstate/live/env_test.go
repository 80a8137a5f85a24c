package live_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
	"github.com/iotclient/iotclient-go/internal/envvar"
)

func setIBMEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, name := range envvar.IBM {
		t.Setenv(name, "")
	}
	for name, v := range vars {
		t.Setenv(name, v)
	}
}

func TestConfigFromEnvWithNoVariableIsErrNoConfig(t *testing.T) {
	setIBMEnv(t, nil)
	cfg, err := live.ConfigFromEnv()
	require.ErrorIs(t, err, iotclient.ErrNoConfig)
	assert.Empty(t, cfg.OrgID)
	assert.Nil(t, cfg.Auth)
}

// The monitor takes the organization, domain and credential of the
// variables clientstate reads; the fake's broker accepts that credential.
func TestConfigFromEnvReadsTheIBMVariables(t *testing.T) {
	rest := clientstatetest.NewServer()
	require.NoError(t, rest.Add(clientstate.State{
		ClientID: "d:" + clientstatetest.OrgID + ":pump:p-1", Status: clientstate.StatusConnected,
		LastConnected: time.Now().Add(-time.Minute),
	}))
	srv, err := livetest.NewServer(rest)
	require.NoError(t, err)
	defer srv.Close()

	setIBMEnv(t, map[string]string{
		envvar.IBMAPIKey: clientstatetest.APIKey, envvar.IBMAPIToken: clientstatetest.APIToken,
		envvar.IBMDomain: "example.com",
	})
	cfg, err := live.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, clientstatetest.OrgID, cfg.OrgID)
	assert.Equal(t, "example.com", cfg.Domain)
	assert.NotContains(t, fmt.Sprintf("%v %#v", cfg, cfg), clientstatetest.APIToken)

	cfg.Broker = srv.BrokerURL() // the fake instead of ssl://ab12cd.messaging.example.com:8883
	mon, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ev, err := range mon.Events(ctx) {
		require.NoError(t, err, "the broker refused the credential from the environment")
		assert.Equal(t, "p-1", mustParse(t, ev).DeviceID)
		break
	}

	t.Setenv(envvar.IBMOrg, "bad-org")
	_, err = live.ConfigFromEnv()
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, envvar.IBMOrg, ve.Field)
}

func mustParse(t *testing.T, ev live.Event) clientstate.ClientID {
	t.Helper()
	id, err := ev.ParseClientID()
	require.NoError(t, err)
	return id
}
