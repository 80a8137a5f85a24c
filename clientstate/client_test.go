package clientstate_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
)

func TestNewClientEndpoint(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  clientstate.Config
		want string // the URL Enabled requests
	}{
		"default domain":           {clientstate.Config{OrgID: "ab12cd"}, "https://ab12cd.internetofthings.ibmcloud.com/api/v0002/config/clientstate"},
		"custom domain":            {clientstate.Config{OrgID: "ab12cd", Domain: "eu-de.internetofthings.example.com"}, "https://ab12cd.eu-de.internetofthings.example.com/api/v0002/config/clientstate"},
		"base URL":                 {clientstate.Config{BaseURL: "http://127.0.0.1:8080"}, "http://127.0.0.1:8080/api/v0002/config/clientstate"},
		"base URL slash":           {clientstate.Config{BaseURL: "http://127.0.0.1:8080/"}, "http://127.0.0.1:8080/api/v0002/config/clientstate"},
		"base URL with /api/v0002": {clientstate.Config{BaseURL: "https://proxy.example.com/ibm/api/v0002/"}, "https://proxy.example.com/ibm/api/v0002/config/clientstate"},
		"org from the API key":     {clientstate.Config{}, "https://ab12cd.internetofthings.ibmcloud.com/api/v0002/config/clientstate"},
		"base URL wins over org":   {clientstate.Config{OrgID: "zz99zz", BaseURL: "https://proxy.example.com"}, "https://proxy.example.com/api/v0002/config/clientstate"},
	} {
		t.Run(name, func(t *testing.T) {
			var got string
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				got = req.URL.String()
				return jsonResponse(200, `{"enabled":true}`), nil
			})
			cfg := tc.cfg
			cfg.Auth = auth.APIKey(testKey, testToken)
			c, err := clientstate.NewClient(cfg, iotclient.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)
			on, err := c.Enabled(context.Background())
			require.NoError(t, err)
			assert.True(t, on)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestNewClientRefusesBadConfig(t *testing.T) {
	key := auth.APIKey(testKey, testToken)
	for name, tc := range map[string]struct {
		cfg   clientstate.Config
		field string
	}{
		"no org in key":   {clientstate.Config{Auth: auth.APIKey("service-key-1", testToken)}, "Config.OrgID"},
		"no org, IAM":     {clientstate.Config{Auth: auth.Token("tok")}, "Config.OrgID"},
		"org with dash":   {clientstate.Config{OrgID: "ab-12", Auth: key}, "Config.OrgID"},
		"org too long":    {clientstate.Config{OrgID: strings.Repeat("a", 37), Auth: key}, "Config.OrgID"},
		"bad domain":      {clientstate.Config{OrgID: "ab12cd", Domain: "evil.com/x?", Auth: key}, "Config.Domain"},
		"no auth":         {clientstate.Config{OrgID: "ab12cd"}, "Auth"},
		"empty token":     {clientstate.Config{OrgID: "ab12cd", Auth: auth.APIKey(testKey, "")}, "auth.APIKey token"},
		"relative base":   {clientstate.Config{BaseURL: "ab12cd.example.com", Auth: key}, "Endpoint"},
		"plain http away": {clientstate.Config{BaseURL: "http://example.com", Auth: key}, "Endpoint"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := clientstate.NewClient(tc.cfg)
			assert.Nil(t, c)
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	_, err := clientstate.NewClient(clientstate.Config{OrgID: "ab12cd", Auth: key}, iotclient.WithRetry(-1))
	assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
}

func TestConfigPrintsNoSecrets(t *testing.T) {
	cfg := clientstate.Config{
		OrgID:   "ab12cd",
		BaseURL: "https://user:" + testToken + "@proxy.example.com",
		Auth:    auth.APIKey(testKey, testToken),
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, cfg)
		assert.NotContains(t, out, testToken, format)
		assert.Contains(t, out, "ab12cd", format)
		out = fmt.Sprintf(format, &cfg)
		assert.NotContains(t, out, testToken, format)
	}
	assert.NotContains(t, fmt.Sprintf("%v", struct{ C clientstate.Config }{cfg}), testToken)
}

func TestAPIErrorsCarryCodeAndMatchSentinels(t *testing.T) {
	for _, tc := range []struct {
		status   int
		code     string
		sentinel error
		disabled bool
	}{
		{401, "CUDRS0001E", iotclient.ErrUnauthorized, false},
		{403, "CUDRS0003E", iotclient.ErrForbidden, false},
		{404, "CUDRS0002E", iotclient.ErrNotFound, false},
		{403, "CUDCS0403E", iotclient.ErrForbidden, true},
	} {
		t.Run(fmt.Sprint(tc.status, tc.code), func(t *testing.T) {
			c, rec := newUnitClient(t)
			msg := tc.code + ": the platform says no"
			rec.handle(func(*http.Request) (*http.Response, error) {
				return jsonResponse(tc.status, `{"message":"`+msg+`","exception":{"id":"`+tc.code+`","properties":[]}}`), nil
			})
			_, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
			var apiErr *iotclient.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, msg, apiErr.Message)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.disabled, errorsIs(err, clientstate.ErrDisabled))
			assert.NotContains(t, err.Error(), testToken)

			_, err = c.ListPage(context.Background(), clientstate.ListQuery{})
			assert.Equal(t, tc.disabled, errorsIs(err, clientstate.ErrDisabled))
			assert.ErrorIs(t, err, tc.sentinel)
		})
	}
}

