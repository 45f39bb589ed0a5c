package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// MIME types the negotiation and renderers know.
const (
	MIMEJSON     = "application/json"
	MIMEHTML     = "text/html"
	MIMEXML      = "application/xml"
	MIMEXML2     = "text/xml"
	MIMEPlain    = "text/plain"
	MIMEYAML     = "application/yaml"
	MIMEYAML2    = "application/x-yaml"
	MIMEPROTOBUF = "application/x-protobuf"
)

// Negotiate says which formats a handler offers and the data for each;
// Data is used for any format whose own field is nil.
type Negotiate struct {
	Offered  []string
	HTMLName string
	HTMLData any
	JSONData any
	XMLData  any
	YAMLData any
	Data     any
}

// ErrNotAcceptable is recorded when no offered format is acceptable.
var ErrNotAcceptable = errors.New("web: none of the offered formats is acceptable")

// Negotiate answers in the offered format the Accept header prefers:
// JSON, XML, HTML (the template HTMLName), YAML or plain text. With none
// acceptable it answers 406.
func (c *Context) Negotiate(code int, n Negotiate) {
	pick := func(v any) any {
		if v != nil {
			return v
		}
		return n.Data
	}
	switch c.NegotiateFormat(n.Offered...) {
	case MIMEJSON:
		c.JSON(code, pick(n.JSONData))
	case MIMEXML, MIMEXML2:
		c.XML(code, pick(n.XMLData))
	case MIMEHTML:
		c.HTML(code, n.HTMLName, pick(n.HTMLData))
	case MIMEYAML, MIMEYAML2:
		c.YAML(code, pick(n.YAMLData))
	case MIMEPlain:
		c.String(code, "%v", n.Data)
	default:
		_ = c.AbortWithError(http.StatusNotAcceptable, ErrNotAcceptable)
	}
}

// NegotiateFormat returns the offered type the request's Accept header
// rates highest, "" if it accepts none, or the first offered without an
// Accept header. Unlike gin, it honours q-values (q=0 refuses a type)
// and lets the most specific range decide (text/html over text/*).
func (c *Context) NegotiateFormat(offered ...string) string {
	accept := c.Request.Header.Values("Accept")
	if len(offered) == 0 {
		return ""
	}
	if strings.TrimSpace(strings.Join(accept, "")) == "" {
		return offered[0]
	}
	best, bestQ := "", 0.0
	for _, o := range offered {
		if q := acceptQ(accept, o); q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}

// acceptQ is the q-value that Accept gives mime: that of the most
// specific media range matching it, 0 if none does.
func acceptQ(accept []string, mime string) float64 {
	typ, sub, _ := strings.Cut(strings.ToLower(mime), "/")
	q, spec := 0.0, -1
	for _, line := range accept {
		for _, rng := range strings.Split(line, ",") {
			media, params, _ := strings.Cut(rng, ";")
			rt, rs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(media)), "/")
			if !ok {
				continue
			}
			s := -1
			switch {
			case rt == typ && rs == sub:
				s = 2
			case rt == typ && rs == "*":
				s = 1
			case rt == "*" && rs == "*":
				s = 0
			}
			if s > spec {
				spec, q = s, qValue(params)
			}
		}
	}
	return q
}

// qValue reads q= from media-range parameters; 1 when absent, 0 when bad.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || q < 0 || q > 1 {
				return 0
			}
			return q
		}
	}
	return 1
}
