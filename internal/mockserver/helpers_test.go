package mockserver

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/require"
)

const testDevice = "dev-001"

func newServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

// response is a completed request.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// do sends a request built by the caller and reads the whole answer.
func do(t testing.TB, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func newRequest(t testing.TB, method, u string, body []byte) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func devicePath(s *Server, device string) string {
	return s.URL() + "/v5/iot/" + ProjectID + "/devices/" + device
}

// iotda sends a token-authenticated IoTDA request to devicePath + suffix.
func iotda(t testing.TB, s *Server, method, device, suffix string, q url.Values, body []byte) response {
	t.Helper()
	u := devicePath(s, device) + suffix
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req := newRequest(t, method, u, body)
	req.Header.Set(AuthTokenHeader, Token)
	return do(t, req)
}

// historyCount sends the history count request as the official SDK does:
// a POST declared as JSON, the filters as query parameters.
func historyCount(t testing.TB, s *Server, device string, q url.Values) response {
	t.Helper()
	u := devicePath(s, device) + "/async-commands-history/count"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req := newRequest(t, http.MethodPost, u, []byte("{}"))
	req.Header.Set(AuthTokenHeader, Token)
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// ibm sends an authenticated IBM request to /api/v0002 + path.
func ibm(t testing.TB, s *Server, method, path string, q url.Values, body []byte) response {
	t.Helper()
	u := s.URL() + "/api/v0002" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req := newRequest(t, method, u, body)
	req.SetBasicAuth(APIKey, APIToken)
	return do(t, req)
}

type wireCommand struct {
	DeviceID      string         `json:"device_id"`
	CommandID     string         `json:"command_id"`
	ServiceID     string         `json:"service_id"`
	CommandName   string         `json:"command_name"`
	Paras         jsontext.Value `json:"paras"`
	ExpireTime    *int           `json:"expire_time"`
	Status        string         `json:"status"`
	Result        jsontext.Value `json:"result"`
	CreatedTime   string         `json:"created_time"`
	SentTime      string         `json:"sent_time"`
	DeliveredTime string         `json:"delivered_time"`
	ResponseTime  string         `json:"response_time"`
	SendStrategy  string         `json:"send_strategy"`
}

type wireHistory struct {
	Commands []wireCommand `json:"commands"`
	Page     struct {
		Marker string `json:"marker"`
		Count  *int   `json:"count"`
	} `json:"page"`
}

type wireIoTDAError struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

type wireIBMError struct {
	Message   string `json:"message"`
	Exception struct {
		ID         string   `json:"id"`
		Properties []string `json:"properties"`
	} `json:"exception"`
	Violations []struct {
		Message   string `json:"message"`
		Exception struct {
			ID         string   `json:"id"`
			Properties []string `json:"properties"`
		} `json:"exception"`
	} `json:"violations"`
}

type wireClientList struct {
	Results  []map[string]any `json:"results"`
	Bookmark *string          `json:"bookmark"`
	Meta     struct {
		TotalRows int `json:"total_rows"`
	} `json:"meta"`
}

type wireLog struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
}

func history(t testing.TB, s *Server, device string, q url.Values) wireHistory {
	t.Helper()
	r := iotda(t, s, http.MethodGet, device, "/async-commands-history", q, nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var h wireHistory
	r.decode(t, &h)
	return h
}

func requireIoTDAError(t testing.TB, r response, status int, code string) wireIoTDAError {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	var e wireIoTDAError
	r.decode(t, &e)
	require.Equal(t, code, e.ErrorCode, "body: %s", r.body)
	require.NotEmpty(t, e.ErrorMsg)
	require.NotEmpty(t, r.header.Get(RequestIDHeader))
	return e
}

func requireIBMError(t testing.TB, r response, status int, id string) wireIBMError {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	var e wireIBMError
	r.decode(t, &e)
	require.Equal(t, id, e.Exception.ID, "body: %s", r.body)
	require.Contains(t, e.Message, id+": ")
	require.NotNil(t, e.Exception.Properties, "properties must be an array: %s", r.body)
	if status == http.StatusBadRequest {
		require.NotEmpty(t, e.Violations, "a 400 lists violations: %s", r.body)
		require.Equal(t, id, e.Violations[0].Exception.ID)
	}
	return e
}

func ids(cmds []Command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.ID
	}
	return out
}

func wireIDs(cmds []wireCommand) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.CommandID
	}
	return out
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func compact(t time.Time) string { return t.UTC().Format(TimeLayout) }
