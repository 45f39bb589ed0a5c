package schema

import (
	"database/sql"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"UserID": "user_id", "HTTPServer": "http_server", "Name": "name", "createdAt": "created_at",
		"ID": "id", "Address2Line": "address2_line",
	} {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

type base struct {
	CreatedAt time.Time
}

type tagged struct {
	base
	ID      uint   `orm:"primaryKey;autoIncrement"`
	Login   string `orm:"column:user_login;unique;size:40;notNull"`
	Score   int    `orm:"index:idx_rank;default:0"`
	Level   int    `orm:"index:idx_rank"`
	Note    *string
	Skip    string       `orm:"-"`
	private int          // unexported: ignored
	Deleted sql.NullTime `orm:"softDelete"`
}

func TestParseTags(t *testing.T) {
	s, err := Parse(&[]tagged{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Table != "tagged" || len(s.Fields) != 7 {
		t.Fatalf("table %q with %d fields", s.Table, len(s.Fields))
	}
	if s.Fields[0].Column != "created_at" || s.Fields[0].Offset != 0 {
		t.Fatalf("embedded field: %+v", s.Fields[0])
	}
	l := s.Column("user_login")
	if l == nil || !l.Unique || l.Size != 40 || !l.NotNull || s.LookupField("Login") != l {
		t.Fatalf("login: %+v", l)
	}
	if s.AutoInc == nil || s.AutoInc.Name != "ID" || s.SoftDelete == nil || s.SoftDelete.Column != "deleted" {
		t.Fatalf("keys: %+v %+v", s.AutoInc, s.SoftDelete)
	}
	if len(s.Indexes) != 1 || s.Indexes[0].Name != "idx_rank" || strings.Join(s.Indexes[0].Columns, ",") != "score,level" {
		t.Fatalf("indexes: %+v", s.Indexes)
	}
	if s2, _ := Parse(tagged{}); s2 != s {
		t.Fatal("schema not cached")
	}
}

func TestParseErrors(t *testing.T) {
	type badTag struct {
		A int `orm:"sise:3"`
	}
	type badType struct{ M map[string]int }
	type dup struct {
		A int `orm:"column:x"`
		B int `orm:"column:x"`
	}
	type badSoft struct {
		D time.Time `orm:"softDelete"`
	}
	type badAuto struct {
		K string `orm:"primaryKey;autoIncrement"`
	}
	for _, v := range []any{badTag{}, badType{}, dup{}, badSoft{}, badAuto{}, 3} {
		if _, err := Parse(v); err == nil {
			t.Errorf("Parse(%T) accepted", v)
		}
	}
	_, err := Parse(badTag{})
	if err == nil || !strings.Contains(err.Error(), "A") || !strings.Contains(err.Error(), "sise") {
		t.Fatalf("error should name field and option: %v", err)
	}
}

func TestScanConversions(t *testing.T) {
	type row struct {
		I   int
		U8  uint8
		B   bool
		F   float32
		S   string
		Raw []byte
		P   *int64
		T   time.Time
	}
	s, err := Parse(&row{})
	if err != nil {
		t.Fatal(err)
	}
	_ = tagged{private: 1}
	var r row
	rs := NewRowScanner(s.Fields)
	rs.Bind(unsafe.Pointer(&r))
	src := []any{[]byte("42"), int64(7), []byte("1"), float64(2.5), []byte("txt"), []byte{9}, int64(5), "2024-01-02 03:04:05+02:00"}
	for i, d := range rs.Dest() {
		if err := d.(interface{ Scan(any) error }).Scan(src[i]); err != nil {
			t.Fatalf("column %d: %v", i, err)
		}
	}
	if r.I != 42 || r.U8 != 7 || !r.B || r.F != 2.5 || r.S != "txt" || r.Raw[0] != 9 || *r.P != 5 || r.T.Hour() != 3 {
		t.Fatalf("scanned %+v", r)
	}
	if err := rs.Dest()[0].(interface{ Scan(any) error }).Scan("abc"); err == nil || !strings.Contains(err.Error(), `"i"`) {
		t.Fatalf("bad integer should name the column: %v", err)
	}
}

func FuzzParseTag(f *testing.F) {
	f.Add("column:name;primaryKey;autoIncrement;unique;index;notNull;default:0;size:255")
	f.Add("index:a;size:-1")
	f.Add("-")
	f.Fuzz(func(t *testing.T, tag string) {
		o, err := parseTag(tag)
		if err == nil && o.size < 0 {
			t.Fatalf("negative size accepted from %q", tag)
		}
	})
}

func TestScanRejectsOverflow(t *testing.T) {
	type row struct {
		Small int8
		U     uint16
	}
	s, err := Parse(&row{})
	if err != nil {
		t.Fatal(err)
	}
	var r row
	base := unsafe.Pointer(&r)
	for i, src := range []any{int64(300), int64(-1)} {
		if err := s.Fields[i].SetAny(base, src); err == nil || !strings.Contains(err.Error(), "overflows") && !strings.Contains(err.Error(), "negative") {
			t.Errorf("%s <- %v: err %v", s.Fields[i].Name, src, err)
		}
	}
	if err := s.Fields[0].SetAny(base, int64(-128)); err != nil || r.Small != -128 {
		t.Fatalf("in-range value: %v %d", err, r.Small)
	}
}

// FuzzScanBytes feeds arbitrary driver bytes (MySQL's text protocol returns
// every value as []byte) into each field kind: errors are fine, panics not.
func FuzzScanBytes(f *testing.F) {
	type row struct {
		I   int64
		I8  int8
		U   uint32
		F   float64
		B   bool
		T   time.Time
		P   *int
		S   string
		Raw []byte
	}
	s, err := Parse(&row{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("12"))
	f.Add([]byte("-9223372036854775809"))
	f.Add([]byte("18446744073709551615"))
	f.Add([]byte("2024-01-02 03:04:05.123+05:30"))
	f.Add([]byte("true"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r row
		for _, fd := range s.Fields {
			_ = fd.SetAny(unsafe.Pointer(&r), b)
		}
		if r.S != string(b) {
			t.Fatalf("string field got %q from %q", r.S, b)
		}
	})
}

type argRow struct {
	Name  string
	Label namedString
	At    time.Time
	N     int64
	P     *string
	B     []byte
}

type namedString string

// TestArgMatchesValue checks that the aliasing Arg gives the same dynamic
// types and values as Value, including for named string types.
func TestArgMatchesValue(t *testing.T) {
	sch, err := Parse(&argRow{})
	if err != nil {
		t.Fatal(err)
	}
	s := "ptr"
	r := &argRow{Name: "héllo", Label: "lbl", At: time.Date(2024, 5, 6, 7, 8, 9, 10, time.FixedZone("x", 3600)),
		N: 1 << 40, P: &s, B: []byte{1, 2}}
	base := unsafe.Pointer(r)
	for _, f := range sch.Fields {
		got, want := f.Arg(base), f.Value(base)
		switch w := want.(type) {
		case []byte:
			if g, ok := got.([]byte); !ok || string(g) != string(w) {
				t.Errorf("%s: Arg = %#v, want %#v", f.Name, got, want)
			}
		case time.Time:
			if g, ok := got.(time.Time); !ok || !g.Equal(w) || g.Location() != w.Location() {
				t.Errorf("%s: Arg = %#v, want %#v", f.Name, got, want)
			}
		default:
			if got != want {
				t.Errorf("%s: Arg = %#v (%T), want %#v (%T)", f.Name, got, got, want, want)
			}
		}
	}
}
