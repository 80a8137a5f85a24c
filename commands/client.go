package commands

import (
	"context"
	"fmt"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// Config says where and as whom the client talks to IoTDA.
type Config struct {
	// Endpoint is the IoTDA endpoint, such as
	// "https://iotda.cn-north-4.myhuaweicloud.com" or an instance's.
	Endpoint   string
	ProjectID  string          // the region's IAM project ID
	InstanceID string          // the Instance-Id header: mandatory on enterprise editions
	Auth       auth.Credential // auth.AKSK, auth.IAMPassword or auth.Token
}

// String describes the configuration without secrets.
func (c Config) String() string {
	return fmt.Sprintf("commands.Config{Endpoint: %q, ProjectID: %q, InstanceID: %q, Auth: %s}",
		redact.URL(c.Endpoint), c.ProjectID, c.InstanceID, redact.Credential(c.Auth))
}

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

// Client calls the IoTDA command APIs. It is safe for concurrent use.
type Client struct {
	iotda *iotda.Client
	core  *core.Client // iotda's, for Scrub
}

// NewClient validates cfg and the options and builds a client without
// sending any request.
func NewClient(cfg Config, opts ...iotclient.Option) (*Client, error) {
	c, err := iotda.New(cfg.Endpoint, cfg.ProjectID, cfg.InstanceID, cfg.Auth, core.Settings(opts))
	if err != nil {
		return nil, err
	}
	return &Client{iotda: c, core: c.Core()}, nil
}

// checkIDs validates the project and instance IDs (core.New checks the
// endpoint and the credential).
func (c Config) checkIDs() error { return iotda.CheckConfigIDs(c.ProjectID, c.InstanceID) }

// do sends one request about deviceID: params, when not nil, is encoded as
// the query string and body as JSON. Every call but Create (the only one
// with a body) is a read, so only Create is not retried once sent. It
// returns the request ID.
func (c *Client) do(ctx context.Context, method, deviceID, path string, params, body, out any) (string, error) {
	return c.iotda.Do(ctx, method, "/devices/"+deviceID+path, params, body, out, body == nil)
}
