package commands

import "context"

// Get reads one command of deviceID, with its Params and the device's
// Result (raw JSON; empty until the device answers). A command or device
// that does not exist is an *iotclient.APIError matching
// iotclient.ErrNotFound. Bad IDs are refused before any request.
func (c *Client) Get(ctx context.Context, deviceID, commandID string) (Command, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := checkID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	var out wireCommand
	requestID, err := c.do(ctx, "GET", deviceID, "/async-commands/"+commandID, nil, nil, &out)
	if err != nil {
		return Command{}, err
	}
	return commandFrom(&out, commandID, requestID)
}