func TestDisabledRecognisedByMessage(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(403, `{"message":"CUDCS9999E: Client connection state is not enabled for this organization","exception":{"id":"CUDCS9999E"}}`), nil
	})
	_, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	assert.ErrorIs(t, err, clientstate.ErrDisabled)
	assert.ErrorIs(t, err, iotclient.ErrForbidden)
}

func TestSetEnabledSendsPUT(t *testing.T) {
	c, rec := newUnitClient(t)
	var bodies []string
	rec.handle(func(req *http.Request) (*http.Response, error) {
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			bodies = append(bodies, string(b))
		}
		return jsonResponse(200, `{"enabled":false}`), nil
	})
	require.NoError(t, c.SetEnabled(context.Background(), false))
	require.NoError(t, c.SetEnabled(context.Background(), true))
	reqs := rec.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "PUT", reqs[0].Method)
	assert.Equal(t, "/api/v0002/config/clientstate", reqs[0].URL.EscapedPath())
	assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
	require.Len(t, bodies, 2)
	assert.JSONEq(t, `{"enabled":false}`, bodies[0])
	assert.JSONEq(t, `{"enabled":true}`, bodies[1])
}

func TestEnabledWithoutFieldIsMalformed(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, `{}`), nil })
	_, err := c.Enabled(context.Background())
	assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
}

// IBM's documentation: "If a 403 response is returned, the feature is not
// active." Enabled reports false without an error; a 401 stays an error.
func TestEnabledForbiddenMeansOff(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(403, `{"exception":{"id":"CUDCS0403E","properties":[]},"message":"CUDCS0403E: not enabled"}`), nil
	})
	on, err := c.Enabled(context.Background())
	require.NoError(t, err)
	assert.False(t, on)

	c, rec = newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(401, `{"exception":{"id":"CUDRS0006E","properties":[]},"message":"CUDRS0006E: unauthorized"}`), nil
	})
	on, err = c.Enabled(context.Background())
	assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.False(t, on)
}

// clientstate.Config and live.Config say the same when neither an org nor
// an a-{org}-... key names the organization.
func TestMissingOrgMessage(t *testing.T) {
	_, err := clientstate.NewClient(clientstate.Config{Auth: auth.APIKey("service-key-1", testToken)})
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "is required when the API key does not have the form a-{org}-{random}", ve.Reason)
	assert.NotContains(t, err.Error(), testToken)
}
