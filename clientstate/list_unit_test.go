package clientstate_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/pagination"
)

// statesJSON renders n minimal state records numbered from first.
func statesJSON(first, n int) string {
	recs := make([]string, n)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"id":"d:ab12cd:t:dev-%04d","connectionStatus":"connected"}`, first+i)
	}
	return "[" + strings.Join(recs, ",") + "]"
}

func TestListSendsEveryParameterUnchangedOnEveryPage(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(req *http.Request) (*http.Response, error) {
		switch req.URL.Query().Get("_bookmark") {
		case "":
			return jsonResponse(200, `{"results":`+statesJSON(0, 2)+`,"bookmark":"bm-1"}`), nil
		case "bm-1":
			return jsonResponse(200, `{"results":`+statesJSON(2, 1)+`,"bookmark":"bm-2"}`), nil
		default:
			return jsonResponse(200, `{"results":[],"bookmark":"bm-3"}`), nil
		}
	})
	cest := time.FixedZone("CEST", 2*3600)
	q := clientstate.ListQuery{
		Status:         clientstate.StatusDisconnected,
		ConnectedAfter: time.Date(2024, 5, 30, 14, 0, 0, 123456789, cest),
		DeviceType:     "sensor",
		DeviceID:       "s-1",
		Sort:           []string{"-lastActivityTime", "id"},
		PageSize:       2,
		Extra:          url.Values{"clientType": {"device"}},
	}
	var ids []string
	for st, err := range c.List(context.Background(), q) {
		require.NoError(t, err)
		ids = append(ids, st.ClientID)
	}
	assert.Equal(t, []string{"d:ab12cd:t:dev-0000", "d:ab12cd:t:dev-0001", "d:ab12cd:t:dev-0002"}, ids)

	reqs := rec.requests()
	require.Len(t, reqs, 3, "the empty page ends the listing even though it carries a bookmark")
	want := url.Values{
		"connectionStatus": {"disconnected"},
		"connectedAfter":   {"2024-05-30T12:00:00.123Z"}, // the official SDKs' name
		"deviceType":       {"sensor"},
		"deviceId":         {"s-1"},
		"_sort":            {"-lastActivityTime,id"},
		"_limit":           {"2"},
		"clientType":       {"device"},
	}
	for i, r := range reqs {
		assert.Equal(t, "/api/v0002/clientconnectionstates", r.URL.EscapedPath())
		got := r.URL.Query()
		bm := got.Get("_bookmark")
		got.Del("_bookmark")
		assert.Equal(t, want, got, "request %d", i)
		assert.Equal(t, []string{"", "bm-1", "bm-2"}[i], bm, "request %d", i)
	}
}

// The 2018 beta name can still be sent through Extra.
func TestListExtraSendsTheBetaName(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, `{"results":[]}`), nil })
	for _, err := range c.List(context.Background(), clientstate.ListQuery{Extra: url.Values{"lastConnectedAfter": {"2024-05-30T12:00:00.000Z"}}}) {
		require.NoError(t, err)
	}
	reqs := rec.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "2024-05-30T12:00:00.000Z", reqs[0].URL.Query().Get("lastConnectedAfter"))
	assert.False(t, reqs[0].URL.Query().Has("connectedAfter"))
	assert.Equal(t, "100", reqs[0].URL.Query().Get("_limit"), "the default page size")
}

func TestListQueryValidationSendsNothing(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, `{"results":[]}`), nil })
	for name, tc := range map[string]struct {
		q     clientstate.ListQuery
		field string
	}{
		"page size over max": {clientstate.ListQuery{PageSize: clientstate.MaxPageSize + 1}, "ListQuery.PageSize"},
		"negative page size": {clientstate.ListQuery{PageSize: -1}, "ListQuery.PageSize"},
		"unknown status":     {clientstate.ListQuery{Status: "online"}, "ListQuery.Status"},
		"bad device type":    {clientstate.ListQuery{DeviceType: "a/b"}, "ListQuery.DeviceType"},
		"long device ID":     {clientstate.ListQuery{DeviceID: strings.Repeat("d", 37)}, "ListQuery.DeviceID"},
		"bad sort":           {clientstate.ListQuery{Sort: []string{"last activity"}}, "ListQuery.Sort[0]"},
		"empty sort":         {clientstate.ListQuery{Sort: []string{"-"}}, "ListQuery.Sort[0]"},
		"extra _bookmark":    {clientstate.ListQuery{Extra: url.Values{"_bookmark": {"x"}}}, "ListQuery.Extra"},
		"extra _limit":       {clientstate.ListQuery{Extra: url.Values{"_limit": {"5"}}}, "ListQuery.Extra"},
		"extra status":       {clientstate.ListQuery{Status: clientstate.StatusConnected, Extra: url.Values{"connectionStatus": {"disconnected"}}}, "ListQuery.Extra"},
		"extra time":         {clientstate.ListQuery{Extra: url.Values{"connectedAfter": {"2024-01-01T00:00:00Z"}}}, "ListQuery.Extra"},
		"extra _sort":        {clientstate.ListQuery{Extra: url.Values{"_sort": {"id"}}}, "ListQuery.Extra"},
		"extra deviceType":   {clientstate.ListQuery{Extra: url.Values{"deviceType": {"x"}}}, "ListQuery.Extra"},
		"extra deviceId":     {clientstate.ListQuery{Extra: url.Values{"deviceId": {"x"}}}, "ListQuery.Extra"},
		"extra empty name":   {clientstate.ListQuery{Extra: url.Values{"": {"x"}}}, "ListQuery.Extra"},
	} {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, err := range c.List(context.Background(), tc.q) {
				n++
				var ve *iotclient.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
			}
			assert.Equal(t, 1, n, "one error, then the end")
			_, err := c.ListPage(context.Background(), tc.q)
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	assert.Empty(t, rec.requests())
}

func TestListStuckBookmarkEndsWithError(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, `{"results":`+statesJSON(0, 2)+`,"bookmark":"same"}`), nil
	})
	var items int
	var errs []error
	for _, err := range c.List(context.Background(), clientstate.ListQuery{PageSize: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items++
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], pagination.ErrStuckCursor)
	assert.Equal(t, 4, items, "the first page, then the repeated page, then the error")
	assert.Len(t, rec.requests(), 2)

	// ListPage reports the page as the platform sent it: the cycle check
	// belongs to the iterator (package pagination).
	p, err := c.ListPage(context.Background(), clientstate.ListQuery{PageSize: 2, Bookmark: "same"})
	require.NoError(t, err)
	assert.Equal(t, "same", p.Next)
}

func TestListPageTooManyResultsIsMalformed(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, `{"results":`+statesJSON(0, 3)+`,"bookmark":"b"}`), nil
	})
	_, err := c.ListPage(context.Background(), clientstate.ListQuery{PageSize: 2})
	assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	for _, err := range c.List(context.Background(), clientstate.ListQuery{PageSize: 2}) {
		assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	}
}

func TestListPageTotalAndBookmark(t *testing.T) {
	c, rec := newUnitClient(t)
	body := `{"results":` + statesJSON(0, 1) + `,"bookmark":"b1","meta":{"total_rows":2345}}`
	rec.handle(func(*http.Request) (*http.Response, error) {
		r := jsonResponse(200, body)
		r.Header.Set("X-Request-Id", "req-42")
		return r, nil
	})
	p, err := c.ListPage(context.Background(), clientstate.ListQuery{PageSize: 1, Bookmark: "b0"})
	require.NoError(t, err)
	assert.Equal(t, "b1", p.Next)
	assert.True(t, p.HasTotal)
	assert.Equal(t, 2345, p.Total)
	assert.Equal(t, "req-42", p.RequestID)
	require.Len(t, p.Items, 1)
	assert.Equal(t, "b0", rec.requests()[0].URL.Query().Get("_bookmark"))

	body = `{"results":` + statesJSON(0, 1) + `}`
	p, err = c.ListPage(context.Background(), clientstate.ListQuery{PageSize: 1})
	require.NoError(t, err)
	assert.False(t, p.HasTotal)
	assert.Zero(t, p.Total)
	assert.Empty(t, p.Next)
}

func TestListMalformedBody(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, `{"results":[{"id":"d:ab12cd:t:d","lastConnectTime":"soon"}]}`), nil
	})
	_, err := c.ListPage(context.Background(), clientstate.ListQuery{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, iotclient.ErrMalformedResponse))
	assert.Contains(t, err.Error(), "lastConnectTime")
}
