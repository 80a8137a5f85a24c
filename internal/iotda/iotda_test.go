package iotda

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
)

const endpoint = "https://iotda.cn-north-4.myhuaweicloud.com"

func newClient(t *testing.T, instanceID string) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	s := core.Settings([]iotclient.Option{
		iotclient.WithHTTPClient(&http.Client{Transport: mt}),
		iotclient.WithBackoff(time.Millisecond, time.Millisecond),
	})
	c, err := New(endpoint, "p1", instanceID, auth.Token("tok"), s)
	require.NoError(t, err)
	return c, mt
}

func TestDoSendsUnderTheProjectWithItsHeaders(t *testing.T) {
	c, mt := newClient(t, "inst-1")
	mt.RegisterResponder("GET", endpoint+"/v5/iot/p1/devices/d1", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "p1", r.Header.Get("X-Project-Id"))
		assert.Equal(t, "inst-1", r.Header.Get("Instance-Id"))
		assert.Equal(t, "a=1", r.URL.RawQuery)
		return httpmock.NewStringResponse(200, `{"x":"y"}`), nil
	})
	var out struct {
		X string `json:"x"`
	}
	_, err := c.Do(context.Background(), "GET", "/devices/d1", struct {
		A int `url:"a"`
	}{1}, nil, &out, true)
	require.NoError(t, err)
	assert.Equal(t, "y", out.X)
}

// A read sent as POST with a body (a search) is retried like a GET; a
// write is not.
func TestDoRetriesReadsSentAsPOST(t *testing.T) {
	for _, read := range []bool{true, false} {
		c, mt := newClient(t, "")
		mt.RegisterResponder("POST", endpoint+"/v5/iot/p1/search", httpmock.ResponderFromMultipleResponses([]*http.Response{
			httpmock.NewStringResponse(503, `{}`), httpmock.NewStringResponse(200, `{}`),
		}))
		_, err := c.Do(context.Background(), "POST", "/search", nil, map[string]string{"sql": "x"}, nil, read)
		if read {
			require.NoError(t, err)
			assert.Equal(t, 2, mt.GetTotalCallCount())
		} else {
			require.Error(t, err)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		}
	}
}

func TestNewChecksTheSharedFields(t *testing.T) {
	for _, tc := range []struct{ project, instance, field string }{
		{"", "", "Config.ProjectID"},
		{"p/1", "", "Config.ProjectID"},
		{"p1", "in st", "Config.InstanceID"},
	} {
		_, err := New(endpoint, tc.project, tc.instance, auth.Token("t"), config.Default())
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tc)
		assert.Equal(t, tc.field, ve.Field)
	}
	var ve *iotclient.ValidationError
	require.ErrorAs(t, CheckID("deviceID", "a b", 128), &ve)
	assert.Equal(t, "deviceID", ve.Field)
	require.ErrorAs(t, CheckID("deviceID", string(make([]byte, 129)), 128), &ve)
	assert.NoError(t, CheckID("deviceID", "prod_node-1", 128))
}
