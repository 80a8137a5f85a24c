package clientstate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/internal/envvar"
)

// setEnv clears every IBM variable, then sets vars.
func setEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, name := range envvar.IBM {
		t.Setenv(name, "")
	}
	for name, v := range vars {
		t.Setenv(name, v)
	}
}

func TestConfigFromEnvWithNoVariableIsErrNoConfig(t *testing.T) {
	setEnv(t, nil)
	cfg, err := clientstate.ConfigFromEnv()
	require.ErrorIs(t, err, iotclient.ErrNoConfig)
	assert.NotErrorIs(t, err, iotclient.ErrInvalidArgument)
	assert.Equal(t, clientstate.Config{}, cfg)
	for _, name := range envvar.IBM {
		assert.Contains(t, err.Error(), name)
	}
}

// Every variable is read: the key and token reach the fake and are
// accepted, the organization comes from the key or IOTCLIENT_IBM_ORG, the
// domain from IOTCLIENT_IBM_DOMAIN.
func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	srv.Seed(10, 1)
	setEnv(t, map[string]string{envvar.IBMAPIKey: clientstatetest.APIKey, envvar.IBMAPIToken: clientstatetest.APIToken})
	cfg, err := clientstate.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, clientstatetest.OrgID, cfg.OrgID, "the organization of the API key")
	assert.Empty(t, cfg.Domain)

	cfg.BaseURL = srv.URL() // the fake instead of https://ab12cd.internetofthings.ibmcloud.com
	c, err := clientstate.NewClient(cfg)
	require.NoError(t, err)
	page, err := c.ListPage(context.Background(), clientstate.ListQuery{})
	require.NoError(t, err, "the fake refused the key and token from the environment")
	assert.Len(t, page.Items, 10)

	t.Setenv(envvar.IBMAPIToken, "wrong-token")
	cfg, err = clientstate.ConfigFromEnv()
	require.NoError(t, err)
	cfg.BaseURL = srv.URL()
	c, err = clientstate.NewClient(cfg, iotclient.WithRetry(0))
	require.NoError(t, err)
	_, err = c.ListPage(context.Background(), clientstate.ListQuery{})
	assert.ErrorIs(t, err, iotclient.ErrUnauthorized)

	setEnv(t, map[string]string{
		envvar.IBMAPIKey: "key-without-org", envvar.IBMAPIToken: "t",
		envvar.IBMOrg: "zz99yy", envvar.IBMDomain: "eu-de.internetofthings.ibmcloud.com",
	})
	cfg, err = clientstate.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "zz99yy", cfg.OrgID)
	assert.Equal(t, "eu-de.internetofthings.ibmcloud.com", cfg.Domain)
	_, err = clientstate.NewClient(cfg)
	assert.NoError(t, err)
}

func TestConfigFromEnvErrorsNameTheVariable(t *testing.T) {
	const key, token = "a-ab12cd-key0secret", "tok-secret-0001"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"only the organization", map[string]string{envvar.IBMOrg: "ab12cd"}, envvar.IBMAPIKey},
		{"only the domain", map[string]string{envvar.IBMDomain: "internetofthings.ibmcloud.com"}, envvar.IBMAPIKey},
		{"a token without a key", map[string]string{envvar.IBMAPIToken: token}, envvar.IBMAPIKey},
		{"a key without a token", map[string]string{envvar.IBMAPIKey: key}, envvar.IBMAPIToken},
		{"a key with a colon", map[string]string{envvar.IBMAPIKey: "a-ab12cd-key0:secret", envvar.IBMAPIToken: token}, envvar.IBMAPIKey},
		{"no organization anywhere", map[string]string{envvar.IBMAPIKey: "key0secret", envvar.IBMAPIToken: token}, envvar.IBMOrg},
		{"a bad organization", map[string]string{envvar.IBMAPIKey: key, envvar.IBMAPIToken: token, envvar.IBMOrg: "ab-12"}, envvar.IBMOrg},
		{"a bad domain", map[string]string{envvar.IBMAPIKey: key, envvar.IBMAPIToken: token, envvar.IBMDomain: "https://x.example.com/"}, envvar.IBMDomain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, tc.env)
			cfg, err := clientstate.ConfigFromEnv()
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.want, ve.Field, "%v", err)
			assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
			assert.Equal(t, clientstate.Config{}, cfg)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestConfigFromEnvPrintsNoSecret(t *testing.T) {
	setEnv(t, map[string]string{envvar.IBMAPIKey: "a-ab12cd-key0secret", envvar.IBMAPIToken: "tok-secret-0001"})
	cfg, err := clientstate.ConfigFromEnv()
	require.NoError(t, err)
	shown := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)
	assert.Contains(t, shown, "ab12cd")
	assert.NotContains(t, shown, "secret")
}
