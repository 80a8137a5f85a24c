package devicestate

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the device search's SQL, from the IoTDA API.
const (
	MaxSearchSQL        = 400 // characters of the SQL
	MaxSearchConditions = 5   // conditions in its where clause
)

// SearchQuery filters a device search (POST
// /v5/iot/{project_id}/search/query-devices), the platform's only listing
// by status. The SDK writes the SQL: every field set is one condition, all
// joined by AND, so a caller never writes or escapes SQL. The platform
// takes at most 5 conditions (Marker and ByMarker's paging count as one)
// and 400 characters of SQL; a query beyond them is refused before any
// request. The search is offered on standard and enterprise editions only.
type SearchQuery struct {
	Status    Status   // status = '...': one of the five statuses (FREEZED is sent as FROZEN)
	ProductID string   // product_id = '...'
	AppID     string   // app_id = '...'
	GatewayID string   // gateway_id = '...': the gateway's sub-devices, and a direct device itself
	NodeType  NodeType // node_type = '...'
	DeviceID  string   // device_id = '...'
	NodeID    string   // node_id = '...'
	Name      string   // device_name = '...'
	// PageSize is the number of devices a request asks for ("limit
	// offset,rows"), 1 to 50; zero means 50 (the platform's own default is
	// 10).
	PageSize int
	// Offset skips that many devices (0 to 500) of the newest-first order.
	Offset int
	// Marker keeps the devices below this record ID ("marker < '...'"),
	// resuming after a page whose Next it is. That the platform takes a
	// condition on marker is unconfirmed (it documents ordering by it).
	Marker string
	// ByMarker makes Search page with a condition on the last record ID
	// seen (as Marker does) instead of by offset. By offset (the default,
	// documented) a search reaches at most the first 550 devices (offset
	// 500 plus a page) and then ends with an error matching
	// pagination.ErrOffsetLimit, and a device that changes status between
	// two pages may be skipped or seen twice; by marker it reaches every
	// device, each once, if the platform accepts the condition
	// (unconfirmed).
	ByMarker bool
}

// conds are the query's conditions in the order the SQL lists them, with
// the fields they come from.
func (q *SearchQuery) conds() [8]struct{ field, column, value string } {
	status := q.Status
	if status == "FREEZED" {
		status = StatusFrozen
	}
	return [8]struct{ field, column, value string }{
		{"SearchQuery.Status", "status", string(status)},
		{"SearchQuery.ProductID", "product_id", q.ProductID},
		{"SearchQuery.AppID", "app_id", q.AppID},
		{"SearchQuery.GatewayID", "gateway_id", q.GatewayID},
		{"SearchQuery.NodeType", "node_type", string(q.NodeType)},
		{"SearchQuery.DeviceID", "device_id", q.DeviceID},
		{"SearchQuery.NodeID", "node_id", q.NodeID},
		{"SearchQuery.Name", "device_name", q.Name},
	}
}

func (q *SearchQuery) validate() error {
	switch {
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		return invalid.Field("SearchQuery.PageSize", strconv.Itoa(q.PageSize), "must be between 1 and 50 (0 means 50)")
	case q.Offset < 0 || q.Offset > MaxOffset:
		return invalid.Field("SearchQuery.Offset", strconv.Itoa(q.Offset), "must be between 0 and 500")
	case q.Status != "" && q.Status != "FREEZED" && !q.Status.Known():
		return invalid.Field("SearchQuery.Status", string(q.Status), "is not one of ONLINE, OFFLINE, ABNORMAL, INACTIVE, FROZEN")
	case q.NodeType != "" && !q.NodeType.Known():
		return invalid.Field("SearchQuery.NodeType", string(q.NodeType), "is not one of GATEWAY, ENDPOINT, UNKNOWN")
	case q.Marker != "" && !markerPattern.MatchString(q.Marker):
		return invalid.Field("SearchQuery.Marker", q.Marker, "must be a record ID (letters and digits), such as a page's Next")
	}
	for _, id := range [...]struct{ field, v string }{{"SearchQuery.GatewayID", q.GatewayID}, {"SearchQuery.DeviceID", q.DeviceID}} {
		if id.v != "" {
			if err := iotda.CheckID(id.field, id.v, iotda.MaxDeviceIDLength); err != nil {
				return err
			}
		}
	}
	n := 0
	for _, c := range q.conds() {
		if c.value == "" {
			continue
		}
		if err := checkValue(c.field, c.value); err != nil {
			return err
		}
		// The escaping of a backslash differs between SQL dialects (the
		// platform's is not documented), so none is sent.
		if strings.ContainsRune(c.value, '\\') {
			return invalid.Field(c.field, c.value, "contains a backslash, which the search cannot match reliably")
		}
		n++
	}
	if q.Marker != "" || q.ByMarker {
		n++
	}
	if n > MaxSearchConditions {
		return invalid.Field("SearchQuery", "", fmt.Sprintf("sets %d conditions (Marker and ByMarker count as one); the platform takes at most %d", n, MaxSearchConditions))
	}
	// The longest SQL the query sends: with ByMarker, later pages carry a
	// record ID of the platform's length.
	marker := q.Marker
	if q.ByMarker && len(marker) < recordIDLength {
		marker = strings.Repeat("f", recordIDLength)
	}
	if sql := q.sql(false, marker, MaxOffset, MaxPageSize); utf8.RuneCountInString(sql) > MaxSearchSQL {
		return invalid.Field("SearchQuery", "", fmt.Sprintf("makes %d characters of SQL; the platform takes at most %d",
			utf8.RuneCountInString(sql), MaxSearchSQL))
	}
	return nil
}

