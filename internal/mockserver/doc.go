// Package mockserver is an in-process fake of the two platforms the SDK talks
// to, served over real HTTP on loopback (httptest):
//
//   - Huawei Cloud IoTDA asynchronous device commands under
//     /v5/iot/{project_id}/devices/{device_id}/..., the devices' connection
//     status (ShowDevice, ListDevices, SearchDevices), plus the IAM token
//     call POST /v3/auth/tokens;
//   - IBM Watson IoT Platform client connection state, its activation switch
//     and connection logs under /api/v0002/....
//
// Both platforms are served from the same base URL ([Server.URL]). The fake
// reproduces the semantics written down in spec/huawei-iotda.md and
// spec/ibm-wiotp.md (paging, filters, validation, error bodies, auth) so SDK
// tests can assert end to end against it, and it injects faults per route
// (status codes with Retry-After, dropped connections, truncated or malformed
// bodies, latency) to exercise retries and error handling. Every method of
// [Server] is safe for concurrent use; every response carries X-Request-Id.
//
// # IoTDA choices the SDK must match
//
//   - History lists every stored command, final or not (PENDING and SENT
//     too), in descending ID order; the queue (GET .../async-commands) lists
//     PENDING and SENT only and adds page.count (all queued records matching
//     the filters, whatever the marker/offset/limit).
//   - marker is exclusive (IDs strictly smaller; it need not be a stored
//     ID); offset 0-500 skips that many matching records after the marker;
//     limit 1-50, default 10. page.marker is the last record's command_id
//     and is absent on an empty page. The end is a page shorter than limit.
//   - start_time and end_time (20060102T150405Z) filter on created_time,
//     inclusive on both ends; start == end is allowed, start > end is
//     IOTDA.000010; a malformed time is IOTDA.000009; limit out of range or
//     negative IOTDA.000017 (not a number IOTDA.000006); bad offset, status
//     or marker IOTDA.000006. Empty parameter values count as absent.
//   - The count call takes the same filters and ignores paging parameters.
//   - A deliver answers 200 with the record plus paras: SENT (sent_time =
//     created_time) for immediately, PENDING for delay; a body that is not a
//     JSON object is IOTDA.000008, a broken rule IOTDA.000006, a 21st PENDING
//     command CodeTooManyPending.
//   - Auth order: faults, then 401 (APIGW.0301 with request_id), then 403 for
//     a project other than ProjectID, then 400 for a malformed device ID,
//     then 404 IOTDA.014000 for an unknown device.
//
// # IoTDA devices
//
//   - GET .../devices/{device_id} answers the registration with status,
//     create_time (compact), active_time and connection_status_update_time
//     (yyyy-MM-ddTHH:mm:ss.SSSZ; absent for a device never connected).
//   - GET .../devices lists every device in descending record ID (marker)
//     order; marker (24 hex, exclusive, default ffffffffffffffffffffffff),
//     offset 0-500, limit 1-50 (default 10) as for commands; filters
//     product_id, app_id, node_id, device_name (exact), start_time and
//     end_time (registration, inclusive), gateway_id (its sub-devices; with
//     is_cascade_query=true every level below). page.count counts every
//     match; items carry no times. No status filter, as on the platform.
//   - POST .../search/query-devices takes {"sql": "..."} in the dialect of
//     iotda_search.go and answers {"devices": [...]} (items with their
//     marker) or {"count": N}; a search sooner than the search interval
//     (1 s) after the last is answered 429 APIGW.0308.
//
// # Pushes
//
// With WithPush or PushTo the IoTDA side also forwards notifications over
// HTTP as spec/huawei-iotda-push.md describes: device.command.status for
// every status change of a command and device.status for
// SetDeviceConnection and SetDeviceStatus (the status the device routes
// serve), with the platform's failure rules (a 200 within
// Timeout, no retry of a failed push, blocklist and backlog) and the
// faults of PushFaults. A pushing server moves its lifecycle on by itself.
//
// # IBM choices the SDK must match
//
// See [Server.SeedClients] for the list query (filters, _sort, keyset
// _bookmark, no bookmark on the last page, default order ascending id) and
// [ClientState] for the record (times RFC 3339 UTC with milliseconds, absent
// fields omitted, unknown extra fields merged in). GET
// /clientconnectionstates/{clientId} takes the ID with colons unescaped
// (escaped ones work too); unknown is 404. While the feature is off both
// clientconnectionstates routes answer 403 [ExceptionFeatureDisabled]; PUT
// /config/clientstate {"enabled":false} also deletes the stored states.
//
// Connection logs (GET /logs/connection): typeId and deviceId required;
// limit 1-20, default 20; offset, when present, 1-1000 records to skip
// (absent = 0, so 0 itself is 400); fromTime and toTime only together,
// inclusive, RFC 3339; a bare JSON array [{"message","timestamp"}] newest
// first; 404 when neither logs nor a d:/g: client state exist for the device.
//
// Error bodies are {"message":"ID: text","exception":{"id","properties":[]}}
// plus "violations" (same shape, properties naming the parameter) on 400;
// the exception IDs are stand-ins (the platform's are unconfirmed).
package mockserver
