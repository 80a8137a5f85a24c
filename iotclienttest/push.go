package iotclienttest

import "time"

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
