package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
)

func adminCommands() []*command {
	return []*command{
		{name: "regions", form: "[START [LIMIT]]", min: 0, max: 2, run: (*Shell).regions,
			brief:  "list regions (from the one holding START): keys, epoch, leader, peers",
			detail: fmt.Sprintf("LIMIT is at most %d, the default.", maxRegions)},
		{name: "region", form: "ID", min: 1, max: 1, run: (*Shell).region,
			brief: "show region ID: keys, epoch, leader, peers, pending and down peers"},
		{name: "stores", run: (*Shell).stores,
			brief: "list stores: address, state, replicas, leaders, space"},
		{name: "split", form: "KEY...", min: 1, max: -1, run: (*Shell).split,
			brief:  "split regions at exactly these keys",
			detail: "It returns once the scheduler has seen every new region."},
	}
}

// regionJSON is a region in JSON output.
type regionJSON struct {
	ID             uint64     `json:"id"`
	StartKey       string     `json:"start_key"`
	StartKeyBase64 string     `json:"start_key_base64,omitempty"`
	EndKey         string     `json:"end_key"`
	EndKeyBase64   string     `json:"end_key_base64,omitempty"`
	ConfVer        uint64     `json:"conf_ver"`
	Version        uint64     `json:"version"`
	LeaderStore    uint64     `json:"leader_store"` // 0: no leader known
	Peers          []peerJSON `json:"peers"`
	PendingPeers   []peerJSON `json:"pending_peers,omitempty"`
	DownPeers      []peerJSON `json:"down_peers,omitempty"`
}

type peerJSON struct {
	ID      uint64 `json:"id"`
	StoreID uint64 `json:"store_id"`
}

func peersJSON(ps []*metapb.Peer) []peerJSON {
	out := make([]peerJSON, len(ps))
	for i, p := range ps {
		out[i] = peerJSON{ID: p.GetId(), StoreID: p.GetStoreId()}
	}
	return out
}

func newRegionJSON(r *schedclient.Region) regionJSON {
	m := r.Meta
	sk, ek := newJSONBytes(m.GetStartKey()), newJSONBytes(m.GetEndKey())
	return regionJSON{ID: m.GetId(), StartKey: sk.text, StartKeyBase64: sk.b64, EndKey: ek.text, EndKeyBase64: ek.b64,
		ConfVer: m.GetRegionEpoch().GetConfVer(), Version: m.GetRegionEpoch().GetVersion(),
		LeaderStore: r.Leader.GetStoreId(), Peers: peersJSON(m.GetPeers()),
		PendingPeers: peersJSON(r.PendingPeers), DownPeers: peersJSON(r.DownPeers)}
}

// storeIDs is "[1 2 3]": the stores of the peers.
func storeIDs(ps []*metapb.Peer) string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = fmt.Sprint(p.GetStoreId())
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// idOrDash prints 0 (unknown) as "-".
func idOrDash(id uint64) string {
	if id == 0 {
		return "-"
	}
	return fmt.Sprint(id)
}

func (s *Shell) regions(ctx context.Context, args []string) error {
	var start []byte
	if len(args) > 0 {
		start = []byte(args[0])
	}
	limit, err := parseLimit("regions", args, 1, maxRegions, maxRegions)
	if err != nil {
		return err
	}
	a, err := s.admin("regions")
	if err != nil {
		return err
	}
	var rs []*schedclient.Region
	if err := scanRegions(ctx, a, start, limit, func(r *schedclient.Region) { rs = append(rs, r) }); err != nil {
		return clusterErr("regions", err)
	}
	out := make([]regionJSON, len(rs))
	for i, r := range rs {
		out[i] = newRegionJSON(r)
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "ID\tSTART\tEND\tEPOCH\tLEADER\tPEERS (store ids)")
		for _, r := range rs {
			m := r.Meta
			fmt.Fprintf(w, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", m.GetId(), Quote(m.GetStartKey()), Quote(m.GetEndKey()),
				m.GetRegionEpoch().GetConfVer(), m.GetRegionEpoch().GetVersion(), idOrDash(r.Leader.GetStoreId()),
				storeIDs(m.GetPeers()))
		}
	})
}

func (s *Shell) region(ctx context.Context, args []string) error {
	id, err := parseID("region", "region id", args[0])
	if err != nil {
		return err
	}
	a, err := s.admin("region")
	if err != nil {
		return err
	}
	r, err := a.GetRegionByID(ctx, id)
	if errors.Is(err, schedclient.ErrRegionNotFound) {
		return fmt.Errorf("region: region %d not found", id)
	}
	if err != nil {
		return clusterErr("region", err)
	}
	return s.emit(newRegionJSON(r), func(w io.Writer) {
		m := r.Meta
		fmt.Fprintf(w, "region\t%d\n", m.GetId())
		fmt.Fprintf(w, "start\t%s\n", Quote(m.GetStartKey()))
		fmt.Fprintf(w, "end\t%s\n", Quote(m.GetEndKey()))
		fmt.Fprintf(w, "epoch\tconf_ver %d, version %d\n", m.GetRegionEpoch().GetConfVer(), m.GetRegionEpoch().GetVersion())
		fmt.Fprintf(w, "leader\t%s\n", peerList([]*metapb.Peer{r.Leader}))
		fmt.Fprintf(w, "peers\t%s\n", peerList(m.GetPeers()))
		fmt.Fprintf(w, "pending\t%s\n", peerList(r.PendingPeers))
		fmt.Fprintf(w, "down\t%s\n", peerList(r.DownPeers))
	})
}

// peerList is "peer 3 on store 1, peer 4 on store 2", or "-" for none.
func peerList(ps []*metapb.Peer) string {
	var out []string
	for _, p := range ps {
		if p != nil {
			out = append(out, fmt.Sprintf("peer %d on store %d", p.GetId(), p.GetStoreId()))
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

// splitJSON is one split key's answer.
type splitJSON struct {
	Key       string `json:"key"`
	KeyBase64 string `json:"key_base64,omitempty"`
	RegionID  uint64 `json:"region_id"`
}

func (s *Shell) split(ctx context.Context, args []string) error {
	keys := make([][]byte, len(args))
	for i, arg := range args {
		k, err := key("split", arg)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	a, err := s.admin("split")
	if err != nil {
		return err
	}
	ids, err := a.SplitRegions(ctx, keys)
	if err != nil {
		return clusterErr("split", err)
	}
	if len(ids) != len(keys) {
		return fmt.Errorf("split: the scheduler answered %d region ids for %d keys", len(ids), len(keys))
	}
	out := make([]splitJSON, len(keys))
	for i, k := range keys {
		kj := newJSONBytes(k)
		out[i] = splitJSON{Key: kj.text, KeyBase64: kj.b64, RegionID: ids[i]}
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "KEY\tREGION")
		for i, k := range keys {
			fmt.Fprintf(w, "%s\t%d\n", Quote(k), ids[i])
		}
	})
}
