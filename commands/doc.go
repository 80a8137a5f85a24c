// Package commands is the Huawei Cloud IoTDA client for asynchronous device
// commands: what happened to the commands sent to a device, and sending one
// and learning its outcome.
//
//   - History walks a device's command history, newest first, over every
//     page; HistoryPage fetches one page (a pagination.Page whose Next
//     resumes after it, for checkpointing). Count counts the matching
//     history. The history holds final commands and DELIVERED ones.
//   - Export walks a long history like History, fetching the pages of one
//     marker window concurrently: the fast way to export a device's history.
//   - FleetHistory walks the histories of many devices at once, with bounded
//     concurrency, tagging each record with its device.
//   - Create delivers a command (never sent twice once it may have reached
//     the platform), Get reads one with its parameters and result, Wait
//     polls until it reaches a terminal status, and Queue lists the commands
//     still cached on the platform.
//
// The client authenticates with any auth.Credential: auth.AKSK (request
// signing, recommended by Huawei), auth.IAMPassword (an IAM token fetched and
// renewed for you) or auth.Token. Every input is checked before a request is
// sent; bad input is a *iotclient.ValidationError naming the field, and
// every non-2xx answer an *iotclient.APIError carrying the IoTDA or API
// gateway error code and the request ID.
//
// Package commandstest runs a fake IoTDA in-process for testing code that
// uses this package.
package commands
