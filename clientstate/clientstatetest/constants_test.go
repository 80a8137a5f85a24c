package clientstatetest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// The constants are spelled out so godoc shows them; they must stay the
// ones the fake accepts, and seeded clients are of OrgID.
func TestConstantsAreTheFakes(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	seeded := srv.Seed(20, 1)
	cfg := srv.Config()
	for name, cred := range map[string]auth.Credential{
		"APIKey and APIToken": auth.APIKey(clientstatetest.APIKey, clientstatetest.APIToken),
		"another key":         auth.APIKey("a-ab12cd-otherkey01", clientstatetest.APIToken),
		"another token":       auth.APIKey(clientstatetest.APIKey, "not-the-token"),
	} {
		cfg.Auth = cred
		c, err := clientstate.NewClient(cfg, iotclient.WithRetry(0))
		require.NoError(t, err)
		st, err := c.Get(context.Background(), seeded[0].ClientID)
		if name == "APIKey and APIToken" {
			require.NoError(t, err, name)
			assert.Equal(t, seeded[0].ClientID, st.ClientID)
			continue
		}
		assert.ErrorIs(t, err, iotclient.ErrUnauthorized, name)
	}
	for _, st := range seeded {
		id, err := clientstate.ParseClientID(st.ClientID)
		require.NoError(t, err)
		assert.Equal(t, clientstatetest.OrgID, id.Org, st.ClientID)
	}
}
