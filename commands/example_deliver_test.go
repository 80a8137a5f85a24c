package commands_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// The examples run against the public fake of IoTDA; in production the
// Config comes from the platform (commands.ConfigFromEnv): Endpoint
// https://iotda.{region}.myhuaweicloud.com, Auth auth.AKSK or
// auth.IAMPassword.
func newFake(opts ...commandstest.Option) (*commandstest.Server, *commands.Client) {
	srv := commandstest.NewServer(opts...)
	cmds, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	return srv, cmds
}

func ExampleClient_Create() {
	srv, cmds := newFake()
	defer srv.Close()
	srv.AddDevice("meter-7")

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
	fmt.Println("expires after", cmd.Expire)
	// Output:
	// PENDING Switch ON_OFF {"value":"ON"}
	// expires after 1h0m0s
}

func ExampleClient_Wait() {
	// The fake's device answers each command within a few milliseconds,
	// and fails every firmware upgrade.
	srv, cmds := newFake(commandstest.WithLifecycle(commandstest.Lifecycle{
		SendAfter: time.Millisecond, DeliverAfter: time.Millisecond, RespondAfter: time.Millisecond,
		Outcomes: map[string]commands.Status{"FW_UPGRADE": commands.StatusFailed},
	}))
	defer srv.Close()
	srv.AddDevice("meter-7")
	ctx := context.Background()

	reboot, err := cmds.Create(ctx, "meter-7", commands.NewCommand{ServiceID: "System", Name: "REBOOT",
		Strategy: commands.SendImmediately})
	if err != nil {
		log.Fatal(err)
	}
	upgrade, err := cmds.Create(ctx, "meter-7", commands.NewCommand{ServiceID: "Firmware", Name: "FW_UPGRADE",
		Params: map[string]string{"version": "2.1.0"}, Strategy: commands.SendImmediately})
	if err != nil {
		log.Fatal(err)
	}

	// A deadline bounds the wait: a delayed command to a sleeping device
	// can stay PENDING for hours.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	poll := commands.WaitOptions{PollInitial: 5 * time.Millisecond, PollMax: 20 * time.Millisecond}
	for _, id := range []string{reboot.ID, upgrade.ID} {
		cmd, err := cmds.Wait(ctx, "meter-7", id, poll)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cmd.Name, cmd.Status, string(cmd.Result))
		fmt.Println("  answered after it was delivered:", !cmd.RespondedAt.Before(cmd.DeliveredAt))
	}
	// Output:
	// REBOOT SUCCESSFUL {"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}
	//   answered after it was delivered: true
	// FW_UPGRADE FAILED {"result_code":1,"response_name":"COMMAND_RESPONSE","paras":{"error":"simulated failure"}}
	//   answered after it was delivered: true
}

func ExampleClient_Count() {
	srv, cmds := newFake(commandstest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	defer srv.Close()
	srv.Seed("meter-7", 1234, 42)
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
	srv, cmds := newFake(commandstest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	defer srv.Close()
	fleet := []string{"meter-1", "meter-2", "meter-3"}
	for i, d := range fleet {
		srv.Seed(d, 40*(i+1), int64(i))
	}

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
