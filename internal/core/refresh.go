package core

import (
	"log/slog"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/iotclient/iotclient-go/auth"
)

// repeatOn401 gives a credential that can replace its token (an
// auth.Refresher) one chance after a 401: the token the request was sent
// with is invalidated and the request is sent again, once, whatever its
// method (a 401 means the platform did not process it). Any other outcome,
// or a credential without a token to replace, is returned as it came.
func (c *Client) repeatOn401(req *retryablehttp.Request, a *attempt, resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp == nil || resp.StatusCode != http.StatusUnauthorized || req.Context().Err() != nil {
		return resp, err
	}
	t, _ := c.rc.HTTPClient.Transport.(*transport)
	if t == nil {
		return resp, err
	}
	r, ok := t.cred.(auth.Refresher)
	if !ok {
		return resp, err
	}
	// resp.Request is the request as it went out, with the token applied
	// (net/http sets it); Invalidate copes with its absence.
	r.Invalidate(resp.Request)
	resp.Body.Close()
	if l := c.settings.Logger; l != nil {
		l.LogAttrs(req.Context(), slog.LevelDebug, "iotclient token rejected; refreshing and repeating once",
			slog.String("method", req.Method), slog.String("url", redactURL(req.URL.String())))
	}
	a.read = false
	return c.rc.Do(req)
}
