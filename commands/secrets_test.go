package commands_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/pagination"
)

// echoToken is a token with the characters IBM and IAM tokens hold, which
// escaping spells differently.
const echoToken = "Tok-Echo&(x)!?y_Z"

// echoClient is a client over httpmock whose every request carries
// echoToken; the responders echo it into the values they answer with.
func echoClient(t *testing.T) (*commands.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	c, err := commands.NewClient(commands.Config{Endpoint: lcEndpoint, ProjectID: lcProject, Auth: auth.Token(echoToken)},
		iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithRetry(0))
	require.NoError(t, err)
	return c, mt
}

// echoing answers with status and body (%s is the token the request
// carried), with that token as the request ID.
func echoing(status int, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		tok := r.Header.Get("X-Auth-Token")
		resp := httpmock.NewStringResponse(status, strings.ReplaceAll(body, "%s", tok))
		resp.Header.Set("X-Request-Id", "req-"+tok)
		return resp, nil
	}
}

// requireScrubbed checks that no error in err's chain, nor its text in any
// form, holds the token.
func requireScrubbed(t *testing.T, err error, sentinel error) {
	t.Helper()
	require.Error(t, err)
	for e := range walk(err) {
		for _, form := range []string{echoToken, url.QueryEscape(echoToken), strings.ReplaceAll(echoToken, "&", `\u0026`)} {
			require.NotContains(t, e.Error()+fmt.Sprintf("%+v", e), form, "%T in the chain of %q", e, err)
		}
	}
	assert.Contains(t, err.Error(), "[redacted]")
	if sentinel != nil {
		assert.ErrorIs(t, err, sentinel)
	}
}

// walk yields err and every error it wraps.
func walk(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var rec func(error) bool
		rec = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return rec(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					if !rec(c) {
						return false
					}
				}
			}
			return true
		}
		rec(err)
	}
}

func cmdJSON(id, device, status string) string {
	return fmt.Sprintf(`{"command_id":%q,"device_id":%q,"status":%q,"created_time":"20240601T120000Z"}`, id, device, status)
}

// Errors the commands package builds after the HTTP core quote values the
// server sent (request ID, command ID, device ID, marker, status): a server
// that echoes the token into them does not get it into the error.
func TestErrorsBuiltAfterTheCoreAreScrubbed(t *testing.T) {
	ctx := context.Background()
	hist := `=~^` + lcBase + `/async-commands-history`
	for name, tc := range map[string]struct {
		method, url, body string
		status            int
		call              func(c *commands.Client) error
		sentinel          error
	}{
		"page too long (pageFrom)": {"GET", hist, `{"commands":[` + cmdJSON("a1", lcDevice, "SENT") + `,` + cmdJSON("a2", lcDevice, "SENT") + `]}`, 200,
			func(c *commands.Client) error {
				_, err := c.HistoryPage(ctx, lcDevice, commands.HistoryQuery{PageSize: 1})
				return err
			}, iotclient.ErrMalformedResponse},
		"expire out of range (command)": {"GET", hist, `{"commands":[{"command_id":"c-%s","expire_time":-1}]}`, 200,
			func(c *commands.Client) error {
				_, err := c.HistoryPage(ctx, lcDevice, commands.HistoryQuery{})
				return err
			}, iotclient.ErrMalformedResponse},
		"cursor cycle (pagination)": {"GET", hist, `{"commands":[` + cmdJSON("a1", lcDevice, "SENT") + `],"page":{"marker":"m-%s"}}`, 200,
			func(c *commands.Client) error {
				return lastErr(c.History(ctx, lcDevice, commands.HistoryQuery{PageSize: 1}))
			}, pagination.ErrStuckCursor},
		"export cursor cycle": {"GET", hist, `{"commands":[` + cmdJSON("a1", lcDevice, "SENT") + `],"page":{"marker":"m-%s"}}`, 200,
			func(c *commands.Client) error {
				return lastErr(c.Export(ctx, lcDevice, commands.HistoryQuery{PageSize: 1, Marker: "m0"}, commands.ExportOptions{Concurrency: 2}))
			}, pagination.ErrStuckCursor},
		"export ahead cursor cycle": {"GET", hist, `{"commands":[` + cmdJSON("a1", lcDevice, "SENT") + `],"page":{"marker":"m-%s"}}`, 200,
			func(c *commands.Client) error {
				return lastErr(c.Export(ctx, lcDevice, commands.HistoryQuery{PageSize: 1}, commands.ExportOptions{Concurrency: 1}))
			}, pagination.ErrStuckCursor},
		"count without count (Count)": {"POST", hist + `/count`, `{}`, 200,
			func(c *commands.Client) error {
				_, err := c.Count(ctx, lcDevice, commands.CountQuery{})
				return err
			}, iotclient.ErrMalformedResponse},
		"another command (commandFrom)": {"GET", `=~/async-commands/`, cmdJSON("x-%s", lcDevice, "SENT"), 200,
			func(c *commands.Client) error {
				_, err := c.Get(ctx, lcDevice, lcCmdID)
				return err
			}, iotclient.ErrMalformedResponse},
		"no command ID (Create)": {"POST", `=~/async-commands$`, `{}`, 201,
			func(c *commands.Client) error {
				_, err := c.Create(ctx, lcDevice, commands.NewCommand{})
				return err
			}, iotclient.ErrMalformedResponse},
		"another device (fleetDevice)": {"GET", hist, `{"commands":[` + cmdJSON("a1", "d-%s", "SENT") + `]}`, 200,
			func(c *commands.Client) error {
				err := lastErr(c.FleetHistory(ctx, []string{lcDevice}, commands.HistoryQuery{}, commands.FleetOptions{}))
				var de *commands.DeviceError
				require.ErrorAs(t, err, &de)
				return err
			}, iotclient.ErrMalformedResponse},
		"API error": {"GET", hist, `{"error_code":"X","error_msg":"bad token %s"}`, 400,
			func(c *commands.Client) error {
				_, err := c.HistoryPage(ctx, lcDevice, commands.HistoryQuery{})
				return err
			}, iotclient.ErrInvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := echoClient(t)
			mt.RegisterResponder(tc.method, tc.url, echoing(tc.status, tc.body))
			requireScrubbed(t, tc.call(c), tc.sentinel)
		})
	}
}

// Wait reports the status the command was left in: a status that echoes
// the token is scrubbed, and the error still matches the context's.
func TestWaitStatusIsScrubbed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := echoClient(t)
		mt.RegisterResponder("GET", `=~/async-commands/`, echoing(200, cmdJSON(lcCmdID, lcDevice, "S-%s")))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := c.Wait(ctx, lcDevice, lcCmdID, commands.WaitOptions{})
		requireScrubbed(t, err, context.DeadlineExceeded)
	})
}

// lastErr ranges over seq and returns the error it ended with.
func lastErr(seq func(func(commands.Command, error) bool)) error {
	var last error
	n := 0
	for _, err := range seq {
		if err != nil {
			last = err
		}
		if n++; n > 5000 {
			return errors.New("the iteration did not end: " + strconv.Itoa(n))
		}
	}
	return last
}
