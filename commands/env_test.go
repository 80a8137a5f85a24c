package commands_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/internal/envvar"
)

// setEnv clears every IoTDA variable, then sets vars.
func setEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, name := range envvar.IoTDA {
		t.Setenv(name, "")
	}
	for name, v := range vars {
		t.Setenv(name, v)
	}
}

func TestConfigFromEnvWithNoVariableIsErrNoConfig(t *testing.T) {
	setEnv(t, nil)
	cfg, err := commands.ConfigFromEnv()
	require.ErrorIs(t, err, iotclient.ErrNoConfig)
	assert.NotErrorIs(t, err, iotclient.ErrInvalidArgument)
	assert.Equal(t, commands.Config{}, cfg)
	for _, name := range envvar.IoTDA {
		assert.Contains(t, err.Error(), name, "the error lists what to set")
	}
}

// Every variable is read: each credential reaches the fake and is
// accepted by it, and each field holds its variable's value.
func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("dev-1", 20, 1)
	base := map[string]string{
		envvar.IoTDAEndpoint:   srv.URL(),
		envvar.IoTDAProjectID:  commandstest.ProjectID,
		envvar.IoTDAInstanceID: "inst_1",
	}
	for name, creds := range map[string]map[string]string{
		"AK/SK": {envvar.IoTDAAK: commandstest.AccessKey, envvar.IoTDASK: commandstest.SecretKey},
		"token": {envvar.IoTDAToken: commandstest.Token},
		"IAM": {
			envvar.IAMUser: commandstest.IAMUser, envvar.IAMPassword: commandstest.IAMPassword,
			envvar.IAMDomain: commandstest.IAMDomain, envvar.IAMEndpoint: srv.URL(), envvar.IoTDARegion: "cn-north-4",
		},
	} {
		t.Run(name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range base {
				vars[k] = v
			}
			for k, v := range creds {
				vars[k] = v
			}
			setEnv(t, vars)
			cfg, err := commands.ConfigFromEnv()
			require.NoError(t, err)
			assert.Equal(t, srv.URL(), cfg.Endpoint)
			assert.Equal(t, commandstest.ProjectID, cfg.ProjectID)
			assert.Equal(t, "inst_1", cfg.InstanceID)
			c, err := commands.NewClient(cfg)
			require.NoError(t, err)
			page, err := c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{PageSize: 5})
			require.NoError(t, err, "the fake refused the credential from the environment")
			assert.Len(t, page.Items, 5)

			// A wrong secret is the platform's refusal, not a fake.
			for k := range creds {
				if k == envvar.IoTDASK || k == envvar.IoTDAToken || k == envvar.IAMPassword {
					t.Setenv(k, "wrong-"+vars[k])
				}
			}
			cfg, err = commands.ConfigFromEnv()
			require.NoError(t, err)
			c, err = commands.NewClient(cfg, iotclient.WithRetry(0))
			require.NoError(t, err)
			_, err = c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{})
			assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
		})
	}
}

// Without IOTCLIENT_IOTDA_IAM_ENDPOINT and IOTCLIENT_IOTDA_REGION, the IAM
// login goes to the region the endpoint names.
func TestConfigFromEnvIAMDefaultsFromTheEndpoint(t *testing.T) {
	for endpoint, region := range map[string]string{
		"https://iotda.cn-north-4.myhuaweicloud.com":                    "cn-north-4",
		"https://a1b2c3.st1.iotda-app.ap-southeast-1.myhuaweicloud.com": "ap-southeast-1",
	} {
		setEnv(t, map[string]string{
			envvar.IoTDAEndpoint: endpoint, envvar.IoTDAProjectID: "p1",
			envvar.IAMUser: "u", envvar.IAMPassword: "pw-secret-1", envvar.IAMDomain: "d",
		})
		cfg, err := commands.ConfigFromEnv()
		require.NoError(t, err)
		shown := fmt.Sprint(cfg.Auth)
		assert.Contains(t, shown, `Endpoint: "https://iam.`+region+`.myhuaweicloud.com"`)
		assert.Contains(t, shown, `Project: "`+region+`"`)

		// An explicit region wins over the endpoint's.
		t.Setenv(envvar.IoTDARegion, "eu-west-101")
		cfg, err = commands.ConfigFromEnv()
		require.NoError(t, err)
		assert.Contains(t, fmt.Sprint(cfg.Auth), `Endpoint: "https://iam.eu-west-101.myhuaweicloud.com"`)
	}
}

// secretValues are the values the error tests give the secret variables;
// none may appear in an error.
var secretValues = []string{"AKSECRET0001", "sk-secret-0001", "tok-secret-0001", "pw-secret-0001"}

