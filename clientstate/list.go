package clientstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// Page sizes of the list query.
const (
	// DefaultPageSize is the SDK's page size when ListQuery.PageSize is 0:
	// the largest the SDK allows, so a full listing takes the fewest round
	// trips against the 10 calls a second IBM allows an organization (the
	// platform's own default is 25).
	DefaultPageSize = 100
	// MaxPageSize is the largest ListQuery.PageSize the SDK sends. The
	// platform does not document its maximum (IBM's own SDK pages with 50;
	// the SDK's mock server, like other v0002 lists, allows 100): should
	// the platform refuse 100 with a 400, set PageSize to 50.
	MaxPageSize = 100
)

// Query parameter names of GET /clientconnectionstates.
const (
	paramStatus         = "connectionStatus"
	paramConnectedAfter = "lastConnectedAfter"
	paramDeviceType     = "deviceType"
	paramDeviceID       = "deviceId"
	paramLimit          = "_limit"
	paramBookmark       = "_bookmark"
	paramSort           = "_sort"
)

// modelled maps the parameters ListQuery sets itself to the field that sets
// them, for refusing the same names in Extra.
var modelled = map[string]string{
	paramStatus:         "Status",
	paramConnectedAfter: "ConnectedAfter",
	paramDeviceType:     "DeviceType",
	paramDeviceID:       "DeviceID",
	paramLimit:          "PageSize",
	paramBookmark:       "Bookmark",
	paramSort:           "Sort",
}

// ListQuery filters and positions a query over the connection states of
// all clients. The zero value lists every client in the platform's order.
// Every filter is sent unchanged with every page, as the platform's bookmark
// rule requires.
type ListQuery struct {
	// Status keeps only Connected or only Disconnected clients
	// ("connectionStatus"). Empty keeps both.
	Status ConnectionStatus
	// ConnectedAfter keeps clients that last connected after this time. It
	// is sent as "lastConnectedAfter", the name the platform documentation
	// shows, in UTC RFC 3339 with milliseconds. IBM's own SDKs send the
	// same filter as "connectedAfter": to send that name instead, leave
	// ConnectedAfter zero and set Extra["connectedAfter"].
	ConnectedAfter time.Time
	// DeviceType and DeviceID narrow the listing to one device type or ID
	// ("deviceType", "deviceId": sent by IBM's Python SDK, not in the
	// platform documentation). Each is 1 to 36 of [A-Za-z0-9-_.].
	DeviceType string
	DeviceID   string
	// Sort orders the results by these fields, each optionally prefixed
	// with '-' for descending, such as "-lastActivityTime" ("_sort", sent
	// comma-separated).
	Sort []string
	// PageSize is the number of states a request asks for ("_limit"), 1 to
	// MaxPageSize; zero means DefaultPageSize.
	PageSize int
	// Bookmark resumes after the page that returned it: set it to a
	// StatePage's Bookmark, with every other field unchanged. Empty starts
	// at the beginning.
	Bookmark string
	// Extra holds further query parameters, sent as given on every page:
	// filters the SDK does not model, such as "connectedAfter". A name the
	// query sets itself (connectionStatus, lastConnectedAfter, deviceType,
	// deviceId, _limit, _bookmark, _sort) is refused with a
	// *iotclient.ValidationError: use the field instead.
	Extra url.Values
}

func (q *ListQuery) validate() error {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return iotclient.NewValidationError("ListQuery.PageSize", strconv.Itoa(q.PageSize),
			"must be between 1 and "+strconv.Itoa(MaxPageSize)+" (0 means "+strconv.Itoa(DefaultPageSize)+")")
	}
	if q.Status != "" && !q.Status.Known() {
		return iotclient.NewValidationError("ListQuery.Status", string(q.Status), `must be "connected" or "disconnected" (or empty for both)`)
	}
	if q.DeviceType != "" {
		if err := checkPart("ListQuery.DeviceType", q.DeviceType); err != nil {
			return err
		}
	}
	if q.DeviceID != "" {
		if err := checkPart("ListQuery.DeviceID", q.DeviceID); err != nil {
			return err
		}
	}
	for i, f := range q.Sort {
		if !validSortField(f) {
			return iotclient.NewValidationError("ListQuery.Sort["+strconv.Itoa(i)+"]", f,
				"must be a field name such as lastActivityTime, optionally prefixed with '-'")
		}
	}
	for name := range q.Extra {
		if field, ok := modelled[name]; ok {
			return iotclient.NewValidationError("ListQuery.Extra", name, "is the parameter of ListQuery."+field+"; set that field instead")
		}
		if name == "" {
			return iotclient.NewValidationError("ListQuery.Extra", "", "has an empty parameter name")
		}
	}
	return nil
}

