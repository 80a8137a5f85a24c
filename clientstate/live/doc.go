// Package live streams the live connection status of IBM Watson IoT
// Platform clients from the platform's MQTT monitor topics, and keeps a
// fleet's current state from it.
//
// Monitor connects as an application and yields the retained state of every
// subscribed client, then each change, as typed Events; it reconnects with
// backoff, and IsTransient tells the errors it recovers from.
// ParseStatusMessage decodes one status message for programs with their own
// MQTT connection. Tracker merges a REST snapshot (clientstate.Client.List)
// with a Monitor's events, newest wins, for concurrent readers.
// ConfigFromEnv builds a Monitor's Config from the IOTCLIENT_IBM_*
// environment variables clientstate.ConfigFromEnv reads.
//
// The REST side is package clientstate; this one is separate so that
// REST-only programs link no MQTT client.
//
// The Monitor's configuration is in config.go, its topic filters in
// subscription.go, and the checks of the broker's address, TLS and
// credentials in broker.go.
//
// The Tracker's files hold the roles devicestate's do: tracker.go the
// Tracker, its configuration and the Run loop over the stream;
// tracker_query.go what it answers (State, Flapping, Summary, ...);
// tracker_store.go its compact per-client store, tracker_ids.go the
// client IDs it holds.
package live
