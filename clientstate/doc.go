// Package clientstate is the IBM Watson IoT Platform client for client
// connection state: which devices, gateways and applications are connected,
// since when, what they did last, and why the others dropped.
//
// Get reads one client's state by its MQTT client ID (see ParseClientID);
// List walks the states matching a ListQuery across bookmark pages, and
// ListPage fetches one page with the bookmark that resumes after it.
// ConnectionLogs walks a device's connection log. Enabled and SetEnabled
// read and switch the API's activation; while it is off, state queries fail
// with an error matching ErrDisabled. Live status over MQTT is in package
// clientstate/live, so this package links no MQTT code; package
// clientstatetest fakes this API in-process for tests.
//
// The client authenticates with auth.APIKey; ConfigFromEnv builds the
// Config from the IOTCLIENT_IBM_* environment variables. Bad input is a
// *iotclient.ValidationError naming the field, sent nowhere, and a non-2xx
// answer an *iotclient.APIError with IBM's exception ID (Code).
//
// Some of the API's names are unconfirmed, because IBM no longer publishes
// its Swagger file: State documents which record fields, ListQuery which
// filters, and ErrDisabled which exception ID. State.Extra keeps the record
// fields the SDK does not model, and ListQuery.Extra sends other filters.
//
// The files follow the template package commands follows too: client.go
// holds Config, NewClient and the one request helper; state.go the State
// record and its enums (cause.go, closecode.go and clientid.go what it
// refers to); wire.go the wire structs, every listing's query parameters
// and the conversion to State; one file per listing with its query, page
// call and iterator: list.go (with Get) and logs.go; then activation.go.
package clientstate