func validSortField(f string) bool {
	f = strings.TrimPrefix(f, "-")
	if f == "" || len(f) > 64 {
		return false
	}
	for i := 0; i < len(f); i++ {
		if c := f[i]; !isAlnum(c) && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func (q *ListQuery) pageSize() int {
	if q.PageSize == 0 {
		return DefaultPageSize
	}
	return q.PageSize
}

// values renders the query parameters every page shares (all but
// _bookmark), copying Extra so a caller changing it mid-iteration cannot
// change the query between pages.
func (q *ListQuery) values() url.Values {
	v := make(url.Values, len(q.Extra)+6)
	for k, vs := range q.Extra {
		v[k] = append([]string(nil), vs...)
	}
	v.Set(paramLimit, strconv.Itoa(q.pageSize()))
	if q.Status != "" {
		v.Set(paramStatus, string(q.Status))
	}
	if !q.ConnectedAfter.IsZero() {
		v.Set(paramConnectedAfter, wire.FormatIBM(q.ConnectedAfter))
	}
	if q.DeviceType != "" {
		v.Set(paramDeviceType, q.DeviceType)
	}
	if q.DeviceID != "" {
		v.Set(paramDeviceID, q.DeviceID)
	}
	if len(q.Sort) > 0 {
		v.Set(paramSort, strings.Join(q.Sort, ","))
	}
	return v
}

// StatePage is one page of the listing of client states.
type StatePage struct {
	// States are the page's records, in the platform's order.
	States []State
	// Bookmark resumes after this page: set it as ListQuery.Bookmark, with
	// the rest of the query unchanged, to fetch the next page. It is empty
	// when this page was the last (the platform sent no bookmark, or no
	// results).
	Bookmark string
	// Total is the number of clients matching the query, from the
	// response's meta.total_rows; HasTotal is false (and Total zero) when
	// the platform did not send it (that field is unconfirmed for this
	// API).
	Total    int64
	HasTotal bool
	// RequestID is the platform's ID of the request, for support cases.
	RequestID string
}

// DecodeJSON implements core.Decoder: one strict pass of the JSON decoder
// over the body.
func (w *wireList) DecodeJSON(data []byte) error {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("the list response is not a JSON object: %s", snippet(data))
	}
	return decode(data, w)
}

// ListPage fetches one page of client states matching q, starting after
// q.Bookmark; the page's Bookmark resumes after it. Invalid input is a
// *iotclient.ValidationError before any request; a page that hands back the
// bookmark it was asked for is an error matching pagination.ErrStuckCursor
// (resuming with it would loop); while the API is deactivated, the error
// matches ErrDisabled.
func (c *Client) ListPage(ctx context.Context, q ListQuery) (StatePage, error) {
	if err := q.validate(); err != nil {
		return StatePage{}, err
	}
	p, err := c.listPage(ctx, q.values(), q.pageSize(), q.Bookmark)
	if err == nil && p.Bookmark != "" && p.Bookmark == q.Bookmark {
		// Resuming with it would fetch this page for ever.
		return StatePage{}, fmt.Errorf("%w: the platform returned bookmark %q again (request ID %s)",
			pagination.ErrStuckCursor, p.Bookmark, p.RequestID)
	}
	return p, err
}

// List returns an iterator over the connection states of every client
// matching q, across every page, starting after q.Bookmark. It fetches a
// page at a time, stops fetching as soon as the loop breaks, and ends after
// yielding an error once; a bookmark that does not advance ends it with an
// error matching pagination.ErrStuckCursor. Ranging over it again starts
// again from q.Bookmark.
//
// Invalid input is yielded as a *iotclient.ValidationError before any
// request is sent. While the API is deactivated, the error matches
// ErrDisabled.
func (c *Client) List(ctx context.Context, q ListQuery) iter.Seq2[State, error] {
	if err := q.validate(); err != nil {
		return func(yield func(State, error) bool) { yield(State{}, err) }
	}
	base, limit := q.values(), q.pageSize()
	return pagination.Cursor(ctx, q.Bookmark, func(ctx context.Context, bookmark string, _ int) (pagination.Page[State], error) {
		p, err := c.listPage(ctx, base, limit, bookmark)
		return pagination.Page[State]{Items: p.States, Next: p.Bookmark}, err
	})
}

func (c *Client) listPage(ctx context.Context, base url.Values, limit int, bookmark string) (StatePage, error) {
	v := base
	if bookmark != "" {
		v = make(url.Values, len(base)+1)
		for k, vs := range base {
			v[k] = vs
		}
		v.Set(paramBookmark, bookmark)
	}
	var out wireList
	info, err := c.core.Do(ctx, core.Request{
		Method:     "GET",
		Path:       "/clientconnectionstates",
		Query:      v,
		Idempotent: true,
	}, &out)
	if err != nil {
		return StatePage{}, stateError(err)
	}
	p := StatePage{RequestID: info.RequestID, States: make([]State, len(out.Results))}
	for i := range out.Results {
		p.States[i] = out.Results[i].state()
	}
	if len(out.Results) > limit {
		return StatePage{}, fmt.Errorf("%w: the platform returned %d client states for a page of %d (request ID %s)",
			iotclient.ErrMalformedResponse, len(out.Results), limit, info.RequestID)
	}
	if len(out.Results) > 0 {
		p.Bookmark = out.Bookmark
	}
	p.Total, p.HasTotal = out.Meta.total, out.Meta.hasTotal
	return p, nil
}

// Get returns the connection state of one client, given its full client ID
// such as "d:ab12cd:sensor:s-1" (see ParseClientID). The ID is checked
// before any request; a client the platform does not know is an
// *iotclient.APIError matching iotclient.ErrNotFound, and a deactivated API
// an error matching ErrDisabled.
func (c *Client) Get(ctx context.Context, clientID string) (State, error) {
	id, err := ParseClientID(clientID)
	if err != nil {
		return State{}, err
	}
	var st State
	// Every character of a valid client ID is allowed in a path segment
	// as it is: the colons are sent unescaped, as the platform expects.
	if _, err := c.core.Do(ctx, core.Request{
		Method:     "GET",
		Path:       "/clientconnectionstates/" + id.String(),
		Idempotent: true,
	}, stateDecoder{&st}); err != nil {
		return State{}, stateError(err)
	}
	return st, nil
}

// stateDecoder lets the core hand a body straight to State's decoder.
type stateDecoder struct{ st *State }

// DecodeJSON implements core.Decoder. Unlike UnmarshalJSON it refuses
// null: Get must not return a zero State as if it were the answer.
func (d stateDecoder) DecodeJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return errors.New("the body is null, not a client state")
	}
	return d.st.UnmarshalJSON(data)
}

var (
	_ core.Decoder = (*wireList)(nil)
	_ core.Decoder = stateDecoder{}
)
