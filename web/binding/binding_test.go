package binding

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"
)

type item struct {
	Name    string        `form:"name" json:"name" binding:"required"`
	Count   uint8         `form:"count"`
	Price   float64       `form:"price"`
	OK      bool          `form:"ok"`
	When    time.Time     `form:"when" time_format:"2006-01-02"`
	Wait    time.Duration `form:"wait"`
	Tags    []string      `form:"tag"`
	Ptr     *int          `form:"ptr"`
	Skip    string        `form:"-"`
	Default string        `form:"d,default=dv"`
	Inner   struct {
		Zip string `form:"zip"`
	}
}

func TestFormMapping(t *testing.T) {
	q := url.Values{"name": {"n"}, "count": {"7"}, "price": {"1.5"}, "ok": {"true"}, "when": {"2024-02-03"},
		"wait": {"2s"}, "tag": {"a", "b"}, "ptr": {"9"}, "Skip": {"x"}, "zip": {"123"}}
	r, _ := http.NewRequest("GET", "/?"+q.Encode(), nil)
	var it item
	if err := Query.Bind(r, &it); err != nil {
		t.Fatal(err)
	}
	if it.Name != "n" || it.Count != 7 || it.Price != 1.5 || !it.OK || it.When.Day() != 3 || it.Wait != 2*time.Second ||
		len(it.Tags) != 2 || *it.Ptr != 9 || it.Skip != "" || it.Default != "dv" || it.Inner.Zip != "123" {
		t.Fatalf("bound %+v", it)
	}
}

func TestFieldErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"count=300":      `form "count": invalid value "300": want a non-negative integer in range`,
		"price=x":        `form "price": invalid value "x": want a number`,
		"ok=maybe":       `form "ok": invalid value "maybe": want a boolean`,
		"when=yesterday": `form "when"`,
		"zip=1&wait=zz":  `form "wait"`,
	}
	for q, want := range cases {
		r, _ := http.NewRequest("GET", "/?name=n&"+q, nil)
		var it item
		err := Query.Bind(r, &it)
		var fe *FieldError
		if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &fe) {
			t.Errorf("%s: error %v, want %q", q, err, want)
		}
	}
}

func TestValidationErrorUnwraps(t *testing.T) {
	r, _ := http.NewRequest("GET", "/", nil)
	var it item
	err := Query.Bind(r, &it)
	var ve validator.ValidationErrors
	if !errors.As(err, &ve) || ve[0].Field() != "Name" {
		t.Fatalf("err %v", err)
	}
}

func TestJSONErrorPosition(t *testing.T) {
	var it item
	err := JSON.BindBody([]byte("{\n\"name\": \"a\",\n\"count\": x}"), &it)
	if err == nil || !strings.Contains(err.Error(), "JSON 3:10") {
		t.Fatalf("err %v", err)
	}
}

func TestDefaultBinding(t *testing.T) {
	cases := []struct {
		m, ct string
		want  Binding
	}{
		{"GET", "application/json", Form},
		{"POST", "application/json; charset=utf-8", JSON},
		{"POST", "text/xml", XML},
		{"PUT", "multipart/form-data; boundary=x", FormMultipart},
		{"POST", "application/x-www-form-urlencoded", Form},
	}
	for _, c := range cases {
		if got := Default(c.m, c.ct); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.m, c.ct, got.Name(), c.want.Name())
		}
	}
}

func FuzzJSONBind(f *testing.F) {
	for _, s := range []string{`{"name":"a"}`, `{"name":1}`, "", "{", `{"name":"a","count":999}`, "[]", "null"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var it item
		err := JSON.BindBody(b, &it)
		if err == nil && it.Name == "" {
			t.Fatalf("%q bound without the required name", b)
		}
	})
}

func FuzzFormBind(f *testing.F) {
	for _, s := range []string{"name=a&count=3", "count=-1", "when=2024-01-01&tag=x", "%zz", "ptr=&ok="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		var it item
		err = bindValues(&it, "form", lookup(vals), nil)
		if err == nil && it.Name == "" {
			t.Fatalf("%q bound without the required name", q)
		}
	})
}
