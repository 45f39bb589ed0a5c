package shell

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

// Admin is the scheduler client of the cluster commands; *schedclient.Client satisfies it.
type Admin interface {
	GetAllStores(ctx context.Context, excludeTombstones bool) ([]*metapb.Store, error)
	StoreStatus(ctx context.Context, id uint64) (*schedulerpb.GetStoreResponse, error)
	GetRegionByID(ctx context.Context, id uint64) (*schedclient.Region, error)
	ScanRegions(ctx context.Context, start, end []byte, limit int) ([]*schedclient.Region, error)
	SplitRegions(ctx context.Context, keys [][]byte) ([]uint64, error)
	OperatorAdmin
}

// admin returns the scheduler client for cmd, or an error when the shell has none.
func (s *Shell) admin(cmd string) (Admin, error) {
	if s.dry {
		return nil, errDry
	}
	if s.cfg.Admin == nil {
		return nil, fmt.Errorf("%s: no scheduler client", cmd)
	}
	return s.cfg.Admin, nil
}

// maxRegions bounds one regions listing (the default lists up to this many).
const maxRegions = 10000

// scanRegions calls fn on up to limit regions in key order from the one holding start.
func scanRegions(ctx context.Context, a Admin, start []byte, limit int, fn func(r *schedclient.Region)) error {
	seen := 0
	for page := 0; page < maxRegions && seen < limit; page++ {
		regions, err := a.ScanRegions(ctx, start, nil, limit-seen)
		if err != nil {
			return err
		}
		for _, r := range regions[:min(len(regions), limit-seen)] {
			fn(r)
			seen++
		}
		if len(regions) == 0 || len(regions[len(regions)-1].Meta.GetEndKey()) == 0 {
			return nil
		}
		start = regions[len(regions)-1].Meta.GetEndKey()
	}
	return nil
}
