// Package iotclient is the root of iotclient-go, a Go SDK for two IoT
// platforms' device operations APIs:
//
//   - IBM Watson IoT Platform client connection state and connection logs
//     (package clientstate): which devices are connected, since when, and why
//     the others dropped.
//   - Huawei Cloud IoTDA asynchronous commands (package commands): what
//     happened to the commands sent to a device.
//
// This package holds the vocabulary the platform packages share: the error
// types and their sentinels, the client options and the SDK Version.
// Credentials live in package auth, paging helpers in package pagination.
//
// Every call that does I/O takes a context.Context first; cancelling it
// stops paging, retries and backoff at once. Clients are safe for
// concurrent use.
package iotclient

// Version is the SDK's version, sent in the User-Agent header as
// "iotclient-go/<Version>".
const Version = "0.1.0"
