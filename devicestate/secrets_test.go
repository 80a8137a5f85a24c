package devicestate_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/pagination"
)

// echoToken is a token with characters that escaping spells differently.
const echoToken = "Tok-Echo&(x)!?y_Z"

// echoing answers with status and body (%s is the token the request
// carried), with that token in the request ID too.
func echoing(status int, body string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		tok := r.Header.Get("X-Auth-Token")
		resp := httpmock.NewStringResponse(status, strings.ReplaceAll(body, "%s", tok))
		resp.Header.Set("X-Request-Id", "req-"+tok)
		return resp, nil
	}
}

// Errors built from what a server sent (request IDs, markers) do not carry
// the token a server echoed into them, in any chained error.
func TestErrorsBuiltAfterTheCoreAreScrubbed(t *testing.T) {
	ctx := context.Background()
	list, search := unitBase+"/devices", unitBase+"/search/query-devices"
	for name, tc := range map[string]struct {
		method, url, body string
		call              func(c *devicestate.Client) error
		sentinel          error
	}{
		"full page without marker": {"GET", list, `{"devices":[{"device_id":"a"}],"page":{}}`, func(c *devicestate.Client) error {
			_, err := c.ListPage(ctx, devicestate.ListQuery{PageSize: 1})
			return err
		}, iotclient.ErrMalformedResponse},
		"list cursor cycle": {"GET", list, `{"devices":[{"device_id":"a"}],"page":{"marker":"m%s"}}`, func(c *devicestate.Client) error {
			_, err := collect(t, c.List(ctx, devicestate.ListQuery{PageSize: 1}))
			return err
		}, pagination.ErrStuckCursor},
		"device without ID": {"GET", unitBase + "/devices/d1", `{"status":"ONLINE"}`, func(c *devicestate.Client) error {
			_, err := c.Get(ctx, "d1")
			return err
		}, iotclient.ErrMalformedResponse},
		"search cursor cycle": {"POST", search, `{"devices":[{"device_id":"a","marker":"m%s"}]}`, func(c *devicestate.Client) error {
			_, err := collect(t, c.Search(ctx, devicestate.SearchQuery{PageSize: 1, ByMarker: true}))
			return err
		}, pagination.ErrStuckCursor},
		"count without count": {"POST", search, `{}`, func(c *devicestate.Client) error {
			_, err := c.SearchCount(ctx, devicestate.SearchQuery{})
			return err
		}, iotclient.ErrMalformedResponse},
		"search page too long": {"POST", search, `{"devices":[{"device_id":"a"},{"device_id":"b"}]}`, func(c *devicestate.Client) error {
			_, err := c.SearchPage(ctx, devicestate.SearchQuery{PageSize: 1})
			return err
		}, iotclient.ErrMalformedResponse},
	} {
		t.Run(name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, err := devicestate.NewClient(devicestate.Config{Endpoint: unitEndpoint, ProjectID: unitProject, Auth: auth.Token(echoToken), SearchInterval: -1},
				iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithRetry(0))
			require.NoError(t, err)
			mt.RegisterResponder(tc.method, tc.url, echoing(200, tc.body))
			err = tc.call(c)
			require.ErrorIs(t, err, tc.sentinel)
			for e := err; e != nil; e = errors.Unwrap(e) {
				for _, form := range []string{echoToken, url.QueryEscape(echoToken), strings.ReplaceAll(echoToken, "&", `\u0026`)} {
					require.NotContains(t, e.Error()+fmt.Sprintf("%+v", e), form, "%T in the chain of %q", e, err)
				}
			}
			assert.Contains(t, err.Error(), "[redacted]")
		})
	}
}

func TestConfigFromEnvReadsTheIoTDAVariables(t *testing.T) {
	for _, name := range []string{"IOTCLIENT_IOTDA_ENDPOINT", "IOTCLIENT_IOTDA_PROJECT_ID", "IOTCLIENT_IOTDA_INSTANCE_ID",
		"IOTCLIENT_IOTDA_AK", "IOTCLIENT_IOTDA_SK", "IOTCLIENT_IOTDA_TOKEN", "IOTCLIENT_IOTDA_IAM_USER",
		"IOTCLIENT_IOTDA_IAM_PASSWORD", "IOTCLIENT_IOTDA_IAM_DOMAIN", "IOTCLIENT_IOTDA_REGION", "IOTCLIENT_IOTDA_IAM_ENDPOINT"} {
		t.Setenv(name, "")
	}
	_, err := devicestate.ConfigFromEnv()
	require.ErrorIs(t, err, iotclient.ErrNoConfig)

	t.Setenv("IOTCLIENT_IOTDA_ENDPOINT", unitEndpoint)
	t.Setenv("IOTCLIENT_IOTDA_PROJECT_ID", "p1")
	t.Setenv("IOTCLIENT_IOTDA_INSTANCE_ID", "inst-1")
	_, err = devicestate.ConfigFromEnv()
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve, "no credential")

	t.Setenv("IOTCLIENT_IOTDA_TOKEN", "env-token")
	cfg, err := devicestate.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, unitEndpoint, cfg.Endpoint)
	assert.Equal(t, "p1", cfg.ProjectID)
	assert.Equal(t, "inst-1", cfg.InstanceID)
	assert.Zero(t, cfg.SearchInterval)
	assert.NotContains(t, cfg.String(), "env-token")
	_, err = devicestate.NewClient(cfg)
	require.NoError(t, err)
}
