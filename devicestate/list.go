package devicestate

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the device list and search, from the IoTDA API.
const (
	MaxPageSize     = 50  // devices per page
	MaxOffset       = 500 // devices skipped after a marker
	DefaultPageSize = 50  // the SDK's page size when PageSize is 0 (the platform's is 10)
	// MaxValueLength bounds a filter's value (a name or an ID) in
	// characters.
	MaxValueLength = 256
)

// ListQuery filters and positions a query over the devices of the
// project. The zero value lists every device, newest registration first.
// The platform's list has no status filter: see Search for one.
type ListQuery struct {
	// ProductID, AppID, NodeID and Name keep the devices with exactly this
	// product, resource space (app), node ID or device name.
	ProductID string
	AppID     string
	NodeID    string
	Name      string
	// GatewayID keeps the sub-devices of this gateway (not the gateway
	// itself): those directly under it, or every level below with
	// AllLevels ("is_cascade_query").
	GatewayID string
	AllLevels bool
	// Since and Until keep the devices registered from Since to Until
	// (start_time, end_time), both included; either may be zero. They are
	// sent in UTC, to the second.
	Since, Until time.Time
	// PageSize is the number of devices a request asks for, 1 to 50; zero
	// means 50, the fewest round trips.
	PageSize int
	// Marker resumes after the device with this record ID: pass the Next
	// of a previous ListPage. Empty starts from the newest.
	Marker string
	// Offset skips that many devices (0 to 500) after Marker. List applies
	// it to the first request only.
	Offset int
}

// markerPattern is a record ID as the SDK accepts it in a query: the
// platform's are 24 hex digits.
var markerPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// checkValue refuses a filter value the platform cannot hold: empty is
// allowed (no filter).
func checkValue(field, v string) error {
	switch {
	case !utf8.ValidString(v):
		return invalid.Field(field, v, "is not valid UTF-8")
	case utf8.RuneCountInString(v) > MaxValueLength:
		return invalid.Field(field, v, "is longer than "+strconv.Itoa(MaxValueLength)+" characters")
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return invalid.Field(field, v, "contains a control character")
		}
	}
	return nil
}

func (q *ListQuery) validate() error {
	switch {
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		return invalid.Field("ListQuery.PageSize", strconv.Itoa(q.PageSize), "must be between 1 and 50 (0 means 50)")
	case q.Offset < 0 || q.Offset > MaxOffset:
		return invalid.Field("ListQuery.Offset", strconv.Itoa(q.Offset), "must be between 0 and 500")
	case q.Marker != "" && !markerPattern.MatchString(q.Marker):
		return invalid.Field("ListQuery.Marker", q.Marker, "must be a record ID (letters and digits), such as a page's Next")
	case !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until):
		return invalid.Field("ListQuery.Since", q.Since.UTC().Format(time.RFC3339), "is after Until ("+q.Until.UTC().Format(time.RFC3339)+")")
	case q.AllLevels && q.GatewayID == "":
		return invalid.Field("ListQuery.AllLevels", "true", "needs GatewayID: it lists every level under that gateway")
	}
	if q.GatewayID != "" {
		if err := iotda.CheckID("ListQuery.GatewayID", q.GatewayID, iotda.MaxDeviceIDLength); err != nil {
			return err
		}
	}
	for _, f := range [...]struct{ name, v string }{
		{"ListQuery.ProductID", q.ProductID}, {"ListQuery.AppID", q.AppID},
		{"ListQuery.NodeID", q.NodeID}, {"ListQuery.Name", q.Name},
	} {
		if err := checkValue(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// ListPage fetches one page of the devices matching q (GET
// /v5/iot/{project_id}/devices), newest registration first, with the
// platform's count of every match as Total. The page's Next resumes after
// it (set it as q.Marker, with Offset 0); it is empty after the last page.
// The devices carry their status but no times: Get has them.
func (c *Client) ListPage(ctx context.Context, q ListQuery) (pagination.Page[Device], error) {
	return c.list(q).Page(ctx)
}

// List returns an iterator over every device matching q, newest
// registration first, across every page. It fetches a page at a time,
// stops fetching as soon as the loop breaks, and ends after yielding an
// error once. Ranging over it again starts again from q.Marker and
// q.Offset. Invalid input is yielded as a *iotclient.ValidationError
// before any request is sent.
func (c *Client) List(ctx context.Context, q ListQuery) iter.Seq2[Device, error] {
	return c.list(q).All(ctx)
}

func (c *Client) list(q ListQuery) *core.Listing[Device] {
	return &core.Listing[Device]{
		Client: c.iotda.Core(),
		Check:  q.validate,
		Start:  q.Marker,
		Fetch: iotda.AfterMarker(q.Offset, func(ctx context.Context, marker string, offset int) (pagination.Page[Device], error) {
			return c.listPage(ctx, &q, marker, offset)
		}),
	}
}

func (c *Client) listPage(ctx context.Context, q *ListQuery, marker string, offset int) (pagination.Page[Device], error) {
	size := cmp.Or(q.PageSize, DefaultPageSize)
	out, p, err := c.devicePage(ctx, "GET", "/devices", q.params(marker, offset, size), nil, size)
	if err != nil {
		return p, err
	}
	if out.Page != nil && out.Page.Count != nil {
		p.Total, p.HasTotal = *out.Page.Count, true
	}
	if len(p.Items) == size {
		// A page shorter than asked for is the last; the list's items
		// carry no record ID, so only page.marker resumes after a full one.
		if out.Page == nil || out.Page.Marker == "" {
			return pagination.Page[Device]{}, fmt.Errorf("%w: a full page of devices without page.marker (request ID %s)",
				iotclient.ErrMalformedResponse, p.RequestID)
		}
		p.Next = out.Page.Marker
	}
	return p, nil
}

// devicePage sends the request of a list or search page of at most limit
// devices and converts them, checking what the platform promises: no more
// devices than asked for, each with an ID. The caller sets Next from the
// decoded answer.
func (c *Client) devicePage(ctx context.Context, method, path string, params, body any, limit int) (*wireList, pagination.Page[Device], error) {
	// Room for a full page, so the decoder does not grow the slice.
	out := &wireList{Devices: make([]wireDevice, 0, limit)}
	requestID, err := c.do(ctx, method, path, params, body, out)
	if err != nil {
		return out, pagination.Page[Device]{}, err
	}
	p, err := core.Page(len(out.Devices), limit, "devices", requestID, func(i int) (Device, error) {
		return out.Devices[i].device("devices[" + strconv.Itoa(i) + "]")
	})
	return out, p, err
}

// Get returns one device with its connection status and since when it
// holds (GET /v5/iot/{project_id}/devices/{device_id}). An unknown device
// is an *iotclient.APIError matching iotclient.ErrNotFound.
func (c *Client) Get(ctx context.Context, deviceID string) (Device, error) {
	if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
		return Device{}, err
	}
	var out wireDevice
	requestID, err := c.do(ctx, "GET", "/devices/"+deviceID, nil, nil, &out)
	if err != nil {
		return Device{}, c.scrub(err)
	}
	d, err := out.device("the device")
	if err != nil {
		return Device{}, c.scrub(fmt.Errorf("%w: %v (request ID %s)", iotclient.ErrMalformedResponse, err, requestID))
	}
	return d, nil
}
