package clientstate

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/pagination"
)

// Page sizes of the list query.
const (
	// DefaultPageSize is the page size when ListQuery.PageSize is 0, the
	// largest for the fewest calls (the platform's own default is 25).
	DefaultPageSize = 100
	// MaxPageSize is the largest ListQuery.PageSize. The platform's is not
	// documented (IBM's SDK pages with 50): if it refuses 100, use 50.
	MaxPageSize = 100
)

// ListQuery filters and positions a query over the connection states of
// all clients. The zero value lists every client in the platform's order.
type ListQuery struct {
	// Status keeps only StatusConnected or only StatusDisconnected clients
	// ("connectionStatus"). Empty keeps both.
	Status ConnectionStatus
	// ConnectedAfter keeps clients that last connected after this time. It
	// is sent as "connectedAfter", in UTC ISO 8601 with milliseconds, the
	// name IBM's Python, Node.js and Java SDKs all send. A 2018 beta page
	// of the platform documentation calls it "lastConnectedAfter": to send
	// that name, leave ConnectedAfter zero and set
	// Extra["lastConnectedAfter"].
	ConnectedAfter time.Time
	// DeviceType and DeviceID narrow the listing to one device type or ID
	// ("deviceType", "deviceId": sent by IBM's Python SDK, not in the
	// platform documentation). Each is 1 to 36 of [A-Za-z0-9-_.].
	DeviceType string
	DeviceID   string
	// Sort orders the results by these fields, each optionally prefixed
	// with '-' for descending, such as "-lastActivityTime" ("_sort").
	Sort []string
	// PageSize is the number of states a request asks for ("_limit"), 1 to
	// MaxPageSize; zero means DefaultPageSize.
	PageSize int
	// Bookmark resumes after the page that returned it: set it to the
	// page's Next, with every other field unchanged. Empty starts at the
	// beginning.
	Bookmark string
	// Extra holds further query parameters, sent as given on every page,
	// such as "lastConnectedAfter". A name the query sets itself
	// (connectionStatus, connectedAfter, deviceType, deviceId, _limit,
	// _bookmark, _sort) is refused: use the field instead.
	Extra url.Values
}

// sortPattern is a field name, optionally prefixed with '-' (descending).
var sortPattern = regexp.MustCompile(`^-?[A-Za-z0-9_.]{1,64}$`)

func (q *ListQuery) validate() error {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return invalid.Field("ListQuery.PageSize", strconv.Itoa(q.PageSize),
			"must be between 1 and "+strconv.Itoa(MaxPageSize)+" (0 means "+strconv.Itoa(DefaultPageSize)+")")
	}
	if q.Status != "" && !q.Status.Known() {
		return invalid.Field("ListQuery.Status", string(q.Status), `must be "connected" or "disconnected" (or empty for both)`)
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
		if !sortPattern.MatchString(f) {
			return invalid.Field("ListQuery.Sort["+strconv.Itoa(i)+"]", f,
				"must be a field name such as lastActivityTime, optionally prefixed with '-'")
		}
	}
	for name := range q.Extra {
		if field, ok := modelled[name]; ok {
			return invalid.Field("ListQuery.Extra", name, "is the parameter of ListQuery."+field+"; set that field instead")
		}
		if name == "" {
			return invalid.Field("ListQuery.Extra", "", "has an empty parameter name")
		}
	}
	return nil
}

// ListPage fetches one page of client states matching q, after q.Bookmark.
// The page's Next resumes after it ("" on the last page); Total carries the
// platform's meta.total_rows when sent (unconfirmed for this API). Invalid
// input is a *iotclient.ValidationError before any request; while the API
// is deactivated, the error matches ErrDisabled.
func (c *Client) ListPage(ctx context.Context, q ListQuery) (pagination.Page[State], error) {
	return c.list(q).Page(ctx)
}

// List returns an iterator over the states of every client matching q,
// across every page from q.Bookmark, as package pagination describes
// (pagination.ErrStuckCursor for a bookmark that does not advance). Its
// errors are ListPage's.
func (c *Client) List(ctx context.Context, q ListQuery) iter.Seq2[State, error] {
	return c.list(q).All(ctx)
}

func (c *Client) list(q ListQuery) *core.Listing[State] {
	// A copy, so a caller changing q.Sort or q.Extra mid-iteration cannot
	// change the query between pages.
	q.Sort, q.Extra = slices.Clone(q.Sort), maps.Clone(q.Extra)
	for k, vs := range q.Extra {
		q.Extra[k] = slices.Clone(vs)
	}
	return &core.Listing[State]{
		Client: c.core,
		Check:  q.validate,
		Start:  q.Bookmark,
		Fetch: func(ctx context.Context, bookmark string, _ int) (pagination.Page[State], error) {
			return c.listPage(ctx, &q, bookmark)
		},
	}
}

func (c *Client) listPage(ctx context.Context, q *ListQuery, bookmark string) (pagination.Page[State], error) {
	limit := cmp.Or(q.PageSize, DefaultPageSize)
	recs := wireRecords.Get(limit)
	defer wireRecords.Put(recs)
	out := wireList{Results: *recs}
	requestID, err := c.do(ctx, "GET", "/clientconnectionstates", q.params(bookmark, limit), nil, &out)
	*recs = out.Results
	if err != nil {
		return pagination.Page[State]{}, stateError(err)
	}
	return out.page(limit, requestID)
}

// Get returns the connection state of one client by its full client ID,
// such as "d:ab12cd:sensor:s-1", checked before any request. An unknown
// client is an *iotclient.APIError matching iotclient.ErrNotFound; a
// deactivated API, an error matching ErrDisabled.
func (c *Client) Get(ctx context.Context, clientID string) (State, error) {
	id, err := ParseClientID(clientID)
	if err != nil {
		return State{}, err
	}
	var w wireState
	// A valid client ID needs no escaping in a path: the colons are sent as
	// they are, as the platform expects.
	if _, err := c.do(ctx, "GET", "/clientconnectionstates/"+id.String(), nil, nil, &w); err != nil {
		return State{}, stateError(err)
	}
	return w.state(), nil
}
