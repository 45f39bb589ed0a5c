package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/gee-project/gee/web/binding"
)

type signup struct {
	Name  string `json:"name" xml:"name" form:"name" binding:"required"`
	Age   int    `json:"age" xml:"age" form:"age" binding:"gte=0,lte=150"`
	Email string `json:"email" xml:"email" form:"email" binding:"omitempty,email"`
}

func TestBindJSONTwice(t *testing.T) {
	e := New()
	e.POST("/signup", func(c *Context) {
		var a, b signup
		if err := c.ShouldBindJSON(&a); err != nil {
			t.Errorf("first bind: %v", err)
		}
		var m map[string]any
		if err := c.ShouldBindJSON(&m); err != nil {
			t.Errorf("second bind (EOF bug): %v", err)
		}
		if err := c.ShouldBind(&b); err != nil {
			t.Errorf("third bind: %v", err)
		}
		raw, _ := c.GetRawData()
		c.JSON(200, H{"a": a.Name, "b": b.Age, "m": m["email"], "raw": len(raw)})
	})
	body := `{"name":"ann","age":30,"email":"a@b.co"}`
	w := do(t, e, "POST", "/signup", strings.NewReader(body), "Content-Type", "application/json")
	expect(t, w, 200, `{"a":"ann","b":30,"m":"a@b.co","raw":40}`)
}

func TestBindErrors(t *testing.T) {
	e := New()
	e.POST("/signup", func(c *Context) {
		var s signup
		if c.Bind(&s) != nil {
			return
		}
		c.String(200, "ok")
	})
	cases := []struct{ ct, body, want string }{
		{"application/json", "{\n  \"name\": \"x\",\n  \"age\": }", "JSON 3:10"},
		{"application/json", `{"name":"x","age":"old"}`, `field \"age\"`},
		{"application/json", `{"age":3}`, `field \"name\" failed \"required\"`},
		{"application/json", `{"name":"x","age":200}`, `lte=150`},
		{"application/json", ``, "empty body"},
		{"application/x-www-form-urlencoded", "name=x&age=abc", `form \"age\": invalid value \"abc\"`},
		{"application/xml", "<signup><name>x</name><age>", "XML"},
	}
	for _, c := range cases {
		w := do(t, e, "POST", "/signup", strings.NewReader(c.body), "Content-Type", c.ct)
		expect(t, w, 400, c.want)
	}
	expect(t, do(t, e, "POST", "/signup", strings.NewReader(`<signup><name>x</name><age>3</age></signup>`), "Content-Type", "application/xml"), 200, "ok")
}

func TestBindFormQueryURIHeader(t *testing.T) {
	type params struct {
		ID    int      `uri:"id" binding:"required,gt=0"`
		Tags  []string `form:"tag"`
		Page  int      `form:"page,default=1"`
		Token string   `header:"X-Token" binding:"required"`
	}
	e := New()
	e.GET("/items/:id", func(c *Context) {
		var p params
		for _, err := range []error{c.ShouldBindUri(&p), c.ShouldBindQuery(&p)} {
			if err != nil && !strings.Contains(err.Error(), "Token") {
				c.String(400, "%v", err)
				return
			}
		}
		if err := c.ShouldBindHeader(&p); err != nil {
			c.String(400, "%v", err)
			return
		}
		c.JSON(200, p)
	})
	w := do(t, e, "GET", "/items/7?tag=a&tag=b", nil, "X-Token", "t0k")
	expect(t, w, 200, `{"ID":7,"Tags":["a","b"],"Page":1,"Token":"t0k"}`)
	expect(t, do(t, e, "GET", "/items/x", nil, "X-Token", "t"), 400, `uri "id"`)
	expect(t, do(t, e, "GET", "/items/-3", nil, "X-Token", "t"), 400, `failed "gt=0"`)
}

func TestMultipartFormFile(t *testing.T) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("name", "ann")
	_ = mw.WriteField("age", "5")
	fw, _ := mw.CreateFormFile("avatar", "me.png")
	_, _ = fw.Write([]byte("PNGDATA"))
	mw.Close()
	e := New()
	e.POST("/up", func(c *Context) {
		type form struct {
			signup
			Avatar *multipart.FileHeader `form:"avatar" binding:"required"`
		}
		var f form
		if err := c.ShouldBind(&f); err != nil {
			c.String(400, "%v", err)
			return
		}
		fh, err := c.FormFile("avatar")
		if err != nil {
			c.String(400, "%v", err)
			return
		}
		c.String(200, "%s %d %s %d %s", f.Name, f.Age, fh.Filename, fh.Size, c.PostForm("name"))
	})
	w := do(t, e, "POST", "/up", &buf, "Content-Type", mw.FormDataContentType())
	expect(t, w, 200, "ann 5 me.png 7 ann")
}

func TestPostFormThenBind(t *testing.T) {
	e := New()
	e.POST("/f", func(c *Context) {
		name := c.PostForm("name")
		var s signup
		err := c.ShouldBind(&s)
		c.String(200, "%s %s %v %s", name, s.Name, err, c.DefaultPostForm("missing", "dflt"))
	})
	w := do(t, e, "POST", "/f", strings.NewReader("name=bo&age=2"), "Content-Type", "application/x-www-form-urlencoded")
	expect(t, w, 200, "bo bo <nil> dflt")
}

func TestBodyLimitGives413(t *testing.T) {
	e := New()
	e.POST("/j", func(c *Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 10)
		var m map[string]any
		if err := c.BindJSON(&m); err != nil {
			var mb *http.MaxBytesError
			if !errors.As(err, &mb) {
				t.Errorf("error %v does not wrap MaxBytesError", err)
			}
			return
		}
		c.String(200, "ok")
	})
	expect(t, do(t, e, "POST", "/j", strings.NewReader(`{"a":"0123456789"}`)), 413, "")
}

func TestBindNonPointer(t *testing.T) {
	var s signup
	err := binding.URI(map[string][]string{"name": {"x"}}, s)
	if err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Fatalf("err %v", err)
	}
}
