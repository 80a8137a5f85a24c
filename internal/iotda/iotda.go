// Package iotda is what the IoTDA packages (commands, devicestate) share:
// the checks of their common Config fields, the HTTP core built from them,
// the one request path under /v5/iot/{project_id}, and IoTDA's ID rule.
package iotda

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/google/go-querystring/query"

	"github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/pagination"
)

// MaxDeviceIDLength is the longest device ID IoTDA accepts.
const MaxDeviceIDLength = 128

// Client sends requests about one IoTDA project. It is safe for concurrent
// use.
type Client struct {
	core   *core.Client
	prefix string // "/v5/iot/{project_id}"
}

var (
	projectIDPattern  = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	instanceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// New checks the fields every IoTDA Config has (errors name them
// Config.X) and builds the client without sending any request.
func New(endpoint, projectID, instanceID string, cred core.Credential, s config.Settings) (*Client, error) {
	if err := CheckConfigIDs(projectID, instanceID); err != nil {
		return nil, err
	}
	static := http.Header{}
	// The official SDK sends X-Project-Id too; it is signed like any header.
	static.Set("X-Project-Id", projectID)
	if instanceID != "" {
		static.Set("Instance-Id", instanceID)
	}
	c, err := core.New(endpoint, cred, s, static)
	if err != nil {
		return nil, err
	}
	return &Client{core: c, prefix: "/v5/iot/" + projectID}, nil
}

// Core is the HTTP core the client sends through, for its Scrub.
func (c *Client) Core() *core.Client { return c.core }

// CheckConfigIDs validates the project and instance IDs of a Config;
// errors name them Config.ProjectID and Config.InstanceID.
func CheckConfigIDs(projectID, instanceID string) error {
	switch {
	case projectID == "":
		return invalid.Field("Config.ProjectID", "", "is required (the region's IAM project ID)")
	case !projectIDPattern.MatchString(projectID):
		return invalid.Field("Config.ProjectID", projectID, "must be letters and digits only")
	case instanceID != "" && !instanceIDPattern.MatchString(instanceID):
		return invalid.Field("Config.InstanceID", instanceID, "must be 1-64 letters, digits, '_' or '-'")
	}
	return nil
}

// Do sends one request to path (after /v5/iot/{project_id}, already
// escaped): params, when not nil, is encoded as the query string and body
// as JSON. read marks a call that changes nothing, so it may be repeated
// after it reached the server (reads sent as POST included). It returns the
// request ID.
func (c *Client) Do(ctx context.Context, method, path string, params, body, out any, read bool) (string, error) {
	q, err := query.Values(params)
	if err != nil {
		return "", err
	}
	info, err := c.core.Do(ctx, core.Request{
		Method:     method,
		Path:       c.prefix + path,
		Query:      q,
		Body:       body,
		Idempotent: read,
	}, out)
	return info.RequestID, err
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// CheckID applies IoTDA's rule for device and command IDs: 1 to max
// characters of letters, digits, '_' and '-'.
func CheckID(field, v string, max int) error {
	switch {
	case v == "":
		return invalid.Field(field, "", "is required")
	case len(v) > max:
		return invalid.Field(field, v, "is "+strconv.Itoa(len(v))+" characters long; at most "+strconv.Itoa(max)+" are allowed")
	case !idPattern.MatchString(v):
		return invalid.Field(field, v, "may contain only letters, digits, '_' and '-'")
	}
	return nil
}

// Count reads the count of a count answer, what naming the things
// counted: none, or a negative one, matches iotclient.ErrMalformedResponse.
func Count(count *int, what, requestID string) (int, error) {
	switch {
	case count == nil:
		return 0, fmt.Errorf("%w: the count answer has no count (request ID %s)", iotclient.ErrMalformedResponse, requestID)
	case *count < 0:
		return 0, fmt.Errorf("%w: the platform counted %d %s (request ID %s)", iotclient.ErrMalformedResponse, *count, what, requestID)
	}
	return *count, nil
}

// AfterMarker pages a listing by marker with page, the query's offset
// skipping records after the first marker only: the markers that follow
// already skip them.
func AfterMarker[T any](offset int, page pagination.WindowFetch[T]) pagination.CursorFetch[T] {
	return func(ctx context.Context, marker string, n int) (pagination.Page[T], error) {
		if n > 0 {
			return page(ctx, marker, 0)
		}
		return page(ctx, marker, offset)
	}
}
