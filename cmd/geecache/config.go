package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/eviction"
)

const usageText = `geecache runs one node of a GeeCache cluster: a distributed, groupcache-style
cache in which every key has one owner among the nodes (consistent hashing),
misses are loaded once by that owner from -source/<group>/<key>, and clients
read, write and invalidate keys through GET/PUT/DELETE /api/<group>/<key> on
-addr (GET / shows the node's status, GET /stats its counters as JSON). Nodes
talk to each other on -peer-addr, a separate listener meant for the private
network, optionally authenticated with a shared secret (-peer-secret-file).

Examples:
  geecache -addr 127.0.0.1:8000 -groups docs:64MB -source ./data
  geecache -addr :8000 -peer-addr 10.0.0.1:9000 \
      -peers http://10.0.0.1:9000,http://10.0.0.2:9000,http://10.0.0.3:9000 \
      -peer-secret-file /etc/geecache/secret -groups docs:64MB,users:16MB -source /srv/data
  curl -X PUT --data-binary @v.json 'http://127.0.0.1:8000/api/docs/k?ttl=30s'

Flags:
`

// config is a validated command line.
type config struct {
	addr, peerAddr, self string
	peers                []string
	peersSRV             string
	refresh              time.Duration
	secret               []byte
	groups               []groupSpec
	source               string
	policy               eviction.Kind
	peerTimeout          time.Duration
	ttl, fallbackTTL     time.Duration
}

// parseFlags reads and checks the command line; every error names its
// flag. -h prints the usage to stdout and returns flag.ErrHelp.
func parseFlags(args []string, stdout, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("geecache", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned (main prints them once); -h goes to stdout
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	c := &config{}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8000", "listen address of the client API")
	fs.StringVar(&c.peerAddr, "peer-addr", "", "listen address of the peer protocol (required when -peers lists other nodes)")
	fs.StringVar(&c.self, "self", "", "this node's peer base URL as the others know it (default http://<peer-addr>)")
	peers := fs.String("peers", "", "comma-separated peer base URLs of all nodes, this one included")
	fs.StringVar(&c.peersSRV, "peers-srv", "", "DNS SRV name listing the nodes (e.g. _geecache._tcp.cache.internal), polled every -peers-refresh; instead of -peers")
	fs.DurationVar(&c.refresh, "peers-refresh", 30*time.Second, "how often -peers-srv is looked up again")
	secretFile := fs.String("peer-secret-file", "", "file holding the secret shared by all nodes; peer requests are then HMAC-signed and unsigned ones refused")
	groups := fs.String("groups", "default:64MB", "comma-separated name:capacity (capacity like 512KB, 64MB, 1GB)")
	fs.StringVar(&c.source, "source", "", "directory loaded on misses as <source>/<group>/<key> (none: every miss is 404)")
	policy := fs.String("policy", "tinylfu", "eviction policy: tinylfu, tinylfu-adaptive (window sized by hill climbing) or lru")
	fs.DurationVar(&c.peerTimeout, "peer-timeout", time.Second, "timeout of one peer request")
	fs.DurationVar(&c.ttl, "ttl", 0, "expiry of values loaded from -source (0: none)")
	fs.DurationVar(&c.fallbackTTL, "fallback-ttl", 10*time.Second, "lifetime of values loaded here because their owner did not answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (all settings are flags; see -h)", fs.Arg(0))
	}
	if err := c.check(*peers, *secretFile, *groups, *policy); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *config) check(peers, secretFile, groups, policy string) error {
	var err error
	if c.groups, err = parseGroups(groups); err != nil {
		return err
	}
	switch eviction.Kind(policy) {
	case eviction.KindTinyLFU, eviction.KindTinyLFUAdaptive, eviction.KindLRU:
		c.policy = eviction.Kind(policy)
	default:
		return fmt.Errorf("-policy %q: want tinylfu, tinylfu-adaptive or lru", policy)
	}
	for name, d := range map[string]time.Duration{"-ttl": c.ttl, "-fallback-ttl": c.fallbackTTL, "-peer-timeout": c.peerTimeout, "-peers-refresh": c.refresh} {
		if d < 0 || d == 0 && name != "-ttl" {
			return fmt.Errorf("%s %v: want a positive duration like 10s", name, d)
		}
	}
	if c.source != "" {
		if st, err := os.Stat(c.source); err != nil || !st.IsDir() {
			return fmt.Errorf("-source %q: not an existing directory", c.source)
		}
	}
	for i, p := range splitList(peers) {
		if err := checkPeerURL(p); err != nil {
			return fmt.Errorf("-peers item %d %q: %w", i+1, p, err)
		}
		c.peers = append(c.peers, p)
	}
	if c.self == "" && c.peerAddr != "" {
		c.self = "http://" + c.peerAddr
	}
	if c.self != "" {
		if err := checkPeerURL(c.self); err != nil {
			return fmt.Errorf("-self %q: %w", c.self, err)
		}
	}
	others := 0
	for _, p := range c.peers {
		if p != c.self {
			others++
		}
	}
	if c.peersSRV != "" {
		if len(c.peers) > 0 {
			return errors.New("-peers-srv and -peers both given: choose one source of members")
		}
		if c.peerAddr == "" || c.self == "" {
			return errors.New("-peers-srv needs -peer-addr and a -self URL matching this node's SRV record")
		}
	}
	if others > 0 {
		if c.peerAddr == "" {
			return errors.New("-peers lists other nodes but -peer-addr is empty: the peer protocol needs its own listener, kept off the public API")
		}
		if others == len(c.peers) {
			return fmt.Errorf("-peers does not contain this node (-self %s)", c.self)
		}
	}
	if secretFile != "" {
		b, err := os.ReadFile(secretFile)
		if err != nil {
			return fmt.Errorf("-peer-secret-file: cannot read %q", secretFile)
		}
		if c.secret = []byte(strings.TrimSpace(string(b))); len(c.secret) < 16 {
			return fmt.Errorf("-peer-secret-file %q: secret shorter than 16 bytes", secretFile)
		}
	}
	return nil
}

