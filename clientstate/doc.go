// Package clientstate is the IBM Watson IoT Platform client for client
// connection state: which devices, gateways and applications are connected,
// since when, what they did last, and why the others dropped.
//
// Get reads one client's state by its MQTT client ID (see ParseClientID);
// List walks the states of every client matching a ListQuery (connection
// status, last-connected time, device type or ID, sort order, and raw
// filters) across bookmark pages, and ListPage fetches one page and returns
// the bookmark that resumes after it, for checkpointing. ConnectionLogs
// walks a device's connection log, newest first. Enabled and SetEnabled read
// and switch the activation of the client connection state API; while it is
// off, state queries fail with an error matching ErrDisabled.
//
// Live connection status over the platform's MQTT monitor topics is in
// package clientstate/live, so a program that imports only this package
// links no MQTT code.
//
// Package clientstatetest runs a fake of this API in-process for testing
// code that uses this package.
//
// The client authenticates with auth.APIKey (HTTP Basic: API key and
// token). Every input is checked before a request is sent; bad input is a
// *iotclient.ValidationError naming the field, and every non-2xx answer an
// *iotclient.APIError carrying IBM's exception ID (Code) and message.
//
// Some of the API's names are unconfirmed, because IBM no longer publishes
// its Swagger file: State documents which record fields, ListQuery which
// filters, and ErrDisabled which exception ID. Record fields the SDK does not
// model are kept in State.Extra, and ListQuery.Extra sends filters it does
// not model.
package clientstate
