package orm_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type company struct {
	ID   int64
	Name string
}

type customer struct {
	ID        int64
	Name      string
	CompanyID *int64
	Company   *company    // belongs-to (CompanyID)
	Passport  passport    // has-one (passport.CustomerID)
	Purchases []purchase  // has-many (purchase.CustomerID)
	Tags      []*tag      `orm:"many2many:customer_tag"`
	Big       []*purchase `orm:"foreignKey:CustomerID"`
}

type passport struct {
	ID         int64
	CustomerID int64
	Number     string
}

type purchase struct {
	ID         int64
	CustomerID int64
	Amount     int
	Buyer      *customer  `orm:"foreignKey:CustomerID"` // belongs-to through a named key
	Items      []lineItem `orm:"foreignKey:PurchaseID"`
}

type lineItem struct {
	ID         int64
	PurchaseID int64
	Sku        string
	DeletedAt  *time.Time `orm:"softDelete"`
}

type tag struct {
	ID   int64
	Name string
}

// customerTag is the many-to-many join table, declared as a model.
type customerTag struct {
	CustomerID int64 `orm:"primaryKey"`
	TagID      int64 `orm:"primaryKey"`
}

var assocModels = []any{&company{}, &customer{}, &passport{}, &purchase{}, &lineItem{}, &tag{}, &customerTag{}}

// counter counts statements through a Debug logger.
type stmtLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *stmtLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *stmtLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.TrimSpace(l.buf.String())
	l.buf.Reset()
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func logged(e *orm.Engine) (*orm.Engine, *stmtLog) {
	l := &stmtLog{}
	return orm.New(e.DB(), e.Dialect(), orm.WithLogger(slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug})))), l
}

// seedAssoc makes 3 customers: c1 (company, passport, 2 purchases with 2+1
// items one deleted, tags a b), c2 (no company, 1 purchase, no items, tag
// b), c3 (nothing).
func seedAssoc(t *testing.T, s *orm.Session) []customer {
	t.Helper()
	co := company{Name: "acme"}
	_, err := s.Insert(&co)
	must(t, err)
	cs := []customer{{Name: "c1", CompanyID: &co.ID}, {Name: "c2"}, {Name: "c3"}}
	_, err = s.Insert(&cs)
	must(t, err)
	_, err = s.Insert(&passport{CustomerID: cs[0].ID, Number: "P1"})
	must(t, err)
	ps := []purchase{{CustomerID: cs[0].ID, Amount: 10}, {CustomerID: cs[0].ID, Amount: 20}, {CustomerID: cs[1].ID, Amount: 30}}
	_, err = s.Insert(&ps)
	must(t, err)
	now := time.Now()
	_, err = s.Insert([]lineItem{{PurchaseID: ps[0].ID, Sku: "a"}, {PurchaseID: ps[0].ID, Sku: "b"},
		{PurchaseID: ps[1].ID, Sku: "c"}, {PurchaseID: ps[1].ID, Sku: "gone", DeletedAt: &now}})
	must(t, err)
	tags := []tag{{Name: "a"}, {Name: "b"}}
	_, err = s.Insert(&tags)
	must(t, err)
	_, err = s.Insert([]customerTag{{cs[0].ID, tags[0].ID}, {cs[0].ID, tags[1].ID}, {cs[1].ID, tags[1].ID}})
	must(t, err)
	return cs
}

