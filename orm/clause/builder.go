// Package clause builds SQL text and its bind arguments for one dialect.
// Values only ever enter the statement as placeholders; identifiers are
// always quoted by the dialect.
package clause

import (
	"fmt"
	"reflect"

	"github.com/gee-project/gee/orm/dialect"
)

// Builder accumulates SQL text and arguments. The zero value needs D set.
type Builder struct {
	D    dialect.Dialect
	Buf  []byte
	Args []any
}

// Reset empties the builder, keeping its buffers.
func (b *Builder) Reset() {
	b.Buf = b.Buf[:0]
	clear(b.Args)
	b.Args = b.Args[:0]
}

// String returns the SQL text built so far.
func (b *Builder) String() string { return string(b.Buf) }

// Raw appends SQL text verbatim. Only for text written by this module.
func (b *Builder) Raw(s string) { b.Buf = append(b.Buf, s...) }

// Ident appends a quoted identifier.
func (b *Builder) Ident(name string) { b.Buf = b.D.Quote(b.Buf, name) }

// Idents appends quoted identifiers separated by commas.
func (b *Builder) Idents(names []string) {
	for i, n := range names {
		if i > 0 {
			b.Buf = append(b.Buf, ", "...)
		}
		b.Buf = b.D.Quote(b.Buf, n)
	}
}

// Bind appends a placeholder for v.
func (b *Builder) Bind(v any) {
	b.Args = append(b.Args, v)
	b.Buf = b.D.Placeholder(b.Buf, len(b.Args))
}

// Placeholders appends n comma-separated placeholders for args.
func (b *Builder) Placeholders(args []any) {
	for i, a := range args {
		if i > 0 {
			b.Buf = append(b.Buf, ", "...)
		}
		b.Bind(a)
	}
}

// Expr appends a user condition such as "age > ? AND name = ?", replacing
// each ? outside quotes with the dialect's placeholder for the matching
// argument. A slice argument (other than []byte) expands to "(?, ?, ...)".
func (b *Builder) Expr(sql string, args []any) error {
	n := 0
	var quote byte
	start := 0
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '?':
			if n >= len(args) {
				return fmt.Errorf("clause %q: more placeholders than the %d arguments given", sql, len(args))
			}
			b.Buf = append(b.Buf, sql[start:i]...)
			if err := b.bindArg(args[n]); err != nil {
				return fmt.Errorf("clause %q: argument %d: %w", sql, n+1, err)
			}
			n++
			start = i + 1
		}
	}
	if quote != 0 {
		return fmt.Errorf("clause %q: unterminated quote %c", sql, quote)
	}
	if n != len(args) {
		return fmt.Errorf("clause %q: %d placeholders but %d arguments", sql, n, len(args))
	}
	b.Buf = append(b.Buf, sql[start:]...)
	return nil
}

func (b *Builder) bindArg(a any) error {
	rv := reflect.ValueOf(a)
	if a == nil || rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		b.Bind(a)
		return nil
	}
	if rv.Len() == 0 {
		return fmt.Errorf("empty slice cannot expand to an IN list")
	}
	b.Buf = append(b.Buf, '(')
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			b.Buf = append(b.Buf, ", "...)
		}
		b.Bind(rv.Index(i).Interface())
	}
	b.Buf = append(b.Buf, ')')
	return nil
}
