package commands

import (
	"context"

	"github.com/iotclient/iotclient-go/internal/core"
)

// Get reads one command of deviceID, with its Params and the device's
// Result (raw JSON; Result is empty until the device answers, and a null
// from the platform is empty too). A command or device that does not exist
// is an *iotclient.APIError matching iotclient.ErrNotFound.
//
// deviceID (1–128) and commandID (1–100 characters) must be letters,
// digits, '_' or '-'; anything else is refused before any request.
func (c *Client) Get(ctx context.Context, deviceID, commandID string) (Command, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := checkID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	var out wireCommand
	info, err := c.core.Do(ctx, core.Request{
		Method:     "GET",
		Path:       c.devicePath(deviceID) + "/async-commands/" + commandID,
		Idempotent: true,
	}, &out)
	if err != nil {
		return Command{}, err
	}
	return commandFrom(&out, commandID, info.RequestID)
}
