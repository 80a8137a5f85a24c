package auth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func newCore(t *testing.T, u string, cred Credential, opts ...iotclient.Option) *core.Client {
	t.Helper()
	opts = append([]iotclient.Option{iotclient.WithBackoff(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := core.New(u, cred, core.Settings(opts), nil)
	require.NoError(t, err)
	return c
}

// Servers that echo every request header (401 and 403 JSON, a proxy's 502
// HTML page) leak no secret into the error.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	const pw, tok, ak, sk, st, key, ibm = "PW-Secret-echo1", "TOK-Secret-echo2", "AK-Secret-echo3", "SK-Secret-echo4",
		"ST-Secret-echo5", "a-ab12cd-KeySecretEcho6", "IBM-Secret-echo7"
	var status atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		r.Header.Write(&b)
		body, _ := io.ReadAll(r.Body)
		echo := strings.NewReplacer(`"`, `'`, "\r\n", " ").Replace(b.String() + string(body))
		if r.URL.Path == "/v3/auth/tokens" {
			w.Header().Set(subjectTokenHeader, "IAMTOK-Secret-echo8")
			w.WriteHeader(201)
			io.WriteString(w, `{"token":{}}`)
			return
		}
		switch s := int(status.Load()); s {
		case 502:
			w.WriteHeader(s)
			io.WriteString(w, "<html><body>Bad gateway: "+echo+"</body></html>")
		default:
			w.WriteHeader(s)
			fmt.Fprintf(w, `{"error_code":"X","error_msg":"rejected %s","message":"rejected %s"}`, echo, echo)
		}
	}))
	t.Cleanup(srv.Close)
	secrets := []string{pw, tok, sk, st, ak, key, ibm, "IAMTOK-Secret-echo8",
		"YS1hYjEyY2QtS2V5U2VjcmV0RWNobzY6SUJNLVNlY3JldC1lY2hvNw=="}
	creds := []Credential{Token(tok), AKSK(ak, sk, WithSecurityToken(st)), APIKey(key, ibm),
		IAMPassword(IAMConfig{Endpoint: srv.URL, Domain: "d", User: "u", Project: "p"}, pw)}
	for _, cred := range creds {
		c := newCore(t, srv.URL, cred, iotclient.WithRetry(0))
		for _, s := range []int32{401, 403, 502} {
			status.Store(s)
			_, err := c.Do(context.Background(), core.Request{Method: "POST", Path: "/x", Body: map[string]string{"a": "b"}}, nil)
			require.Error(t, err)
			var ae *iotclient.APIError
			require.ErrorAs(t, err, &ae)
			all := err.Error() + fmt.Sprintf("%+v %v", err, err) + ae.Message
			for _, sec := range secrets {
				require.NotContains(t, all, sec, "%s %d", cred, s)
			}
		}
	}
}

// cutEveryThird forwards to target and cuts every third 200 body in half,
// keeping the framing intact (Content-Length matches what is sent).
func cutEveryThird(t *testing.T, target string) *httptest.Server {
	u, _ := url.Parse(target)
	p := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int32
	p.ModifyResponse = func(resp *http.Response) error {
		if resp.StatusCode != 200 || n.Add(1)%3 != 0 {
			return nil
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body.Close()
		b = b[:len(b)/2]
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv
}

func TestWalkSurvivesCutJSON(t *testing.T) {
	m := mockserver.New()
	t.Cleanup(m.Close)
	// The history holds the final and delivered commands of those seeded.
	want := len(mockserver.HistoryOnly(m.SeedCommands("dev-1", 575, 1)))
	require.GreaterOrEqual(t, want, 500)
	proxy := cutEveryThird(t, m.URL())
	c := newCore(t, proxy.URL, AKSK(mockserver.AccessKey, mockserver.SecretKey))
	seen := map[string]bool{}
	marker := ""
	for range 100 {
		var page struct {
			Commands []struct {
				ID string `json:"command_id"`
			} `json:"commands"`
			Page struct {
				Marker string `json:"marker"`
			} `json:"page"`
		}
		q := url.Values{"limit": {"50"}}
		if marker != "" {
			q.Set("marker", marker)
		}
		_, err := c.Do(context.Background(), core.Request{Method: "GET", Idempotent: true, Query: q,
			Path: "/v5/iot/" + mockserver.ProjectID + "/devices/dev-1/async-commands-history"}, &page)
		require.NoError(t, err)
		if len(page.Commands) == 0 {
			break
		}
		for _, cmd := range page.Commands {
			seen[cmd.ID] = true
		}
		marker = page.Page.Marker
	}
	assert.Len(t, seen, want)
}

// iamServer answers logins with status login (and a token without expiry
// on 201) and the API with status api; it counts logins.
func iamServer(t *testing.T, login, api int) (*httptest.Server, *atomic.Int32) {
	var logins atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3/auth/tokens" {
			n := logins.Add(1)
			if login == 201 {
				w.Header().Set(subjectTokenHeader, "tok-"+strconv.Itoa(int(n)))
			}
			w.WriteHeader(login)
			io.WriteString(w, `{"token":{"methods":["password"]}}`)
			return
		}
		w.WriteHeader(api)
		io.WriteString(w, `{"error_code":"APIGW.0301","error_msg":"bad token"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &logins
}

func iamClient(t *testing.T, srv *httptest.Server) *core.Client {
	return newCore(t, srv.URL, IAMPassword(IAMConfig{Endpoint: srv.URL, Domain: "d", User: "u", Project: "p"}, "pw-123456"))
}

func TestIAMLoginStorms(t *testing.T) {
	get := core.Request{Method: "GET", Path: "/x", Idempotent: true}
	t.Run("IAM answers 500", func(t *testing.T) {
		srv, logins := iamServer(t, 500, 200)
		c := iamClient(t, srv)
		for range 20 {
			_, err := c.Do(context.Background(), get, nil)
			require.Error(t, err)
		}
		assert.LessOrEqual(t, logins.Load(), int32(5))
	})
	t.Run("token without expiry", func(t *testing.T) {
		srv, logins := iamServer(t, 201, 200)
		c := iamClient(t, srv)
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				_, err := c.Do(context.Background(), get, nil)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), logins.Load())
	})
	t.Run("persistent 401", func(t *testing.T) {
		srv, logins := iamServer(t, 201, 401)
		c := iamClient(t, srv)
		for range 20 {
			_, err := c.Do(context.Background(), get, nil)
			require.ErrorIs(t, err, iotclient.ErrUnauthorized)
		}
		assert.LessOrEqual(t, logins.Load(), int32(2))
	})
}