func TestConfigFromEnvErrorsNameTheVariable(t *testing.T) {
	const ep = "https://iotda.cn-north-4.myhuaweicloud.com"
	ok := map[string]string{envvar.IoTDAEndpoint: ep, envvar.IoTDAProjectID: "p1"}
	with := func(extra ...string) map[string]string {
		m := map[string]string{}
		for k, v := range ok {
			m[k] = v
		}
		for i := 0; i < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	aksk := []string{envvar.IoTDAAK, "AKSECRET0001", envvar.IoTDASK, "sk-secret-0001"}
	iam := []string{envvar.IAMUser, "u", envvar.IAMPassword, "pw-secret-0001", envvar.IAMDomain, "d"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"only a credential", map[string]string{envvar.IoTDAToken: "tok-secret-0001"}, envvar.IoTDAEndpoint},
		{"only the region", map[string]string{envvar.IoTDARegion: "cn-north-4"}, envvar.IoTDAEndpoint},
		{"endpoint not http", with(envvar.IoTDAEndpoint, "ftp://iotda.example.com", aksk[0], aksk[1], aksk[2], aksk[3]), envvar.IoTDAEndpoint},
		{"endpoint in clear", with(envvar.IoTDAEndpoint, "http://iotda.example.com", aksk[0], aksk[1], aksk[2], aksk[3]), envvar.IoTDAEndpoint},
		{"endpoint with a password", with(envvar.IoTDAEndpoint, "https://u:pw-secret-0001@iotda.example.com", aksk[0], aksk[1], aksk[2], aksk[3]), envvar.IoTDAEndpoint},
		{"no project", map[string]string{envvar.IoTDAEndpoint: ep, envvar.IoTDAToken: "tok-secret-0001"}, envvar.IoTDAProjectID},
		{"bad project", with(envvar.IoTDAProjectID, "p/1", envvar.IoTDAToken, "tok-secret-0001"), envvar.IoTDAProjectID},
		{"bad instance", with(envvar.IoTDAInstanceID, "in stance", envvar.IoTDAToken, "tok-secret-0001"), envvar.IoTDAInstanceID},
		{"no credential", with(envvar.IoTDAInstanceID, "i1"), envvar.IoTDAAK},
		{"AK without SK", with(envvar.IoTDAAK, "AKSECRET0001"), envvar.IoTDASK},
		{"SK without AK", with(envvar.IoTDASK, "sk-secret-0001"), envvar.IoTDAAK},
		{"AK with a control character", with(envvar.IoTDAAK, "AKSECRET0001\n", envvar.IoTDASK, "sk-secret-0001"), envvar.IoTDAAK},
		{"token with a control character", with(envvar.IoTDAToken, "tok-secret-0001\x01"), envvar.IoTDAToken},
		{"AK/SK and a token", with(append(aksk, envvar.IoTDAToken, "tok-secret-0001")...), envvar.IoTDAToken},
		{"a token and an IAM login", with(append(iam, envvar.IoTDAToken, "tok-secret-0001")...), envvar.IAMUser},
		{"AK/SK and an IAM password", with(append(aksk, envvar.IAMPassword, "pw-secret-0001")...), envvar.IAMPassword},
		{"IAM without a password", with(envvar.IAMUser, "u", envvar.IAMDomain, "d"), envvar.IAMPassword},
		{"IAM without a user", with(envvar.IAMPassword, "pw-secret-0001", envvar.IAMDomain, "d"), envvar.IAMUser},
		{"IAM without a domain", with(envvar.IAMUser, "u", envvar.IAMPassword, "pw-secret-0001"), envvar.IAMDomain},
		{"IAM, no region anywhere", with(append(iam, envvar.IoTDAEndpoint, "http://127.0.0.1:8080")...), envvar.IoTDARegion},
		{"IAM, a bad region", with(append(iam, envvar.IoTDARegion, "CN North")...), envvar.IoTDARegion},
		{"IAM endpoint in clear", with(append(iam, envvar.IAMEndpoint, "http://iam.example.com")...), envvar.IAMEndpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, tc.env)
			cfg, err := commands.ConfigFromEnv()
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.want, ve.Field, "%v", err)
			assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
			assert.NotErrorIs(t, err, iotclient.ErrNoConfig)
			assert.Equal(t, commands.Config{}, cfg)
			for _, s := range secretValues {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

// No secret of the environment shows in a printed Config.
func TestConfigFromEnvPrintsNoSecret(t *testing.T) {
	const ep = "https://iotda.cn-north-4.myhuaweicloud.com"
	for _, creds := range []map[string]string{
		{envvar.IoTDAAK: "AKSECRET0001", envvar.IoTDASK: "sk-secret-0001"},
		{envvar.IoTDAToken: "tok-secret-0001"},
		{envvar.IAMUser: "u", envvar.IAMPassword: "pw-secret-0001", envvar.IAMDomain: "d"},
	} {
		creds[envvar.IoTDAEndpoint], creds[envvar.IoTDAProjectID] = ep, "p1"
		setEnv(t, creds)
		cfg, err := commands.ConfigFromEnv()
		require.NoError(t, err)
		shown := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)
		assert.Contains(t, shown, ep)
		for _, s := range secretValues[1:] { // the AK is shown shortened
			assert.NotContains(t, shown, s)
		}
		assert.NotContains(t, shown, "AKSECRET0001")
	}
}
