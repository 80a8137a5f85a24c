package commands_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// lcIAM is a client authenticated by IAM password login against the mock,
// which serves both IAM and IoTDA.
func lcIAM(t *testing.T, password string, mopts ...mockserver.Option) (*mockserver.Server, *commands.Client, string) {
	t.Helper()
	s := mockserver.New(mopts...)
	t.Cleanup(s.Close)
	s.AddDevice(lcDevice)
	s.AddCommands(lcDevice, mockserver.Command{Name: "ON_OFF"})
	c, err := commands.NewClient(commands.Config{
		Endpoint:  s.URL(),
		ProjectID: mockserver.ProjectID,
		Auth: auth.IAMPassword(auth.IAMConfig{
			Endpoint: s.URL(), Domain: mockserver.IAMDomain, User: mockserver.IAMUser,
			Project: "cn-north-4",
		}, password),
	})
	require.NoError(t, err)
	return s, c, s.Commands(lcDevice)[0].ID
}

func TestE2EIAMOneLoginFor100ConcurrentCalls(t *testing.T) {
	s, c, id := lcIAM(t, mockserver.IAMPassword)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			_, err := c.Get(lcCtx, lcDevice, id)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 1, s.Requests(mockserver.RouteIAMToken), "one login for 100 concurrent first calls")
	assert.Equal(t, 100, s.Requests(mockserver.RouteGetCommand))
	req, ok := s.LastRequest(mockserver.RouteGetCommand)
	require.True(t, ok)
	assert.NotEmpty(t, req.Header.Get("X-Auth-Token"))
}

func TestE2EIAM401RefreshesOnceAndRepeatsOnce(t *testing.T) {
	s, c, id := lcIAM(t, mockserver.IAMPassword)
	_, err := c.Get(lcCtx, lcDevice, id)
	require.NoError(t, err)
	require.Equal(t, 1, s.Requests(mockserver.RouteIAMToken))

	s.RevokeTokens() // the cached token is now refused with a 401
	s.ResetCounts()
	_, err = c.Get(lcCtx, lcDevice, id)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Requests(mockserver.RouteIAMToken), "exactly one refresh")
	assert.Equal(t, 2, s.Requests(mockserver.RouteGetCommand), "the refused request and one repeat")

	// A delivery refused with 401 was not processed: it is repeated too,
	// and the command is created once.
	s.RevokeTokens()
	s.ResetCounts()
	before := len(s.Commands(lcDevice))
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	require.NoError(t, err)
	assert.Equal(t, 2, s.Requests(mockserver.RouteCreateCommand))
	assert.Len(t, s.Commands(lcDevice), before+1)

	// A 401 that persists is reported after that one repeat.
	s.ResetCounts()
	s.FailNext(mockserver.RouteGetCommand, 2, mockserver.Fault{Status: 401})
	_, err = c.Get(lcCtx, lcDevice, id)
	require.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.Equal(t, 1, s.Requests(mockserver.RouteIAMToken))
	assert.Equal(t, 2, s.Requests(mockserver.RouteGetCommand))
}

func TestE2EIAMExpiredTokenIsReplaced(t *testing.T) {
	clk := mockserver.NewClock(time.Now())
	s, c, id := lcIAM(t, mockserver.IAMPassword, mockserver.WithClock(clk.Now), mockserver.WithTokenTTL(time.Hour))
	_, err := c.Get(lcCtx, lcDevice, id)
	require.NoError(t, err)
	clk.Advance(2 * time.Hour) // the platform now considers the token expired
	_, err = c.Get(lcCtx, lcDevice, id)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Requests(mockserver.RouteIAMToken))
	assert.Equal(t, 3, s.Requests(mockserver.RouteGetCommand))
}

func TestE2EIAMWrongPassword(t *testing.T) {
	const wrong = "not-the-password-123"
	s, c, id := lcIAM(t, wrong)
	_, err := c.Get(lcCtx, lcDevice, id)
	require.ErrorIs(t, err, iotclient.ErrUnauthorized)
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, mockserver.CodeIAMUnauthorized, ae.Code)
	assert.NotContains(t, err.Error(), wrong)
	assert.Zero(t, s.Requests(mockserver.RouteGetCommand), "nothing is sent to IoTDA without a token")

	_, err = c.Get(lcCtx, lcDevice, id)
	require.Error(t, err)
	assert.Equal(t, 1, s.Requests(mockserver.RouteIAMToken), "the refusal is remembered: no second login")
}
