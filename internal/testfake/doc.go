// Package testfake holds what the public test helpers (commandstest,
// clientstatetest, livetest) share: the conversion of their public types
// to the internal fake's, so the helpers expose no internal type.
package testfake
