// Package notifyamqp reads the notifications Huawei Cloud IoTDA forwards
// to an AMQP queue (data forwarding, channel AMQP_FORWARDING): the same
// documents as package notify's HTTP handler, as the same kind of stream
// (iter.Seq2[notify.Notification, error]), so whatever takes one stream
// (commands' Wait watcher, a device tracker) takes either.
//
// Unlike HTTP push, which the platform gives up on after 15 s, the queue
// keeps what is not acknowledged (up to 24 h or 1 GB) and delivers it again
// on the next connection. The consumer relies on that: it accepts a
// message only after it was handled, never on receipt, and drops the
// duplicates this brings; it reconnects with backoff after a lost
// connection, and stops, saying why, when the access code is refused.
//
// It connects as IoTDA requires: amqps://{host}:5671 over TLS 1.2 or newer
// with the server's certificate verified (Huawei's samples turn that off;
// here only Config.InsecureSkipServerVerification does), SASL PLAIN with
// the user name accessKey=…|timestamp=…|instanceId=… built afresh for every
// dial (the platform refuses a timestamp five minutes off) and the access
// code as the password, the AMQP hostname "default", and a receiver on the
// queue attached at once.
//
// ConfigFromEnv reads the queue and its credential from the
// IOTCLIENT_IOTDA_AMQP_* variables, beside the IOTCLIENT_IOTDA_* ones of
// commands.ConfigFromEnv.
//
// Files: config.go holds Config and the user name, env.go ConfigFromEnv,
// consumer.go Consumer and NewConsumer, stream.go the stream
// (Notifications, Consume, reconnects), conn.go one connection,
// window.go when it grants credit, accept.go the accepts of handled
// messages, batchconn.go the writes gathered under go-amqp, errors.go the
// errors.
//
// This package is apart from notify so that a program taking only HTTP
// pushes links no AMQP code.
package notifyamqp
