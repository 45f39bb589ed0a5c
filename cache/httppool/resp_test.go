package httppool

import "github.com/gee-project/gee/cache/cachepb"

type getResp struct{ value string }

func (g *getResp) bytes() []byte {
	return (&cachepb.GetResponse{Value: []byte(g.value)}).Marshal(nil)
}
