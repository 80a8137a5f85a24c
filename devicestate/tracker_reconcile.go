package devicestate

import (
	"cmp"
	"context"
	"errors"
	"slices"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/pagination"
)

// reconcile re-reads the states: the whole list when full, else Get of
// the devices that changed most recently. It returns how many it read.
func (t *Tracker) reconcile(ctx context.Context, full bool) (int, error) {
	if full {
		return t.reconcileList(ctx)
	}
	ids := t.recent(t.cfg.ReconcileDevices)
	for i, id := range ids {
		if err := t.paced(ctx); err != nil {
			return i, err
		}
		d, err := t.client.Get(ctx, id)
		if errors.Is(err, iotclient.ErrNotFound) {
			continue // deleted: what the tracker knows of it stays
		}
		if err != nil {
			return i, err
		}
		t.read(fromGet, d)
	}
	return len(ids), nil
}

// paced waits for the turn of a reconciliation's next request.
func (t *Tracker) paced(ctx context.Context) error {
	if t.pace == nil {
		return ctx.Err()
	}
	return t.pace.Wait(ctx)
}

func (t *Tracker) reconcileList(ctx context.Context) (int, error) {
	n := 0
	pages := pagination.Cursor(ctx, t.cfg.Query.Marker, func(ctx context.Context, marker string, i int) (pagination.Page[Device], error) {
		if err := t.paced(ctx); err != nil {
			return pagination.Page[Device]{}, err
		}
		q := t.cfg.Query
		q.Marker = marker
		if i > 0 {
			q.Offset = 0 // the marker already skips it
		}
		p, err := t.client.ListPage(ctx, q)
		if err == nil {
			t.read(fromList, p.Items...)
			n += len(p.Items)
		}
		// The devices are applied a page at a time, above: the iterator
		// only walks the pages.
		return pagination.Page[Device]{Next: p.Next, RequestID: p.RequestID}, err
	})
	for _, err := range pages {
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// read applies devices as a REST read found them now.
func (t *Tracker) read(source uint8, devs ...Device) {
	readMs := millis(t.now().Add(-t.skew()))
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range devs {
		t.store.read(&devs[i], readMs, source)
	}
}

// recent returns the IDs of the n devices whose status information is the
// newest.
func (t *Tracker) recent(n int) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	idx := make([]int, len(t.store.recs))
	for i := range idx {
		idx[i] = i
	}
	recs := t.store.recs
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(recs[b].updated, recs[a].updated) })
	ids := make([]string, min(n, len(idx)))
	for i := range ids {
		ids[i] = t.store.ids[idx[i]]
	}
	return ids
}
