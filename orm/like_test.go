package orm_test

import (
	"context"
	"testing"

	"github.com/gee-project/gee/orm"
)

type phrase struct {
	ID   int64  `orm:"primaryKey;autoIncrement"`
	Text string `orm:"size:64"`
}

func TestEscapeLikeMatchesLiterally(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		texts := []string{"100% sure", "100 percent", "a_b", "axb", `back\slash`, "bang!", "bang", "1000"}
		for _, x := range texts {
			_, err := s.Insert(&phrase{Text: x})
			must(t, err)
		}
		cases := map[string][]string{
			"100%": {"100% sure"},
			"a_b":  {"a_b"},
			`\`:    {`back\slash`},
			"!":    {"bang!"},
			"%":    {"100% sure"},
		}
		for q, want := range cases {
			var got []phrase
			must(t, s.Where("text LIKE ? ESCAPE '!'", "%"+orm.EscapeLike(q)+"%").OrderBy("id").Find(&got))
			if len(got) != len(want) {
				t.Errorf("%q: got %v, want %v", q, got, want)
				continue
			}
			for i := range want {
				if got[i].Text != want[i] {
					t.Errorf("%q: got %v, want %v", q, got, want)
				}
			}
		}
	}, &phrase{})
}
