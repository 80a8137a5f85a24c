// Package commands is the Huawei Cloud IoTDA client for asynchronous device
// commands: sending one and learning its outcome, and what happened to the
// commands sent to a device.
//
// History walks a device's command history (final and DELIVERED commands),
// newest first; HistoryPage fetches one page, whose Next resumes after it;
// Count counts it. Export walks a long history with concurrent requests,
// and FleetHistory the histories of many devices. Create delivers a command,
// Get reads one, Wait polls until it is final, and Queue lists the commands
// still cached on the platform. Given a Watcher fed by IoTDA's pushed
// status changes (package notify), Wait and WaitAll (many commands at
// once) learn the outcome from the push and poll only as the fallback.
//
// The client authenticates with auth.AKSK (request signing, recommended by
// Huawei), auth.IAMPassword or auth.Token; ConfigFromEnv builds the Config
// from the IOTCLIENT_IOTDA_* environment variables. Bad input is a
// *iotclient.ValidationError naming the field, sent nowhere, and a non-2xx
// answer an *iotclient.APIError with the IoTDA error code and request ID.
// Package commandstest runs a fake IoTDA in-process for tests.
//
// The files follow the template package clientstate follows too: client.go
// holds Config, NewClient and the one request helper; command.go the
// Command record and its enums; wire.go the wire structs, every listing's
// query parameters and the conversion to Command; one file per listing
// with its query, page call and iterator: history.go (with Count) and
// queue.go (with Get: one command is read under the queue's path); then
// create.go, wait.go, export.go and fleet.go.
package commands
