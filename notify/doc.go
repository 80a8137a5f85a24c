// Package notify decodes the notifications Huawei Cloud IoTDA forwards to
// an application (data forwarding): an asynchronous command's status
// changes (device.command.status), a device's status changes
// (device.status), and every other resource kept as raw JSON with its
// envelope. It receives them over HTTP(S) push, drops the duplicates an
// at-least-once channel brings, and turns them into the updates
// commands.Watcher resolves Wait from.
//
// A stream of notifications is an iter.Seq2[Notification, error], whatever
// carries it (Handler here, the AMQP consumer in package notifyamqp). A
// *DocumentError (an undecodable document) or an error matching ErrLost (a
// notification lost on the way) does not end a stream: IsTransient tells
// them from the errors that do.
//
// Files: notification.go holds the Notification type and its parts,
// decode.go Decode, wire.go the wire structs; errors.go the stream's
// errors; handler.go the HTTP(S) push Handler; dedup.go the
// Deduplicator; updates.go the stream of command updates for
// commands.Watcher.
//
// The package links no MQTT or AMQP code.
package notify
