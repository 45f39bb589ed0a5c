// Package schedule decides how TinyKV's regions move: operators (ordered membership and leadership steps), the
// controller that hands an operator's next step to each region heartbeat, the balance-region and balance-leader
// schedulers, and the replica checker.
//
// For the scheduler server (kv/scheduler/server): build one Coordinator with
// NewCoordinator(cluster, idAllocator, config), start Run(ctx) in a goroutine, and on every region heartbeat,
// after cluster.HandleRegion accepted it, call Dispatch(region). A non-nil Step is the command for the
// heartbeat response:
//
//	AddPeer{ToStore, PeerID}            -> ChangePeer{AddNode, Peer{PeerID, ToStore}}
//	RemovePeer{FromStore, PeerID}       -> ChangePeer{RemoveNode, Peer{PeerID, FromStore}}
//	TransferLeader{FromStore, ToStore, ToPeerID} -> TransferLeader{Peer{ToPeerID, ToStore}}
//
// Dispatch is goroutine-safe and cheap (a sharded map lookup when the region has no operator), so it may be called
// from every heartbeat stream concurrently. A step is returned again on each heartbeat until the region shows it
// applied; nil means there is nothing to send now.
package schedule
