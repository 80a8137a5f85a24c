package clientstate

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-querystring/query"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// The platform's default domain and the REST API's path on its hosts.
const (
	DefaultDomain = "internetofthings.ibmcloud.com"
	APIPath       = "/api/v0002"
)

// Config says where and as whom the client talks to the Watson IoT
// Platform.
type Config struct {
	// OrgID is the organization ID, 1 to 36 letters and digits. Empty
	// means the org of an API key a-{org}-{random}; required otherwise
	// unless BaseURL is set.
	OrgID string
	// Domain is the platform domain of https://{OrgID}.{Domain}/api/v0002;
	// empty means DefaultDomain.
	Domain string
	// BaseURL, when set, overrides OrgID and Domain: requests go to
	// BaseURL, with "/api/v0002" added unless it ends with it.
	BaseURL string
	Auth    auth.Credential // auth.APIKey(key, token)
}

// String describes the configuration without secrets.
func (c Config) String() string {
	return fmt.Sprintf("clientstate.Config{OrgID: %q, Domain: %q, BaseURL: %q, Auth: %s}",
		c.OrgID, c.Domain, redact.URL(c.BaseURL), redact.Credential(c.Auth))
}

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

// Client calls the Watson IoT Platform client connection state, connection
// log and activation APIs. It is safe for concurrent use.
type Client struct {
	core *core.Client
}

// NewClient validates cfg (the credential included) and the options and
// builds a client without sending any request.
func NewClient(cfg Config, opts ...iotclient.Option) (*Client, error) {
	endpoint, err := cfg.endpoint()
	if err != nil {
		return nil, err
	}
	if v, ok := cfg.Auth.(auth.Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	s := core.Settings(opts)
	c, err := core.New(endpoint, cfg.Auth, s, nil)
	if err != nil {
		return nil, err
	}
	return &Client{core: c}, nil
}

// endpoint validates the configuration and returns the API's base URL.
func (c *Config) endpoint() (string, error) {
	if c.OrgID != "" && !validIDPart(c.OrgID, "") {
		return "", invalid.Field("Config.OrgID", c.OrgID, "must be 1 to 36 letters and digits")
	}
	if c.BaseURL != "" {
		base := strings.TrimSuffix(c.BaseURL, "/")
		if !strings.HasSuffix(base, APIPath) {
			base += APIPath
		}
		return base, nil // core.New validates the URL
	}
	org, err := ibmorg.Resolve("Config.OrgID", c.OrgID, c.Auth)
	if err != nil {
		return "", err
	}
	domain, err := ibmorg.Domain(c.Domain, DefaultDomain)
	if err != nil {
		return "", err
	}
	return "https://" + org + "." + domain + APIPath, nil
}

// do sends one request: params, when not nil, is encoded as the query
// string and body as JSON. Every call of this API is idempotent. It returns
// the request ID.
func (c *Client) do(ctx context.Context, method, path string, params, body, out any) (string, error) {
	q, err := query.Values(params)
	if err != nil {
		return "", err
	}
	info, err := c.core.Do(ctx, core.Request{Method: method, Path: path, Query: q, Body: body, Idempotent: true}, out)
	return info.RequestID, err
}
