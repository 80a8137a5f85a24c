package commandstest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// The constants are spelled out so godoc shows them; they must stay the
// ones the fake accepts, and nothing else.
func TestConstantsAreTheFakes(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("dev-1", 5, 1)
	iam := srv.IAMConfig()
	otherIAM := iam
	otherIAM.User = "someone-else"
	for _, tc := range []struct {
		name    string
		project string
		cred    auth.Credential
		want    error
	}{
		{"AccessKey and SecretKey", commandstest.ProjectID, auth.AKSK(commandstest.AccessKey, commandstest.SecretKey), nil},
		{"Token", commandstest.ProjectID, auth.Token(commandstest.Token), nil},
		{"IAMDomain, IAMUser and IAMPassword", commandstest.ProjectID, auth.IAMPassword(iam, commandstest.IAMPassword), nil},
		{"another secret key", commandstest.ProjectID, auth.AKSK(commandstest.AccessKey, "not-the-secret-key"), iotclient.ErrUnauthorized},
		{"another token", commandstest.ProjectID, auth.Token("not-the-token"), iotclient.ErrUnauthorized},
		{"another IAM user", commandstest.ProjectID, auth.IAMPassword(otherIAM, commandstest.IAMPassword), iotclient.ErrUnauthorized},
		{"another project", "fedcba9876543210fedcba9876543210", auth.Token(commandstest.Token), iotclient.ErrForbidden},
	} {
		cfg := srv.Config()
		cfg.ProjectID, cfg.Auth = tc.project, tc.cred
		c, err := commands.NewClient(cfg, iotclient.WithRetry(0))
		require.NoError(t, err, tc.name)
		_, err = c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{})
		if tc.want == nil {
			assert.NoError(t, err, tc.name)
		} else {
			assert.ErrorIs(t, err, tc.want, tc.name)
		}
	}
}
