// Command iotctl is an operator's command line over the iotclient-go SDK:
// the command history and connection status of Huawei IoTDA devices,
// delivering a command and the notifications IoTDA forwards, and the
// connection state, connection logs and live status events of IBM Watson
// IoT clients.
//
//	go run ./examples/iotctl help
//
// Without credentials it starts the SDK's test fakes of both
// platforms, with demo data placed before the current time, and says so in
// one line on stderr. The mock's devices:
//
//   - Huawei IoTDA (history --device ID): demo_device-001 (120 commands over
//     the last 30 days), thermostat-0042 (1,000 commands), pump-17 (40
//     commands) and meter-0001 (no commands); with 80 more, a fleet of 84
//     devices of every status (devices).
//   - IBM Watson IoT, organization ab12cd: 253 clients, 250 seeded plus
//     d:ab12cd:TemperatureSensor:TemperatureSensor_1 (connected; a connection
//     log of 60 entries), d:ab12cd:pump-v2:pump-0007 (disconnected by a
//     keepalive timeout; a connection log of 300 entries) and
//     d:ab12cd:pump-v2:pump-0013 (in a reconnect loop while a monitor runs).
//
// # Commands
//
// history: a device's command history, newest first, with filters. Times are
// RFC 3339, a date, or a duration before now ("48h", "7d").
//
//	iotctl history --device demo_device-001 --status FAILED --format csv
//	iotctl history --device thermostat-0042 --since 48h --format jsonl > recent.jsonl
//	iotctl history --device demo_device-001 --name REBOOT --limit 5
//
// devices: IoTDA devices and their connection status, with filters (the
// device list has no status filter: iotctl keeps the devices in --status;
// --search asks the platform's device search, paced to a request a
// second). devices --summary counts them by status, and the disconnected
// ones by product, with a bar per row.
//
//	iotctl devices --summary
//	iotctl devices --status offline --format csv > offline.csv
//	iotctl devices --status abnormal --search --format jsonl
//
// send: deliver a command to a device; --wait reads it until its status is
// final, --wait-push learns the outcome from the notifications IoTDA
// forwards (as watch receives them), reading the command only when no
// final status was pushed within --poll-max, and says which told it.
// Against the embedded mock a command ends within about a second (a REBOOT
// fails, a SELF_TEST times out).
//
//	iotctl send --device demo_device-001 --service Switch --name ON_OFF --params '{"value":"ON"}' --wait-push
//	iotctl send --device pump-17 --name REBOOT --wait --format jsonl
//
// watch: the notifications IoTDA forwards (command and device status
// changes, any other resource with its body), one a row as they arrive,
// duplicates left out, until --wait N were printed, --for has passed or
// Ctrl-C. It listens for HTTP pushes on --listen (a free loopback port by
// default; --path narrows it) and prints the URL on stderr; against the
// embedded mock, the mock pushes there while it delivers demo commands
// and moves demo devices online and offline. --amqp reads the instance's
// AMQP queue instead: --amqp-host, --amqp-access-key, --amqp-queue and
// --amqp-instance or IOTCLIENT_IOTDA_AMQP_HOST, _ACCESS_KEY, _QUEUE and
// _INSTANCE_ID, the access code from IOTCLIENT_IOTDA_AMQP_ACCESS_CODE only
// (notifyamqp.ConfigFromEnv), --amqp-ca for a private CA.
//
//	iotctl watch --wait 5
//	iotctl watch --amqp --amqp-host xxxx.st1.iotda-app.cn-north-4.myhuaweicloud.com --format jsonl
//
// states: the connection states of all clients, with filters.
//
//	iotctl states --status connected --sort -lastActivityTime --limit 20
//	iotctl states --status disconnected --connected-after 7d --format csv > dropped.csv
//	iotctl states --type TemperatureSensor --format jsonl
//
// states --summary answers "why did they drop?": clients by status, and the
// disconnected ones by cause (the close code or disconnectedBy in the SDK's
// cause vocabulary: MQTT_KEEP_ALIVE_TIMEOUT, DUPLICATE_CLIENTID, ...), as a
// table with a bar per row, or --format json, jsonl or csv.
//
//	iotctl states --summary
//	iotctl states --summary --format json
//
// state (or get): one or more clients' connection state, every field.
//
//	iotctl state d:ab12cd:TemperatureSensor:TemperatureSensor_1
//	iotctl get d:ab12cd:pump-v2:pump-0007 --format jsonl
//
// logs: a device's connection log, newest first (--to defaults to now when
// --from is given).
//
//	iotctl logs --type TemperatureSensor --device TemperatureSensor_1
//	iotctl logs --type pump-v2 --device pump-0007 --from 24h --format csv
//
// monitor: live connection status events over the platform's MQTT monitor
// topics: first the retained state of the watched devices, then changes as
// they happen, until --for has passed, --events were printed, or Ctrl-C
// (exit status 0; 1 when it never reached the broker). Against the embedded mock, a simulated fleet changes
// every half second.
//
//	iotctl monitor --for 10s
//	iotctl monitor --type TemperatureSensor --live-only --events 5 --format jsonl
//
// monitor --summary keeps a fleet tracker (REST snapshot + live events) and
// redraws the same summary every --refresh (2s), its causes counting the
// disconnects of the last --window (10m); monitor --flapping WINDOW:N lists
// the clients with at least N disconnects in WINDOW, worst first. The
// embedded mock's fleet includes a device in a reconnect loop.
//
//	iotctl monitor --summary --for 1m
//	iotctl monitor --flapping 10m:5 --format jsonl
//
// # Output
//
// Flags go after the command's name. --format table (the default) aligns
// columns for people (a dash for an absent value; the state command lists
// every field, one a line); jsonl writes one JSON object a line with
// lowercase snake_case keys, RFC 3339 times in UTC, and null for what the
// platform did not report; csv writes a header row of the same keys, then
// one row a record (an empty cell for what was not reported). A csv text
// cell that starts with =, +, -, @, a tab or a carriage return gets a ' in
// front, so that a spreadsheet shows the platform's text instead of
// running it as a formula; --csv-raw writes the cells as they are, for
// programs. Records go to
// stdout, everything else to stderr. During an export, --progress keeps a
// running count ("\r1,234 commands…") on stderr; it is on by default when
// stderr is a terminal and stdout is not. --timeout (default 5m) bounds the
// whole command; for monitor it bounds each connection attempt.
//
// # Platforms
//
// Huawei IoTDA: --endpoint or IOTCLIENT_IOTDA_ENDPOINT selects the real
// platform, with --project or IOTCLIENT_IOTDA_PROJECT_ID, optionally
// --instance or IOTCLIENT_IOTDA_INSTANCE_ID, and IOTCLIENT_IOTDA_AK (or --ak)
// with IOTCLIENT_IOTDA_SK, or IOTCLIENT_IOTDA_TOKEN, or an IAM password login:
// IOTCLIENT_IOTDA_IAM_USER, IOTCLIENT_IOTDA_IAM_PASSWORD and
// IOTCLIENT_IOTDA_IAM_DOMAIN, with IOTCLIENT_IOTDA_REGION unless the
// endpoint names the region, and optionally IOTCLIENT_IOTDA_IAM_ENDPOINT.
//
// IBM Watson IoT: --api-key or IOTCLIENT_IBM_API_KEY, with
// IOTCLIENT_IBM_API_TOKEN, selects the real platform; the organization is
// --org or IOTCLIENT_IBM_ORG, else the one in the key (a-{org}-...), and
// the domain --domain or IOTCLIENT_IBM_DOMAIN.
// --ibm-url points the REST commands at another base URL (a proxy, or
// go run ./examples/mockserver); --broker points monitor at another MQTT
// broker.
//
// The SDK's ConfigFromEnv (packages commands, clientstate and live) reads
// these variables, a flag standing for its variable: any of a platform's
// variables set selects the real platform, and iotctl says on stderr which
// it talks to; none set, the embedded mock serves.
//
// Secrets (the SK, the tokens, the password and the AMQP access code) are read from the environment only, so
// they stay out of the process list and the shell history. --mock uses the
// embedded mock even when credentials are set.
//
// # Exit status
//
// 0 on success; 1 on a runtime or platform error, printed on stderr with
// the HTTP status, the platform's error code (such as IOTDA.014000) and
// message, the request ID and the request; 2 on a usage error (a bad flag
// or argument, or input the SDK refuses before sending a request).
package main
