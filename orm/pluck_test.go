package orm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
)

func TestPluck(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		for _, x := range []string{"b", "a", "b", "c"} {
			_, err := s.Insert(&phrase{Text: x})
			must(t, err)
		}
		var texts []string
		must(t, s.Model(&phrase{}).Where("text <> ?", "c").OrderBy("id").Pluck("Text", false, &texts))
		if strings.Join(texts, ",") != "b,a,b" {
			t.Fatalf("texts = %v", texts)
		}
		must(t, s.Model(&phrase{}).OrderBy("text").Pluck("text", true, &texts))
		if strings.Join(texts, ",") != "a,b,c" {
			t.Fatalf("distinct texts = %v", texts)
		}
		var ids []int64
		must(t, s.Model(&phrase{}).OrderBy("id DESC").Limit(2).Pluck("id", false, &ids))
		if len(ids) != 2 || ids[0] <= ids[1] {
			t.Fatalf("ids = %v", ids)
		}
		if err := s.Model(&phrase{}).Pluck("nope", false, &ids); err == nil {
			t.Fatal("unknown column accepted")
		}
		if err := s.Model(&phrase{}).Pluck("id", false, &[]phrase{}); err == nil {
			t.Fatal("struct slice accepted")
		}
	}, &phrase{})
}
