package feedtest

import (
	"context"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// ContextFor is a context that ends after d or with the spec.
func ContextFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	ginkgo.DeferCleanup(cancel)
	return ctx
}
