package orm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
)

// customerPurchase is a join row: each model field receives its columns.
type customerPurchase struct {
	Customer customer
	Purchase purchase `orm:"alias:p"`
}

type spend struct {
	Name  string
	Total int64
	N     int64
}

func TestJoinDistinctCount(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		seedAssoc(t, s)
		j := "JOIN purchase ON purchase.customer_id = customer.id"
		var all, distinct []customer
		must(t, s.Join(j).Where("purchase.amount > ?", 5).OrderBy("id").Find(&all))
		must(t, s.Join(j).Where("purchase.amount > ?", 5).Distinct().OrderBy("id").Find(&distinct))
		if len(all) != 3 || len(distinct) != 2 || distinct[0].Name != "c1" || distinct[1].Name != "c2" {
			t.Fatalf("join: %d rows, distinct %v", len(all), distinct)
		}
		n, err := s.Model(&customer{}).Join(j).Distinct().Count()
		must(t, err)
		if n != 2 {
			t.Fatalf("distinct count over a join = %d, want 2", n)
		}
		n, err = s.Model(&customer{}).Join(j).Count()
		must(t, err)
		if n != 3 {
			t.Fatalf("count over a join = %d, want 3", n)
		}
		n, err = s.Model(&purchase{}).Group("customer_id").Count()
		must(t, err)
		if n != 2 {
			t.Fatalf("count of groups = %d, want 2", n)
		}
		var names []string
		must(t, s.Model(&customer{}).Join(j).Where("purchase.amount >= ?", 20).OrderBy("name").Pluck("name", true, &names))
		if strings.Join(names, ",") != "c1,c2" {
			t.Fatalf("Pluck over a join: %v", names)
		}
		ok, err := s.Model(&customer{}).Join(j).Where("purchase.amount > ?", 100).Exists()
		must(t, err)
		if ok {
			t.Fatal("Exists over a join found a row")
		}
	}, assocModels...)
}

func TestGroupHavingSelectExprScan(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		seedAssoc(t, s)
		q := func() *orm.Session {
			return s.Model(&customer{}).Join("JOIN purchase p ON p.customer_id = customer.id").
				SelectExpr("customer.name AS name, SUM(p.amount) AS total, COUNT(*) AS n").Group("customer.name")
		}
		var rows []spend
		must(t, q().OrderExpr("name").Scan(&rows))
		if len(rows) != 2 || rows[0] != (spend{"c1", 30, 2}) || rows[1] != (spend{"c2", 30, 1}) {
			t.Fatalf("group: %+v", rows)
		}
		must(t, q().Having("COUNT(*) > ?", 1).Scan(&rows))
		if len(rows) != 1 || rows[0].Name != "c1" {
			t.Fatalf("having: %+v", rows)
		}
		var one spend
		must(t, q().Having("SUM(p.amount) > ?", 100).OrderExpr("name").Scan(&rows))
		if len(rows) != 0 {
			t.Fatalf("having filters every group: %+v", rows)
		}
		if err := q().Having("SUM(p.amount) > ?", 100).Scan(&one); !errors.Is(err, orm.ErrNotFound) {
			t.Fatalf("Scan into a struct with no row: %v", err)
		}
		var totals []int64
		must(t, s.Model(&purchase{}).SelectExpr("amount * ?", 2).OrderBy("id").Scan(&totals))
		if len(totals) != 3 || totals[2] != 60 {
			t.Fatalf("scalar Scan: %v", totals)
		}
		// an unmapped result column is an error naming it, unless allowed
		err := q().SelectExpr("MAX(p.id) AS latest").Scan(&rows)
		if err == nil || !strings.Contains(err.Error(), `"latest"`) {
			t.Fatalf("unknown column: %v", err)
		}
		must(t, q().SelectExpr("MAX(p.id) AS latest").AllowUnknownColumns().OrderExpr("name").Scan(&rows))
		if len(rows) != 2 || rows[0].Total != 30 {
			t.Fatalf("with an extra column: %+v", rows)
		}
		var rr []spend
		must(t, s.Raw("SELECT name, 1 AS extra FROM customer ORDER BY id").AllowUnknownColumns().Find(&rr))
		if len(rr) != 3 || rr[0].Name != "c1" {
			t.Fatalf("Raw with an extra column: %+v", rr)
		}
	}, assocModels...)
}

func TestScanJoinRows(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		seedAssoc(t, s)
		var rows []customerPurchase
		must(t, s.Model(&customer{}).Join("JOIN purchase p ON p.customer_id = customer.id").
			Where("p.amount < ?", 25).OrderExpr("p.id").Scan(&rows))
		if len(rows) != 2 {
			t.Fatalf("%d join rows", len(rows))
		}
		for i, want := range []struct {
			name   string
			amount int
		}{{"c1", 10}, {"c1", 20}} {
			r := rows[i]
			if r.Customer.Name != want.name || r.Purchase.Amount != want.amount || r.Purchase.CustomerID != r.Customer.ID || r.Customer.ID == 0 {
				t.Fatalf("row %d: %+v", i, r)
			}
		}
		var bad []struct{ C *customer }
		if err := s.Model(&customer{}).Scan(&bad); err == nil || !strings.Contains(err.Error(), "field C") {
			t.Fatalf("pointer join field: %v", err)
		}
		if err := s.Scan(&rows); err == nil {
			t.Fatal("Scan without Model ran")
		}
	}, assocModels...)
}
