package orm_test

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/orm"
)

// User is the README example's model.
type User struct {
	ID   int64  `orm:"primaryKey;autoIncrement"`
	Name string `orm:"size:100;notNull"`
	Age  int    `orm:"index"`
}

// Example is the README's ORM snippet on embedded SQLite (in memory here).
func Example() {
	ctx := context.Background()
	e, err := orm.Open("sqlite", ":memory:") // or orm.Open("postgres", dsn) after importing orm/driver/postgres
	if err != nil {
		panic(err)
	}
	defer e.Close()
	if err := e.Migrate(ctx, &User{}); err != nil {
		panic(err)
	}
	s := e.NewSession(ctx)
	if _, err := s.Insert([]User{{Name: "ada", Age: 36}, {Name: "tom", Age: 17}, {Name: "bob", Age: 52}}); err != nil {
		panic(err)
	}
	var adults []User
	err = e.NewSession(ctx).Where("age > ?", 18).OrderBy("name").Find(&adults)
	fmt.Println(adults, err)
	// Output:
	// [{1 ada 36} {3 bob 52}] <nil>
}
