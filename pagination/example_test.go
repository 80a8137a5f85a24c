package pagination_test

import (
	"context"
	"fmt"
	"strconv"

	"github.com/iotclient/iotclient-go/pagination"
)

func ExampleCursor() {
	data := []string{"a", "b", "c", "d", "e"}
	fetch := func(_ context.Context, cursor string, _ int) (pagination.Page[string], error) {
		i, _ := strconv.Atoi(cursor)
		end := min(i+2, len(data))
		p := pagination.Page[string]{Items: data[i:end]}
		if end < len(data) {
			p.Next = strconv.Itoa(end)
		}
		return p, nil
	}
	for s, err := range pagination.Cursor(context.Background(), "", fetch) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Print(s, " ")
	}
	fmt.Println()
	// Output: a b c d e
}
