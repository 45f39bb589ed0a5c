// Package schedule decides how TinyKV's regions move: operators (ordered membership and leadership steps), the
// controller that hands an operator's next step to each region heartbeat, the balance-region and balance-leader
// schedulers, and the replica checker.
//
// For the scheduler server (kv/scheduler): build one Coordinator with NewCoordinator(cluster, idAllocator,
// config) and either hand ServerScheduling{Coord: co} to the server's Config.NewScheduling seam (it runs a round
// every ScheduleInterval and turns steps into heartbeat responses with Command), or start Run(ctx) in a goroutine
// and, on every region heartbeat that cluster.HandleRegion accepted, call Dispatch(region). A non-nil Step is the
// command for the heartbeat response:
//
//	AddPeer{ToStore, PeerID}            -> ChangePeer{AddNode, Peer{PeerID, ToStore}}
//	AddLearner{ToStore, PeerID}         -> ChangePeer{AddLearnerNode, Peer{PeerID, ToStore, Learner}}
//	PromoteLearner{ToStore, PeerID}     -> ChangePeer{AddNode, Peer{PeerID, ToStore, Voter}}
//	RemovePeer{FromStore, PeerID}       -> ChangePeer{RemoveNode, Peer{PeerID, FromStore}}
//	TransferLeader{FromStore, ToStore, ToPeerID} -> TransferLeader{Peer{ToPeerID, ToStore}}
//
// Dispatch is goroutine-safe and cheap (a sharded map lookup when the region has no operator), so it may be called
// from every heartbeat stream concurrently. A step is returned again on each heartbeat until the region shows it
// applied; nil means there is nothing to send now. Replicas move through learners: AddLearner, PromoteLearner once
// it caught up, then RemovePeer, so a new replica joins the quorum only when it can vote at once.
package schedule
