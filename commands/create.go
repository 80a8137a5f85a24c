package commands

import (
	"context"
	stdjson "encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
)

// Limits of a command delivery, from the IoTDA API.
const (
	MaxServiceIDLength   = 64             // characters of NewCommand.ServiceID
	MaxCommandNameLength = 128            // characters of NewCommand.Name
	MaxParamsSize        = 32 * 1024      // bytes of NewCommand.Params, as compact JSON
	MaxExpire            = 48 * time.Hour // NewCommand.Expire (172,800 s)
	MaxPendingPerDevice  = 20             // PENDING (cached) commands a device may have
	MaxCommandIDLength   = 100            // characters of a command ID
)

// NewCommand is a command to deliver to a device.
type NewCommand struct {
	// ServiceID is the product model's service the command belongs to,
	// such as "Switch" (at most 64 characters). Empty leaves it out, as the
	// platform allows for devices whose commands need no codec plugin.
	ServiceID string
	// Name is the command's name in that service, such as "ON_OFF" (at
	// most 128 characters). Empty leaves it out likewise.
	Name string
	// Params is anything encoding/json turns into a JSON object of at most
	// 32 KB once compacted. Nil sends {}.
	Params any
	// Expire is how long the platform caches a delayed command, in whole
	// seconds up to 48 hours; 0 means the platform default of 24 hours.
	Expire time.Duration
	// Strategy is how the platform delivers the command. Empty means the
	// platform's documented default, SendDelay (sent as "delay"), for
	// devices that sleep (NB-IoT).
	Strategy SendStrategy
}

// body validates n and renders the deliver call's body.
func (n *NewCommand) body() (*wireNewCommand, error) {
	if !utf8.ValidString(n.ServiceID) || utf8.RuneCountInString(n.ServiceID) > MaxServiceIDLength {
		return nil, invalid.Field("NewCommand.ServiceID", n.ServiceID, "must be valid UTF-8 of at most 64 characters")
	}
	if !utf8.ValidString(n.Name) || utf8.RuneCountInString(n.Name) > MaxCommandNameLength {
		return nil, invalid.Field("NewCommand.Name", n.Name, "must be valid UTF-8 of at most 128 characters")
	}
	if n.Expire < 0 || n.Expire > MaxExpire {
		return nil, invalid.Field("NewCommand.Expire", n.Expire.String(), "must be between 0 and 48h (172800 s)")
	}
	if n.Expire%time.Second != 0 {
		return nil, invalid.Field("NewCommand.Expire", n.Expire.String(), "must be a whole number of seconds")
	}
	strategy := n.Strategy
	switch strategy {
	case "":
		strategy = SendDelay
	case SendImmediately, SendDelay:
	default:
		return nil, invalid.Field("NewCommand.Strategy", string(n.Strategy), `must be "immediately" or "delay" (or empty for delay)`)
	}
	paras, err := encodeParams(n.Params)
	if err != nil {
		return nil, err
	}
	return &wireNewCommand{
		ServiceID:    n.ServiceID,
		CommandName:  n.Name,
		Paras:        paras,
		ExpireTime:   int64(n.Expire / time.Second),
		SendStrategy: string(strategy),
	}, nil
}

// encodeParams marshals p and checks that it is a JSON object of at most
// MaxParamsSize bytes once compacted (the size the platform counts). The
// caller's value is encoded by encoding/json, as NewCommand.Params
// promises: its MarshalJSON methods and struct tags mean what they mean
// there.
func encodeParams(p any) (jsontext.Value, error) {
	const field = "NewCommand.Params"
	if p == nil {
		return jsontext.Value("{}"), nil
	}
	raw, err := stdjson.Marshal(p)
	if err != nil {
		return nil, invalid.Field(field, fmt.Sprintf("%T", p), "cannot be encoded as JSON: "+err.Error())
	}
	// stdjson.Marshal's output is compact, RawMessage values included: its
	// length is the size the platform counts.
	if jsontext.Value(raw).Kind() != '{' {
		return nil, invalid.Field(field, string(raw), "must encode to a JSON object")
	}
	if len(raw) > MaxParamsSize {
		return nil, invalid.Field(field, "", "encodes to "+strconv.Itoa(len(raw))+" bytes of JSON; at most 32768 are allowed")
	}
	return raw, nil
}

// Create delivers a command to deviceID and returns it as the platform
// recorded it (PENDING or SENT), with its ID for Get and Wait. Invalid input
// is refused before any request; a device with 20 PENDING commands is
// refused by the platform with a 400.
//
// Create is retried only when the connection could not be made: it is never
// sent twice. If the answer is lost (a timeout, a 5xx) the command may or may
// not exist; look for it with Queue or History before delivering it again.
func (c *Client) Create(ctx context.Context, deviceID string, cmd NewCommand) (Command, error) {
	if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
		return Command{}, err
	}
	body, err := cmd.body()
	if err != nil {
		return Command{}, err
	}
	var out wireCommand
	requestID, err := c.do(ctx, "POST", deviceID, "/async-commands", nil, body, &out)
	if err != nil {
		return Command{}, err
	}
	created, err := commandFrom(&out, "", requestID)
	return created, c.core.Scrub(err)
}
