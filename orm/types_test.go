package orm_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

// point is a custom type stored as "x,y" text through Valuer/Scanner.
type point struct{ X, Y int }

func (p point) Value() (driver.Value, error) { return fmt.Sprintf("%d,%d", p.X, p.Y), nil }

func (p *point) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("point: cannot scan %T", src)
	}
	_, err := fmt.Sscanf(s, "%d,%d", &p.X, &p.Y)
	return err
}

type status string

type audit struct {
	CreatedAt time.Time
	CreatedBy string `orm:"size:32"`
}

type typeRow struct {
	ID       int64 `orm:"primaryKey"`
	audit          // embedded: its fields become columns
	Flag     bool
	I8       int8
	I16      int16
	I32      int32
	U32      uint32
	U64      uint64
	F32      float32
	F64      float64
	Text     string
	Status   status `orm:"size:16"`
	Blob     []byte
	At       time.Time
	PtrInt   *int
	PtrStr   *string
	PtrTime  *time.Time
	NStr     sql.NullString
	NInt     sql.NullInt64
	NTime    sql.NullTime
	NGeneric sql.Null[float64]
	Pt       point  `orm:"type:VARCHAR(64)"`
	Ignored  string `orm:"-"`
}

func TestTypeRoundTrips(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		tokyo := time.FixedZone("JST", 9*3600)
		at := time.Date(2024, 2, 29, 23, 59, 58, 123456000, tokyo)
		seven, word := 7, "ptr ✓"
		large := strings.Repeat("日本語 and ascii ", 20000) // ~400 KB, multi-byte
		full := typeRow{ID: 1, audit: audit{CreatedAt: at.UTC(), CreatedBy: "me"},
			Flag: true, I8: -8, I16: -1600, I32: -320000, U32: 4000000000, U64: 1 << 40,
			F32: 1.5, F64: -2.25e100, Text: large, Status: "active", Blob: []byte{0, 1, 2, 255},
			At: at, PtrInt: &seven, PtrStr: &word, PtrTime: &at,
			NStr: sql.NullString{String: "n", Valid: true}, NInt: sql.NullInt64{Int64: -1, Valid: true},
			NTime: sql.NullTime{Time: at, Valid: true}, NGeneric: sql.Null[float64]{V: 0.5, Valid: true},
			Pt: point{3, -4}, Ignored: "not stored"}
		empty := typeRow{ID: 2}
		_, err := s.Insert(&full, &empty)
		must(t, err)
		var got typeRow
		must(t, s.Get(&got, 1))
		checkFull(t, got, full)
		var zero typeRow
		must(t, s.Get(&zero, 2))
		if zero.PtrInt != nil || zero.PtrStr != nil || zero.PtrTime != nil || zero.NStr.Valid ||
			zero.NInt.Valid || zero.NTime.Valid || zero.NGeneric.Valid || zero.Blob != nil || zero.Text != "" {
			t.Fatalf("NULLs did not come back as nil/invalid: %+v", zero)
		}
	}, &typeRow{})
}

func checkFull(t *testing.T, got, want typeRow) {
	t.Helper()
	if !got.At.Equal(want.At) || !got.CreatedAt.Equal(want.CreatedAt) || !got.PtrTime.Equal(*want.PtrTime) ||
		!got.NTime.Time.Equal(want.NTime.Time) {
		t.Errorf("times: got %v %v %v %v, want instant %v", got.At, got.CreatedAt, got.PtrTime, got.NTime.Time, want.At)
	}
	if got.Text != want.Text {
		t.Errorf("large unicode text: got %d bytes, want %d", len(got.Text), len(want.Text))
	}
	if !bytes.Equal(got.Blob, want.Blob) || *got.PtrInt != 7 || *got.PtrStr != *want.PtrStr {
		t.Errorf("blob/pointers: %v %v %q", got.Blob, *got.PtrInt, *got.PtrStr)
	}
	got.At, got.CreatedAt, got.PtrTime, got.NTime = want.At, want.CreatedAt, want.PtrTime, want.NTime
	got.Text, got.Blob, got.PtrInt, got.PtrStr = want.Text, want.Blob, want.PtrInt, want.PtrStr
	want.Ignored = ""
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}
