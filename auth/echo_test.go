package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	stdjson "encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
)

// encodedForms are the ways a server, gateway or proxy may echo s: URL
// query and path escaping, JSON with HTML escaping (Go's encoding/json),
// with \/ for '/', and JavaScript's encodeURIComponent.
func encodedForms(s string) map[string]string {
	html, _ := stdjson.Marshal(s)
	return map[string]string{
		"raw":                s,
		"query":              url.QueryEscape(s),
		"query lower hex":    lowerHex(url.QueryEscape(s)),
		"path":               url.PathEscape(s),
		"json html":          strings.Trim(string(html), `"`),
		"json slash":         strings.ReplaceAll(s, "/", `\/`),
		"json upper hex":     strings.NewReplacer("&", `\u0026`, "<", `\u003C`, ">", `\u003E`).Replace(s),
		"encodeURIComponent": strings.NewReplacer("%21", "!", "%28", "(", "%29", ")", "%2A", "*", "%27", "'", "+", "%20").Replace(url.QueryEscape(s)),
	}
}

// lowerHex lower-cases the hex digits of percent escapes.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = bytes.ToLower(b[i+1 : i+2])[0], bytes.ToLower(b[i+2 : i+3])[0]
		}
	}
	return string(b)
}

// A server that echoes a secret in any encoded form (URL escaping, JSON
// escaping, the Basic credentials in standard, unpadded or URL-safe base64)
// into a JSON or an HTML error gets none of it into the error.
func TestEncodedEchoesAreScrubbed(t *testing.T) {
	// IBM tokens hold & ( ) ! ?; the password holds what HTML escaping
	// changes.
	const key, ibm, pw, tok = "a-ab12cd-KeyEcho/9+x", "IBM&Tok(en)!?/Echo~1 x", "Pw&<Echo>/é 2", "IAM&Tok(en)!?Echo3"
	basic := []byte(key + ":" + ibm)
	var echo atomic.Pointer[string]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3/auth/tokens" {
			w.Header().Set(subjectTokenHeader, tok)
			w.WriteHeader(201)
			io.WriteString(w, `{"token":{}}`)
			return
		}
		e := *echo.Load()
		if r.URL.Query().Get("html") != "" {
			w.WriteHeader(502)
			io.WriteString(w, "<html><body>Bad gateway: "+e+"</body></html>")
			return
		}
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error_code":"X","error_msg":"rejected %s","request_id":"%s"}`, e, e)
	}))
	t.Cleanup(srv.Close)
	cases := map[Credential][]string{
		APIKey(key, ibm): {ibm, key, base64.StdEncoding.EncodeToString(basic), base64.RawStdEncoding.EncodeToString(basic),
			base64.URLEncoding.EncodeToString(basic), base64.RawURLEncoding.EncodeToString(basic)},
		IAMPassword(IAMConfig{Endpoint: srv.URL, Domain: "d", User: "u", Project: "p"}, pw): {pw, tok},
		Token("Tok&(en)!?/Echo4"): {"Tok&(en)!?/Echo4"},
		AKSK("AK&Echo(5)", "SK&<Echo>/(6)!", WithSecurityToken("ST&Echo(7)?/")): {"AK&Echo(5)", "SK&<Echo>/(6)!", "ST&Echo(7)?/"},
	}
	for cred, secrets := range cases {
		c := newCore(t, srv.URL, cred, iotclient.WithRetry(0))
		for _, secret := range secrets {
			for form, s := range encodedForms(secret) {
				for _, html := range []string{"", "1"} {
					echo.Store(&s)
					_, err := c.Do(context.Background(), core.Request{Method: "GET", Path: "/x", Query: url.Values{"html": {html}}}, nil)
					require.Error(t, err)
					var ae *iotclient.APIError
					require.ErrorAs(t, err, &ae)
					all := err.Error() + ae.Message + ae.RequestID
					require.NotContains(t, all, s, "%s: %s of %q (html %q)", cred, form, secret, html)
					require.Contains(t, all, "[redacted]", "%s: %s", cred, form)
				}
			}
		}
	}
}

// The login body carries the password as itself (no \u0026 for '&'): the
// IAM password is what the user typed, whatever JSON escaping a server
// applies when it echoes it.
func TestIAMLoginBodyIsNotHTMLEscaped(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var body string
	mt.RegisterResponder("POST", iamURL, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		resp := httpmock.NewStringResponse(201, `{"token":{}}`)
		resp.Header.Set(subjectTokenHeader, "tok-1")
		return resp, nil
	})
	cred := bound(t, mt, IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "cn-north-4"}, "p&ss<w>rd")
	assert.Equal(t, "tok-1", tokenOf(t, cred))
	assert.Contains(t, body, `"password":"p&ss<w>rd"`)
	assert.NotContains(t, body, `\u0026`)
}

// A token replaced after a 401 stays in the scrub list: a request that
// carried it may fail after the replacement with an answer that echoes it.
func TestReplacedIAMTokenStaysScrubbed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, mt, cred := newIAM(t, 24*time.Hour)
		release := make(chan struct{})
		mt.RegisterResponder("GET", iotdaBase+"/slow", func(r *http.Request) (*http.Response, error) {
			<-release // answers after the token it carries was replaced
			return httpmock.NewStringResponse(500, `{"error_msg":"token `+r.Header.Get(tokenHeader)+` failed"}`), nil
		})
		c := newCoreOver(t, mt, cred)
		done := make(chan error)
		go func() {
			_, err := c.Do(context.Background(), core.Request{Method: "GET", Path: "/slow"}, nil)
			done <- err
		}()
		synctest.Wait()
		for n := 1; n <= keptTokens; n++ { // the token carried, then as many replacements as are kept
			sent, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
			sent.Header.Set(tokenHeader, tokenOf(t, cred))
			require.True(t, cred.(Refresher).Invalidate(sent))
		}
		assert.Equal(t, fmt.Sprintf("tok-%d", keptTokens+1), tokenOf(t, cred))
		close(release)
		err := <-done
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "tok-1 ")
		assert.Contains(t, err.Error(), "token [redacted] failed")
	})
}

const iotdaBase = "https://iotda.cn-north-4.myhuaweicloud.com"

// newCoreOver is a core client for iotdaBase that sends through mt.
func newCoreOver(t *testing.T, mt http.RoundTripper, cred Credential) *core.Client {
	t.Helper()
	return newCore(t, iotdaBase, cred, iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithRetry(0))
}
