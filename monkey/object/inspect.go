package object

import "strings"

// MaxInspectLen bounds the text Inspect builds for an array or hash. Arrays
// can share elements, so a small value can stand for an exponentially large
// text; past the bound the text ends in "...".
const MaxInspectLen = 1 << 26

// maxInspectLen is MaxInspectLen, lowered by tests.
var maxInspectLen = MaxInspectLen

// inspectBounded renders a container into one builder, stopping at the bound.
func inspectBounded(o Object) string {
	var b strings.Builder
	if !writeInspect(&b, o) {
		b.WriteString("...")
	}
	return b.String()
}

// writeInspect appends o's text; it returns false once the bound is passed.
func writeInspect(b *strings.Builder, o Object) bool {
	if b.Len() > maxInspectLen {
		return false
	}
	switch o := o.(type) {
	case *Array:
		b.WriteByte('[')
		for i, e := range o.Elements {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writeInspect(b, e) {
				return false
			}
		}
		b.WriteByte(']')
	case *Hash:
		b.WriteByte('{')
		for i, k := range o.orderedKeys() {
			if i > 0 {
				b.WriteString(", ")
			}
			p := o.Pairs[k]
			if !writeInspect(b, p.Key) {
				return false
			}
			b.WriteString(": ")
			if !writeInspect(b, p.Value) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		b.WriteString(o.Inspect())
	}
	return b.Len() <= maxInspectLen
}
