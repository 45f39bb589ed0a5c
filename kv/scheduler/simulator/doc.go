// Package simulator drives the scheduler (core.Cluster plus a schedule.Coordinator) with region heartbeats from
// simulated stores, without Raft or storage: it applies each operator step the heartbeats return to its own
// copy of the regions (bumping conf_ver as a real conf change would) and heartbeats the result back. It measures
// how many region heartbeats per second the scheduler handles and how many scheduling rounds balance takes.
package simulator
