package main

import (
	"context"
	"flag"

	"github.com/iotclient/iotclient-go/clientstate"
)

// registerStatesSummary adds --summary to states.
func registerStatesSummary(fs *flag.FlagSet, v *statesArgs) {
	v.common.summarized = func() bool { return v.summary }
	fs.BoolVar(&v.summary, "summary", false, "print counts by status and by the cause of the last disconnect instead of the clients (--format table, json, jsonl or csv)")
}

// writeStatesSummary reads every state the query matches and prints the
// summary: clients by status, and by the cause of their last disconnect.
func writeStatesSummary(ctx context.Context, a *app, v *statesArgs, client *clientstate.Client, q clientstate.ListQuery) error {
	states := client.List(ctx, q)
	if v.limit > 0 {
		states = limited(states, v.limit)
	}
	view, err := summaryStates(states)
	if err != nil {
		return err
	}
	if err := view.write(a.stdout, &v.common); err != nil {
		return writeError(err)
	}
	return nil
}
