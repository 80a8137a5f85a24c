package devicestate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
)

// Which devices of a product are offline, and since when.
func Example() {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	defer srv.Close()
	srv.Seed(200, 1)
	client, err := srv.NewClient() // devicestate.NewClient(cfg) against IoTDA
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	q := devicestate.SearchQuery{Status: devicestate.StatusOffline, ProductID: "64b8f1c2a3e5d70012ab34cd"}
	n := 0
	for d, err := range client.Search(ctx, q) { // paced to one request a second
		if err != nil {
			panic(err)
		}
		full, err := client.Get(ctx, d.ID) // the list has no times; Get has
		if err != nil {
			panic(err)
		}
		if n++; n <= 2 {
			fmt.Println(full.ID, full.Status, "since", full.StatusChangedAt.Format(time.DateOnly))
		}
	}
	fmt.Println(n, "offline")
	// Output:
	// 64b8f1c2a3e5d70012ab34cd_A4C100100078 OFFLINE since 2024-05-11
	// 64b8f1c2a3e5d70012ab34cd_A4C100100060 OFFLINE since 2024-05-10
	// 13 offline
}
