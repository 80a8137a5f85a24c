package devicestate_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
)

// t0 is the fakes' reference time in these tests.
var t0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// fake starts the public fake with n seeded devices and a client for it
// whose searches are not paced (the fake's one-a-second rule is lifted).
func fake(t *testing.T, n int, opts ...iotclient.Option) (*devicestatetest.Server, *devicestate.Client, []devicestate.Device) {
	t.Helper()
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	t.Cleanup(srv.Close)
	srv.SetSearchInterval(0)
	cfg := srv.Config()
	cfg.SearchInterval = -1
	c, err := devicestate.NewClient(cfg, opts...)
	require.NoError(t, err)
	return srv, c, srv.Seed(n, 11)
}

// handlerTransport serves requests with a handler in the caller's
// goroutine, without a network: a synctest bubble's fake clock then runs
// the client and the fake alike.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil { // a server's request always has one
		r = r.Clone(r.Context())
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// inBubble is a client for srv that reaches it through handlerTransport,
// for tests in a synctest bubble; cfg changes its configuration.
func inBubble(t *testing.T, srv *devicestatetest.Server, cfg func(*devicestate.Config)) *devicestate.Client {
	t.Helper()
	c := srv.Config()
	c.Auth = auth.Token(devicestatetest.Token) // the bubble's clock is far from the signature's
	if cfg != nil {
		cfg(&c)
	}
	client, err := devicestate.NewClient(c, iotclient.WithHTTPClient(&http.Client{Transport: handlerTransport{srv.Handler()}}))
	require.NoError(t, err)
	return client
}

const (
	unitEndpoint = "https://iotda.cn-north-4.myhuaweicloud.com"
	unitProject  = "0123456789abcdef0123456789abcdef"
	unitBase     = unitEndpoint + "/v5/iot/" + unitProject
)

// unit is a client over httpmock, with searches unpaced.
func unit(t *testing.T) (*devicestate.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	c, err := devicestate.NewClient(devicestate.Config{
		Endpoint: unitEndpoint, ProjectID: unitProject, Auth: auth.Token("unit-token"), SearchInterval: -1,
	}, iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return c, mt
}

// sqlOf is the SQL of a search request's body.
func sqlOf(t *testing.T, r *http.Request) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	var body struct {
		SQL string `json:"sql"`
	}
	require.NoError(t, json.Unmarshal(b, &body), "%s", b)
	return body.SQL
}

func ids(devs []devicestate.Device) []string {
	out := make([]string, len(devs))
	for i, d := range devs {
		out[i] = d.ID
	}
	return out
}

func collect(t *testing.T, seq func(func(devicestate.Device, error) bool)) ([]devicestate.Device, error) {
	t.Helper()
	var out []devicestate.Device
	for d, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// requireInvalid checks err is a *iotclient.ValidationError naming field.
func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field, "%v", err)
}

func devicestatetestFault(status int) devicestatetest.Fault {
	return devicestatetest.Fault{Status: status}
}
