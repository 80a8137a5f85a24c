// Command mockserver runs the SDK's test fakes of both platforms
// (packages commandstest and clientstatetest) standalone, on one address,
// so that other programs (or curl) can talk to them:
//
//	go run ./examples/mockserver -addr 127.0.0.1:8080 -commands 5000 -clients 2000 -fault-rate 0.1
//
// It serves Huawei IoTDA under /v5/iot/{project_id}/... and IBM Watson IoT
// under /api/v0002/... on one address, and prints the device IDs and the
// credentials it accepts. It stops on Ctrl-C (or after -for, if set).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func run(addr string, devices, perDevice, clients int, rate float64, latency time.Duration, seed int64, runFor time.Duration) error {
	if rate < 0 || rate > 1 {
		return fmt.Errorf("-fault-rate %v is not between 0 and 1", rate)
	}
	iotda := commandstest.NewServer()
	defer iotda.Close()
	ibm := clientstatetest.NewServer()
	defer ibm.Close()
	for i := range devices {
		id := fmt.Sprintf("device-%03d", i+1)
		iotda.Seed(id, perDevice, seed+int64(i))
		fmt.Printf("IoTDA device %s: %d commands\n", id, perDevice)
	}
	ibm.Seed(clients, seed)
	fmt.Printf("IBM organisation %s: %d clients\n", clientstatetest.OrgID, clients)
	if rate > 0 {
		// 429, 503, a dropped connection and a truncated body.
		iotda.SetFaultRate(rate, seed)
		ibm.SetFaultRate(rate, seed)
	}
	iotda.SetLatency(latency)
	ibm.SetLatency(latency)

	// One address for both: IBM under /api/, IoTDA (and its IAM) elsewhere.
	mux := http.NewServeMux()
	mux.Handle("/api/", ibm.Handler())
	mux.Handle("/", iotda.Handler())

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("\nlistening on http://%s\n", ln.Addr())
	fmt.Printf("IoTDA: project %s, AK %s, SK %s, or X-Auth-Token %s\n",
		commandstest.ProjectID, commandstest.AccessKey, commandstest.SecretKey, commandstest.Token)
	fmt.Printf("IBM:   API key %s, token %s (HTTP Basic)\n", clientstatetest.APIKey, clientstatetest.APIToken)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, runFor)
		defer cancel()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	devices := flag.Int("devices", 3, "IoTDA devices to create")
	perDevice := flag.Int("commands", 1000, "commands in each device's history")
	clients := flag.Int("clients", 500, "IBM client connection states")
	rate := flag.Float64("fault-rate", 0, "probability (0-1) that a request fails with 429, 503, a dropped connection or a truncated body")
	latency := flag.Duration("latency", 0, "delay added to every answer")
	seed := flag.Int64("seed", 1, "seed of the generated data and faults")
	runFor := flag.Duration("for", 0, "stop after this long (0: until interrupted)")
	flag.Usage = func() {
		out := flag.CommandLine.Output()
		fmt.Fprint(out, "Usage: mockserver [flags]\n\nServes the SDK's fakes of both platforms on one address. It reads no environment variable.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(*addr, *devices, *perDevice, *clients, *rate, *latency, *seed, *runFor); err != nil {
		log.Fatal(err)
	}
}
