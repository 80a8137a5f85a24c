// Package devicestate is the Huawei Cloud IoTDA client for device
// connection state: which devices are online, since when, and which keep
// dropping.
//
// Get reads one device with its status and since when it holds; List walks
// every device of the project (with its status) across marker pages, and
// ListPage fetches one page with the marker that resumes after it. Search
// and SearchPage find devices by status (and product, gateway, ...) over
// the platform's SQL search, whose statement the SDK writes from a
// SearchQuery and paces to one request a second; SearchCount counts them.
//
// Tracker keeps a fleet's state: a snapshot from List, then the device.status
// notifications IoTDA forwards (package notify), newest first by their own
// times, re-reading what a gap in the stream may have hidden.
//
// The client takes the configuration of package commands (endpoint,
// project, instance, auth.AKSK, auth.IAMPassword or auth.Token). Bad input
// is a *iotclient.ValidationError naming the field, sent nowhere, and a
// non-2xx answer an *iotclient.APIError with the IoTDA error code and
// request ID. Package devicestatetest runs a fake IoTDA in-process for
// tests.
//
// Files: client.go holds Config and Client; device.go the Device record
// and its Status and NodeType; list.go ListQuery, List, ListPage and Get;
// search.go SearchQuery, Search, SearchPage, SearchCount and the SQL they
// send; wire.go the wire structs and query parameters. The Tracker's files
// hold the roles clientstate/live's do: tracker.go the Tracker, its
// configuration and the Run loop over the stream; tracker_query.go what it
// answers (State, Flapping, Summary, ...); tracker_store.go its compact
// per-device store; and, IoTDA's alone, tracker_reconcile.go the re-reads
// by REST after a gap.
package devicestate
