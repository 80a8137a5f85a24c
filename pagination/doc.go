// Package pagination turns the platforms' paged listings into Go iterators.
//
// Both platforms page by cursor: IoTDA returns a marker (the ID of a page's
// last record) and IBM Watson IoT an opaque bookmark. Cursor walks such
// pages as an iter.Seq2[T, error]. The iterators:
//
//   - fetch one page at a time, so memory does not grow with the listing;
//   - stop fetching the moment the loop breaks;
//   - yield an error at most once, as the last thing they yield;
//   - start again from the beginning each time they are ranged over;
//   - refuse a cursor that does not advance (ErrStuckCursor) rather than
//     loop for ever on a misbehaving server.
//
// CursorAhead is Cursor with the next page fetched while the loop body works
// on the current one (one page ahead at most, cancelled when the loop
// breaks): for loop bodies slow enough to hide a round trip.
//
// The platform packages also offer one-page calls (HistoryPage, ListPage)
// that return the cursor, so a caller can checkpoint and resume later.
package pagination
