// Package live streams the live connection status of IBM Watson IoT
// Platform clients from the platform's MQTT monitor topics, and keeps a
// fleet's current state from it.
//
// Monitor connects as an application (NewMonitor with a Config: the org
// and an API key, or a broker URL) and yields the retained state of every
// subscribed device first, then each change as it happens, as typed
// Events; it reconnects with backoff by itself, and IsTransient tells the
// errors it recovers from. Event.ClientIDReused tells a client-ID reuse
// (close code 288, the client is not offline) from a real disconnect, and
// CloseCodeText names close codes. ParseStatusMessage decodes one status
// message for programs that run their own MQTT connection.
//
// Tracker merges a REST snapshot (clientstate.Client.List) with a
// Monitor's events, newest wins, and answers State, Connected and
// Disconnected for concurrent readers while it runs.
//
// The REST side (Get, List, connection logs, client IDs, the state
// records) is package clientstate, which this package builds on; it is
// separate so that REST-only programs link no MQTT client.
package live
