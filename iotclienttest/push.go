package iotclienttest

import (
	"net/http"
	"time"
)

// PushOptions tunes how a fake pushes (commandstest.WithPush), as an
// IoTDA forwarding rule with an HTTP(S) action does: each document is a
// POST of JSON, answered 200 within Timeout or failed. A failed push is not
// retried (the platform discards it); BlocklistAfter failures in a row
// blocklist the receiver: documents then wait in a backlog, one is tried
// every BlocklistRetry, and once one gets through the backlog drains at
// DrainRate before newer documents. Zero fields take the platform's values
// shown.
type PushOptions struct {
	// Workers bounds the pushes in flight (default 4), so documents can
	// arrive in another order than they were made even without faults.
	Workers int
	// Timeout is how long a push waits for the 200 (default 15s).
	Timeout time.Duration
	// BlocklistAfter consecutive failures blocklist the receiver
	// (default 10).
	BlocklistAfter int
	// BlocklistRetry is the wait between tries of a blocklisted receiver
	// (default 3 min).
	BlocklistRetry time.Duration
	// DrainRate is the pushes per second of a draining backlog (default
	// 800); negative drains as fast as Workers allow.
	DrainRate float64
	// SkipPending pushes nothing for the PENDING status. Whether the
	// platform pushes PENDING is unconfirmed; by default the fake does.
	SkipPending bool
	// Client sends the POSTs; nil is the fake's own. Give an https
	// receiver's client (httptest.Server.Client) so its certificate is
	// trusted, or &http.Client{Transport: Transport(h)} to
	// push to handler h in memory, as a testing/synctest bubble needs.
	Client *http.Client
	// Faults start with the server; SetPushFaults changes them.
	Faults PushFaults
}

// PushFaults makes a fake's pushes misbehave as an at-least-once channel
// may (commandstest.WithPush, Server.SetPushFaults), so a consumer's
// handling of duplicates, order and loss can be tested. Which documents
// are hit depends only on Seed and the document (a command or device ID, a
// status and an event time), not on arrival order: a run hits the same
// ones each time. The fractions are between 0 and 1.
type PushFaults struct {
	// Seed picks the documents the fractions hit.
	Seed int64
	// Duplicate is the fraction of documents sent twice, the copy right
	// behind the original (same bytes, same request_id).
	Duplicate float64
	// Reorder is the fraction of documents held back ReorderDelay, so
	// later ones overtake them.
	Reorder float64
	// ReorderDelay is how long a reordered document waits (default
	// 100ms).
	ReorderDelay time.Duration
	// Drop is the fraction of commands (and devices) whose documents are
	// never sent: a consumer must learn their outcome by polling.
	Drop float64
	// DropIDs are command IDs, or device IDs for device.status documents,
	// whose documents are never sent.
	DropIDs []string
}

// PushStats counts what a fake pushed since pushing started.
type PushStats struct {
	Events      int // documents made: one per status change while pushing
	Attempts    int // POSTs made, copies and blocklist tries included
	Sent        int // POSTs the receiver answered 200
	Failed      int // POSTs answered otherwise, or not within Timeout
	Duplicated  int // documents sent twice by PushFaults.Duplicate
	Reordered   int // documents held back by PushFaults.Reorder
	Dropped     int // documents never sent: PushFaults.Drop, DropIDs, or pushed out of a full backlog
	Discarded   int // documents given up after a failed POST (the platform does not retry one)
	Held        int // documents waiting now for a receiver down or blocklisted
	Blocklisted int // times the receiver was blocklisted
}
