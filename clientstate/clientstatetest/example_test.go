package clientstatetest_test

import (
	"context"
	"fmt"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

func Example() {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	seeded := srv.Seed(40, 1)

	client, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	n := 0
	for st, err := range client.List(context.Background(), clientstate.ListQuery{}) {
		if err != nil {
			panic(err)
		}
		if st.ClientID != seeded[n].ClientID {
			panic("out of order")
		}
		n++
	}
	fmt.Println(n, "clients read back")
	// Output: 40 clients read back
}