// checkPeerURL accepts a base URL like http://10.0.0.1:9000.
func checkPeerURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("want an http:// or https:// base URL like http://10.0.0.1:9000")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("URL has no host")
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return errors.New("want scheme://host:port only, no path, query or user")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("bad port %q", p)
		}
	}
	return nil
}

type groupSpec struct {
	name     string
	capacity int64
}

// parseGroups reads "name:64MB,other:1GB".
func parseGroups(s string) ([]groupSpec, error) {
	var specs []groupSpec
	seen := map[string]bool{}
	for i, item := range splitList(s) {
		name, size, ok := strings.Cut(item, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("-groups item %d %q: want name:capacity", i+1, item)
		}
		if strings.ContainsAny(name, "/?#%") {
			return nil, fmt.Errorf("-groups item %d: group name %q may not contain / ? # %%", i+1, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("-groups item %d: group %q given twice", i+1, name)
		}
		seen[name] = true
		n, err := parseBytes(size)
		if err != nil {
			return nil, fmt.Errorf("-groups item %d %q: %w", i+1, item, err)
		}
		specs = append(specs, groupSpec{name, n})
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("-groups: no group given")
	}
	return specs, nil
}

var units = []struct {
	suffix string
	mult   int64
}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}

// parseBytes reads sizes like 512KB, 64MB, 1GB or a plain byte count.
func parseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("capacity %q is not a positive size like 64MB", s)
	}
	return n * mult, nil
}

// fileGetter loads <dir>/<group>/<key>. Keys that would leave the group's
// directory are refused. With no dir every miss is "not found". Errors
// name the key, never the server's paths: those go to the log only.
func fileGetter(dir, group string, ttl time.Duration, log *slog.Logger) cache.Getter {
	return cache.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		if dir == "" || !filepath.IsLocal(key) {
			return nil, time.Time{}, fmt.Errorf("key %s: %w", cache.QuoteKey(key), cache.ErrNotFound)
		}
		b, err := os.ReadFile(filepath.Join(dir, group, key))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || isDir(err) {
				return nil, time.Time{}, fmt.Errorf("key %s: %w", cache.QuoteKey(key), cache.ErrNotFound)
			}
			log.Error("reading source", "group", group, "key", cache.QuoteKey(key), "err", err)
			return nil, time.Time{}, fmt.Errorf("key %s: reading the source failed", cache.QuoteKey(key))
		}
		var exp time.Time
		if ttl > 0 {
			exp = time.Now().Add(ttl)
		}
		return b, exp, nil
	})
}

// isDir reports a read of a directory (or of a path through a file).
func isDir(err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return false
	}
	st, serr := os.Stat(pe.Path)
	return serr == nil && st.IsDir() || strings.Contains(pe.Err.Error(), "not a directory")
}