// recordIDLength is the length of the platform's record IDs (markers).
const recordIDLength = 24

// quote renders v as an SQL string: quotes doubled, as standard SQL and
// MySQL both read them (the platform's escaping is not documented).
func quote(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// sql writes the query's statement: the matching devices newest record
// first, rows of them after offset and below marker, or their count.
func (q *SearchQuery) sql(count bool, marker string, offset, rows int) string {
	var b strings.Builder
	if count {
		b.WriteString("select count(*) from device")
	} else {
		b.WriteString("select * from device")
	}
	sep := " where "
	for _, c := range q.conds() {
		if c.value != "" {
			b.WriteString(sep + c.column + " = " + quote(c.value))
			sep = " and "
		}
	}
	if marker != "" {
		b.WriteString(sep + "marker < " + quote(marker))
	}
	if !count {
		// Without an order the platform's is random: paging needs one.
		b.WriteString(" order by marker desc limit " + strconv.Itoa(offset) + "," + strconv.Itoa(rows))
	}
	return b.String()
}

// SearchPage fetches one page of the devices matching q, newest record
// first, after waiting for the client's turn (see Config.SearchInterval).
// The page's Next is the last device's record ID when the page is full:
// set it as q.Marker (with Offset 0) to resume below it, or add PageSize
// to q.Offset. The search has no total: see SearchCount.
func (c *Client) SearchPage(ctx context.Context, q SearchQuery) (pagination.Page[Device], error) {
	return c.searchListing(q).Page(ctx)
}

// Search returns an iterator over every device matching q, newest record
// first, across pages, each request waiting for the client's turn (one a
// second by default). It pages by offset, or by record ID with q.ByMarker;
// see SearchQuery for what each reaches. It stops fetching as soon as the
// loop breaks and ends after yielding an error once; ranging over it again
// starts again. Invalid input is yielded as a *iotclient.ValidationError
// before any request is sent.
func (c *Client) Search(ctx context.Context, q SearchQuery) iter.Seq2[Device, error] {
	return c.searchListing(q).All(ctx)
}

func (c *Client) searchListing(q SearchQuery) *core.Listing[Device] {
	rows := cmp.Or(q.PageSize, DefaultPageSize)
	fetch := func(ctx context.Context, marker string, n int) (pagination.Page[Device], error) {
		switch {
		case n == 0:
			return c.searchPage(ctx, &q, q.Marker, q.Offset)
		case q.ByMarker:
			return c.searchPage(ctx, &q, marker, 0)
		}
		offset := q.Offset + n*rows
		if offset > MaxOffset {
			return pagination.Page[Device]{}, fmt.Errorf("%w: the search goes on past offset %d (set SearchQuery.ByMarker, or narrow the query)",
				pagination.ErrOffsetLimit, MaxOffset)
		}
		return c.searchPage(ctx, &q, q.Marker, offset)
	}
	return &core.Listing[Device]{Client: c.iotda.Core(), Check: q.validate, Start: q.Marker, Fetch: fetch}
}

// wait waits for the client's turn to search.
func (c *Client) wait(ctx context.Context) error {
	if c.search == nil {
		return ctx.Err()
	}
	return c.search.Wait(ctx)
}

func (c *Client) searchPage(ctx context.Context, q *SearchQuery, marker string, offset int) (pagination.Page[Device], error) {
	if err := c.wait(ctx); err != nil {
		return pagination.Page[Device]{}, err
	}
	rows := cmp.Or(q.PageSize, DefaultPageSize)
	out, p, err := c.devicePage(ctx, "POST", "/search/query-devices", nil, searchBody{SQL: q.sql(false, marker, offset, rows)}, rows)
	if err != nil {
		return p, err
	}
	if n := len(out.Devices); n == rows {
		if p.Next = out.Devices[n-1].Marker; p.Next == "" {
			return pagination.Page[Device]{}, fmt.Errorf("%w: devices[%d] of a full search page has no marker (request ID %s)",
				iotclient.ErrMalformedResponse, n-1, p.RequestID)
		}
	}
	return p, nil
}

// SearchCount returns how many devices match q's filters (select count(*)),
// waiting for the client's turn like Search; PageSize, Offset and ByMarker
// are ignored, Marker counts the devices below it.
func (c *Client) SearchCount(ctx context.Context, q SearchQuery) (int, error) {
	q.PageSize, q.Offset, q.ByMarker = 0, 0, false
	if err := q.validate(); err != nil {
		return 0, err
	}
	if err := c.wait(ctx); err != nil {
		return 0, err
	}
	var out wireList
	requestID, err := c.do(ctx, "POST", "/search/query-devices", nil, searchBody{SQL: q.sql(true, q.Marker, 0, 0)}, &out)
	if err != nil {
		return 0, c.scrub(err)
	}
	n, err := iotda.Count(out.Count, "devices", requestID)
	return n, c.scrub(err)
}
