// Package iotclienttest holds what every fake of this module shares: the
// Fault a fake injects, Fake (the controls of a fake's HTTP side: its
// address, its in-memory client, its request count, faults and latency),
// Transport, the in-memory HTTP transport the fakes' clients use, and
// PushOptions, PushFaults and PushStats for the fakes that push
// (commandstest.WithPush).
//
// It starts no fake itself: start the one for the platform you test
// (commandstest.NewServer, clientstatetest.NewServer), whose Server embeds
// Fake, so srv.FailNext and srv.SetLatency work on it directly.
//
// # Fakes in testing/synctest
//
// A fake's NewClient talks to it in memory, through Transport: no socket,
// and no goroutine left behind once an answer is read. So a test can run
// the fake and the client in a testing/synctest bubble, where every wait
// of the client (backoff, Retry-After, rate limit, attempt timeout) and of
// the fake (SetLatency) passes in fake time: a Retry-After of 2 seconds
// costs microseconds.
//
//	func TestRetry(t *testing.T) {
//		synctest.Test(t, func(t *testing.T) {
//			srv := commandstest.NewServer() // inside the bubble
//			defer srv.Close()
//			srv.Seed("pump-7", 100, 1)
//			client, _ := srv.NewClient()
//			srv.FailNext(1, commandstest.Fault{Status: 429, RetryAfter: 2 * time.Second})
//			start := time.Now()
//			if _, err := client.HistoryPage(t.Context(), "pump-7", commands.HistoryQuery{}); err != nil {
//				t.Fatal(err)
//			}
//			if waited := time.Since(start); waited != 2*time.Second { // fake time
//				t.Errorf("waited %v, want the Retry-After", waited)
//			}
//		})
//	}
//
// Start the fake inside the bubble: a fake started outside it is not
// the bubble's, and the bubble's clock cannot run while it works. What
// needs a real socket does not work in a bubble, since a goroutine waiting
// on the network keeps the bubble's clock from moving: the fake's URL and
// Config (they start its loopback listener on first use), livetest's MQTT
// broker, and pushes (commandstest.WithPush) to a receiver over the
// network. A pushing fake works in a bubble when its pushes go in memory
// too: commandstest.PushOptions{Client: &http.Client{Transport:
// iotclienttest.Transport(receiver)}}.
package iotclienttest
