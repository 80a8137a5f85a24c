package commands_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// The examples run against the SDK's embedded mock of IoTDA on a manual
// clock; in production, Endpoint is https://iotda.{region}.myhuaweicloud.com
// and Auth is auth.AKSK or auth.IAMPassword.
func lcExampleClient(s *mockserver.Server) *commands.Client {
	c, err := commands.NewClient(commands.Config{
		Endpoint:  s.URL(),
		ProjectID: mockserver.ProjectID,
		Auth:      auth.Token(mockserver.Token),
	})
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleClient_Create() {
	clk := mockserver.NewClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	s := mockserver.New(mockserver.WithClock(clk.Now))
	defer s.Close()
	s.AddDevice("meter-7")
	cmds := lcExampleClient(s)

	cmd, err := cmds.Create(context.Background(), "meter-7", commands.NewCommand{
		ServiceID: "Switch",
		Name:      "ON_OFF",
		Params:    map[string]string{"value": "ON"},
		Strategy:  commands.SendDelay, // cached until the device next reports
		Expire:    time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cmd.Status, cmd.ServiceID, cmd.Name, string(cmd.Params))
	fmt.Println("expires after", cmd.Expire, "from", cmd.CreatedAt.Format(time.RFC3339))
	// Output:
	// PENDING Switch ON_OFF {"value":"ON"}
	// expires after 1h0m0s from 2024-06-01T12:00:00Z
}

func ExampleClient_Wait() {
	clk := mockserver.NewClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	s := mockserver.New(mockserver.WithClock(clk.Now), mockserver.WithLifecycle(mockserver.Lifecycle{
		Outcomes: map[string]string{"FW_UPGRADE": mockserver.StatusFailed},
	}))
	defer s.Close()
	s.AddDevice("meter-7")
	cmds := lcExampleClient(s)
	ctx := context.Background()

	reboot, _ := cmds.Create(ctx, "meter-7", commands.NewCommand{ServiceID: "System", Name: "REBOOT",
		Strategy: commands.SendImmediately})
	upgrade, _ := cmds.Create(ctx, "meter-7", commands.NewCommand{ServiceID: "Firmware", Name: "FW_UPGRADE",
		Params: map[string]string{"version": "2.1.0"}, Strategy: commands.SendImmediately})
	clk.Advance(time.Minute) // the device answers meanwhile

	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for _, id := range []string{reboot.ID, upgrade.ID} {
		cmd, err := cmds.Wait(ctx, "meter-7", id, commands.WaitOptions{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cmd.Name, cmd.Status, string(cmd.Result))
		fmt.Println("  answered", cmd.RespondedAt.Sub(cmd.CreatedAt), "after delivery")
	}
	// Output:
	// REBOOT SUCCESSFUL {"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}
	//   answered 3s after delivery
	// FW_UPGRADE FAILED {"result_code":1,"response_name":"COMMAND_RESPONSE","paras":{"error":"simulated failure"}}
	//   answered 3s after delivery
}

func ExampleClient_Count() {
	s := mockserver.New()
	defer s.Close()
	s.SeedCommands("meter-7", 1234, 42)
	cmds := lcExampleClient(s)
	ctx := context.Background()

	all, err := cmds.Count(ctx, "meter-7", commands.CountQuery{})
	if err != nil {
		log.Fatal(err)
	}
	failed, err := cmds.Count(ctx, "meter-7", commands.CountQuery{Status: commands.StatusFailed})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d commands, %d failed\n", all, failed)
	// Output:
	// 1162 commands, 165 failed
}

func ExampleClient_FleetHistory() {
	s := mockserver.New()
	defer s.Close()
	fleet := []string{"meter-1", "meter-2", "meter-3"}
	for i, d := range fleet {
		s.SeedCommands(d, 40*(i+1), int64(i))
	}
	cmds := lcExampleClient(s)

	failed := map[string]int{}
	q := commands.HistoryQuery{Status: commands.StatusFailed}
	for cmd, err := range cmds.FleetHistory(context.Background(), append(fleet, "meter-404"), q, commands.FleetOptions{Concurrency: 2}) {
		var de *commands.DeviceError
		if errors.As(err, &de) { // one device failed; the others go on
			fmt.Println(de.DeviceID, "not found:", errors.Is(err, iotclient.ErrNotFound))
			continue
		} else if err != nil {
			log.Fatal(err)
		}
		failed[cmd.DeviceID]++ // records of different devices interleave
	}
	for _, d := range fleet {
		fmt.Println(d, failed[d])
	}
	// Output:
	// meter-404 not found: true
	// meter-1 7
	// meter-2 8
	// meter-3 13
}