func TestPreloadEveryKind(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		seedAssoc(t, e.NewSession(ctx))
		le, log := logged(e)
		var got []customer
		must(t, le.NewSession(ctx).OrderBy("id").
			Preload("Company").Preload("Passport").Preload("Purchases.Items").Preload("Tags").Find(&got))
		if n := len(log.take()); n != 6 { // customers, company, passport, purchases, items, tags
			t.Fatalf("%d statements, want 6 (one per association level)", n)
		}
		if len(got) != 3 {
			t.Fatalf("%d customers", len(got))
		}
		c1, c2, c3 := got[0], got[1], got[2]
		if c1.Company == nil || c1.Company.Name != "acme" || c2.Company != nil {
			t.Fatalf("belongs-to: %+v / %+v", c1.Company, c2.Company)
		}
		if c1.Passport.Number != "P1" || c2.Passport.ID != 0 {
			t.Fatalf("has-one: %+v / %+v", c1.Passport, c2.Passport)
		}
		if len(c1.Purchases) != 2 || c1.Purchases[0].Amount != 10 || c1.Purchases[1].Amount != 20 ||
			len(c2.Purchases) != 1 || len(c3.Purchases) != 0 {
			t.Fatalf("has-many: %+v / %+v / %+v", c1.Purchases, c2.Purchases, c3.Purchases)
		}
		if it := c1.Purchases[0].Items; len(it) != 2 || it[0].Sku != "a" || it[1].Sku != "b" {
			t.Fatalf("nested: %+v", it)
		}
		if it := c1.Purchases[1].Items; len(it) != 1 || it[0].Sku != "c" {
			t.Fatalf("nested skips soft-deleted rows: %+v", it)
		}
		if len(c1.Tags) != 2 || c1.Tags[0].Name != "a" || c1.Tags[1].Name != "b" ||
			len(c2.Tags) != 1 || c2.Tags[0].Name != "b" || len(c3.Tags) != 0 {
			t.Fatalf("many-to-many: %v %v %v", c1.Tags, c2.Tags, c3.Tags)
		}
	}, assocModels...)
}

func TestPreloadConditionAndSingleRow(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		cs := seedAssoc(t, e.NewSession(ctx))
		s := e.NewSession(ctx)
		var c customer
		must(t, s.Preload("Purchases", "amount > ?", 15).Preload("Big", "amount >= ?", 20).Get(&c, cs[0].ID))
		if len(c.Purchases) != 1 || c.Purchases[0].Amount != 20 || len(c.Big) != 1 || c.Big[0].Amount != 20 {
			t.Fatalf("conditional preload: %+v %+v", c.Purchases, c.Big)
		}
		var p purchase
		must(t, s.Where("amount = ?", 30).Preload("Buyer.Tags").First(&p))
		if p.Buyer == nil || p.Buyer.Name != "c2" || len(p.Buyer.Tags) != 1 {
			t.Fatalf("belongs-to + nested many-to-many: %+v", p.Buyer)
		}
		// many purchases of one buyer share one loaded customer
		var ps []*purchase
		must(t, s.OrderBy("id").Preload("Buyer").Find(&ps))
		if ps[0].Buyer == nil || ps[0].Buyer != ps[1].Buyer || ps[2].Buyer.Name != "c2" {
			t.Fatalf("belongs-to through pointers: %+v %+v", ps[0].Buyer, ps[1].Buyer)
		}
		// Unscoped loads soft-deleted related rows too
		var all []purchase
		must(t, s.Unscoped().OrderBy("id").Preload("Items").Find(&all))
		if len(all[1].Items) != 2 {
			t.Fatalf("Unscoped preload: %+v", all[1].Items)
		}
		// a chain is cleared: the next Find preloads nothing
		var plain []customer
		must(t, s.Find(&plain))
		for _, c := range plain {
			if c.Purchases != nil || c.Company != nil {
				t.Fatalf("preload leaked into the next statement: %+v", c)
			}
		}
	}, assocModels...)
}

func TestPreloadErrorsNameTheField(t *testing.T) {
	type orphan struct {
		ID     int64
		Things []tag
	}
	e := targets(t)[0].engine
	s := e.NewSession(context.Background())
	fresh(t, e, &orphan{})
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"unknown": {s.Preload("Nope").Find(&[]customer{}), "Nope"},
		"no fk":   {s.Preload("Things").Find(&[]orphan{}), "OrphanID"},
		"empty":   {s.Preload("Purchases.").Find(&[]customer{}), "empty association"},
		"cond":    {s.Preload("Purchases", 3).Find(&[]customer{}), "condition"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", name, c.err, c.want)
		}
	}
}

func TestDeleteDoesNotCascade(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		s := e.NewSession(ctx)
		cs := seedAssoc(t, s)
		var c customer
		must(t, s.Preload("Purchases").Get(&c, cs[0].ID))
		_, err := s.Delete(&c)
		must(t, err)
		n, err := s.Model(&purchase{}).Where("customer_id = ?", cs[0].ID).Count()
		must(t, err)
		if n != 2 {
			t.Fatalf("deleting a customer removed its purchases: %d left", n)
		}
	}, assocModels...)
}
