// Package commands is the Huawei Cloud IoTDA client for asynchronous device
// commands: what happened to the commands sent to a device.
//
// History walks a device's command history, newest first, over every page;
// HistoryPage fetches one page and returns the marker that resumes after it,
// for checkpointing.
//
// The client authenticates with any auth.Credential: auth.AKSK (request
// signing, recommended by Huawei) or auth.Token. Every input is checked
// before a request is sent; bad input is a *iotclient.ValidationError naming
// the field, and every non-2xx answer an *iotclient.APIError carrying the
// IoTDA or API gateway error code and the request ID.
package commands
