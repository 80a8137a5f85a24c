// Package testfake holds what the public test helpers (commandstest,
// clientstatetest) share beyond the fake itself, so the helpers expose no
// internal type.
package testfake
