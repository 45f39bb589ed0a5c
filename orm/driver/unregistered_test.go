// Package driver_test checks, in a binary that imports no database driver but
// SQLite, that orm.Open names the package to import for the others.
package driver_test

import (
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
)

func TestOpenNamesTheDriverImport(t *testing.T) {
	for driver, pkg := range map[string]string{
		"pgx":   "github.com/gee-project/gee/orm/driver/postgres",
		"mysql": "github.com/gee-project/gee/orm/driver/mysql",
	} {
		_, err := orm.Open(driver, "unused")
		if err == nil || !strings.Contains(err.Error(), pkg) {
			t.Errorf("Open(%q) error = %v; want it to name %s", driver, err, pkg)
		}
	}
	if _, err := orm.Open("nosuch", "x"); err == nil || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("Open(nosuch) error = %v; want it to name the driver", err)
	}
}
