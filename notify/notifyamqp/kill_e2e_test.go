package notifyamqp_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// killedChild is the consumer process TestKilledConsumerLosesNothing
// kills: it handles 50 notifications (so they are accepted), then blocks
// in the loop body of the 51st, holding the rest unacknowledged, and says
// so on stdout.
func killedChild() int {
	if theBroker == nil {
		fmt.Println("no broker:", brokerErr)
		return 1
	}
	c, err := notifyamqp.NewConsumer(theBroker.config())
	if err != nil {
		fmt.Println(err)
		return 1
	}
	handled := 0
	for _, err := range c.Notifications(context.Background()) {
		if err != nil {
			fmt.Println(err)
			return 1
		}
		if handled++; handled > 50 {
			fmt.Println("HOLDING")
			select {} // killed here
		}
	}
	return 1
}

// TestKilledConsumerLosesNothing: a consumer process killed (SIGKILL)
// after handling 50 of 100 notifications, with the other 50 taken but not
// handled, costs nothing: the next consumer gets exactly those 50, and none
// of the handled ones.
func TestKilledConsumerLosesNothing(t *testing.T) {
	b := withBacklog(t, 100)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=1")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		if l != "HOLDING" {
			t.Fatalf("child: %s", l)
		}
	case <-time.After(2 * itemTimeout):
		t.Fatal("the child did not take 51 notifications in time")
	}
	// RabbitMQ 3.10 applies accepts asynchronously: wait until it has
	// applied the 50 (the rest unacknowledged) before the kill, or it may
	// deliver accepted ones again, which at-least-once allows but this
	// test is here to rule out.
	b.waitQueue(t, "50 unacknowledged", func(r, u, _ int) bool { return r == 0 && u == 50 })
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	c := newConsumer(t, b.config())
	got := takeIndexes(t, c, 50, "after the kill")
	slices.Sort(got)
	want := make([]int, 0, 50)
	for i := 50; i < 100; i++ {
		want = append(want, i)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after the kill got %v, want 50..99", got)
	}
	// Nothing else is left: no handled one was requeued.
	b.waitQueue(t, "empty", func(r, u, _ int) bool { return r == 0 && u == 0 })
}
