// Package pagination turns the platforms' paged listings into Go iterators.
//
// Both platforms page by cursor: IoTDA returns a marker (the ID of a page's
// last record) and IBM Watson IoT an opaque bookmark. Cursor walks such
// pages as an iter.Seq2[T, error] that fetches one page at a time, stops
// fetching the moment the loop breaks, yields an error at most once and
// last, starts again each time it is ranged over, and refuses a cursor that
// does not advance (ErrStuckCursor). CursorAhead also fetches the next page
// while the loop body works on the current one.
//
// Windows walks listings paged by skip count, after a cursor (IoTDA reaches
// 500 records past a marker) or without one (ErrOffsetLimit past the last
// offset), fetching a window's pages concurrently, with the same guard
// against cursors that do not advance.
//
// The platform packages also offer one-page calls (HistoryPage, ListPage)
// that return the cursor, so a caller can checkpoint and resume later.
package pagination
