package schedclient

import (
	"context"
	"errors"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// ErrHeartbeatQueueFull: ReportRegion found the send queue full (the scheduler is unreachable
// or slow); heartbeats are periodic, so the caller simply reports again later.
var ErrHeartbeatQueueFull = errors.New("schedclient: region heartbeat queue full")

// SetRegionHeartbeatHandler replaces the callback for region heartbeat responses.
func (c *Client) SetRegionHeartbeatHandler(fn func(*pb.RegionHeartbeatResponse)) {
	c.hbFn.Store(&fn)
}

// ReportRegion queues a region heartbeat for the client's one region heartbeat stream (opened
// on first use and reopened with backoff when it breaks). It never blocks: a full queue returns
// ErrHeartbeatQueueFull. The client fills in req.Header; do not change req afterwards.
func (c *Client) ReportRegion(req *pb.RegionHeartbeatRequest) error {
	c.hbOnce.Do(func() {
		c.hbReqs = make(chan *pb.RegionHeartbeatRequest, c.cfg.heartbeatQueue)
		c.wg.Add(1)
		go c.heartbeatLoop()
	})
	if c.ctx.Err() != nil {
		return errClosed
	}
	select {
	case c.hbReqs <- req:
		return nil
	default:
		return ErrHeartbeatQueueFull
	}
}

// hbStream is one open region heartbeat stream and its receiving goroutine.
type hbStream struct {
	stream pb.Scheduler_RegionHeartbeatClient
	cancel context.CancelFunc
	broken chan struct{} // closed when the receiver sees the stream end
	addr   string
}

func (c *Client) heartbeatLoop() {
	defer c.wg.Done()
	var s *hbStream
	defer func() {
		if s != nil {
			s.cancel()
		}
	}()
	delay := c.cfg.backoffBase
	for {
		var req *pb.RegionHeartbeatRequest
		select {
		case req = <-c.hbReqs:
		case <-c.ctx.Done():
			return
		}
		req.Header = c.header()
		for {
			if s != nil {
				select {
				case <-s.broken:
					s.cancel()
					c.failed(s.addr)
					s = nil
				default:
				}
			}
			var err error
			if s == nil {
				s, err = c.openHeartbeat()
			}
			if err == nil {
				if err = s.stream.Send(req); err == nil {
					delay = c.cfg.backoffBase
					break
				}
				s.cancel()
				c.failed(s.addr)
				s = nil
			}
			if delay, err = c.backoff(c.ctx, delay); err != nil {
				return
			}
		}
	}
}

func (c *Client) openHeartbeat() (*hbStream, error) {
	cli, addr, err := c.client()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(c.ctx)
	stream, err := cli.RegionHeartbeat(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	s := &hbStream{stream: stream, cancel: cancel, broken: make(chan struct{}), addr: addr}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer close(s.broken)
		for {
			resp, err := stream.Recv()
			if err != nil {
				return
			}
			c.clusterID.CompareAndSwap(0, resp.GetHeader().GetClusterId())
			if fn := c.hbFn.Load(); fn != nil && *fn != nil {
				(*fn)(resp)
			}
		}
	}()
	return s, nil
}
