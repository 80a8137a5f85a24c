package clientstate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
)

// ErrDisabled is matched by the error of Get, List and ListPage while the
// client connection state API is deactivated for the organization; that
// error also matches iotclient.ErrForbidden and holds the
// *iotclient.APIError of the 403.
//
// The exception ID of that 403 is unconfirmed (IBM has not published it):
// the SDK recognises its mock's, and any 403 from these routes whose message
// says the feature is not enabled, disabled, deactivated or not activated.
var ErrDisabled = errors.New("clientstate: the client connection state API is not activated for this organization")

// disabledExceptionID is the (unconfirmed) exception ID of that 403.
const disabledExceptionID = "CUDCS0403E"

// stateError maps a 403 of the state routes that says the API is
// deactivated to an error matching ErrDisabled.
func stateError(err error) error {
	var e *iotclient.APIError
	if !errors.As(err, &e) || e.StatusCode != http.StatusForbidden {
		return err
	}
	msg := strings.ToLower(e.Message)
	if e.Code == disabledExceptionID || strings.Contains(msg, "not enabled") || strings.Contains(msg, "disabled") ||
		strings.Contains(msg, "not activated") || strings.Contains(msg, "deactivated") {
		return fmt.Errorf("%w: %w", ErrDisabled, e)
	}
	return err
}

// activation is the body of GET and PUT /config/clientstate.
type activation struct {
	Enabled *bool `json:"enabled"`
}

// Enabled reports whether the client connection state API is activated for
// the organization (GET /config/clientstate). A 403 is false and no error
// (IBM's documentation: "If a 403 response is returned, the feature is not
// active"); any other error, a 401 included, is returned.
func (c *Client) Enabled(ctx context.Context) (bool, error) {
	var out activation
	requestID, err := c.do(ctx, "GET", "/config/clientstate", nil, nil, &out)
	var apiErr *iotclient.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		return false, nil
	case err != nil:
		return false, err
	case out.Enabled == nil:
		return false, c.core.Scrub(fmt.Errorf("%w: GET /config/clientstate: the answer has no \"enabled\" field (request ID %s)",
			iotclient.ErrMalformedResponse, requestID))
	}
	return *out.Enabled, nil
}

// SetEnabled activates (true) or deactivates (false) the client connection
// state API for the organization (PUT /config/clientstate). Deactivating it
// deletes the states the platform has stored.
func (c *Client) SetEnabled(ctx context.Context, enabled bool) error {
	_, err := c.do(ctx, "PUT", "/config/clientstate", nil, activation{Enabled: &enabled}, nil)
	return err
}
