package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/internal/proxytest"
)

// An endpoint on a loopback address is reached directly however its host
// is spelled, never through HTTP_PROXY: the token, the AK/SK signature and
// the IAM login body (with the password) go over plain http there.
func TestLoopbackEndpointsBypassTheEnvironmentProxy(t *testing.T) {
	if !proxytest.Isolated(t) {
		return
	}
	proxy := proxytest.New(t)
	for _, k := range []string{"HTTP_PROXY", "http_proxy"} {
		t.Setenv(k, proxy.URL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	srv := commandstest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDevice("dev-1")
	port := srv.URL()[strings.LastIndexByte(srv.URL(), ':'):]
	for _, host := range []string{"LOCALHOST", "LocalHost", "localhost", "127.0.0.1"} {
		endpoint := "http://" + host + port
		iam := srv.IAMConfig()
		iam.Endpoint = endpoint
		for name, cred := range map[string]auth.Credential{
			"token": auth.Token(commandstest.Token),
			"aksk":  auth.AKSK(commandstest.AccessKey, commandstest.SecretKey),
			"iam":   auth.IAMPassword(iam, commandstest.IAMPassword),
		} {
			c, err := commands.NewClient(commands.Config{Endpoint: endpoint, ProjectID: commandstest.ProjectID, Auth: cred})
			require.NoError(t, err, "%s %s", host, name)
			_, err = c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{})
			require.NoError(t, err, "%s %s", host, name)
		}
	}
	assert.Empty(t, proxy.Seen(), "credentials reached the proxy")
}
