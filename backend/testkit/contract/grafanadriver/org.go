package grafanadriver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// orgCache holds the current org of the driver's user, which prefixes the
// Centrifuge channel of every Live subscription. Grafana does not change a
// user's current org under a running driver, so it is asked for once; a
// failed ask is not remembered, so the next call tries again.
type orgCache struct {
	// lock is a one-slot semaphore rather than a mutex so that a caller
	// waiting for another's ask can give up when its context ends.
	lock chan struct{}
	id   int64
}

func newOrgCache() orgCache { return orgCache{lock: make(chan struct{}, 1)} }

// orgID is the current org of the driver's user, from GET /api/user.
func (d *Driver) orgID(ctx context.Context) (int64, error) {
	select {
	case d.org.lock <- struct{}{}:
	case <-ctx.Done():
		return 0, fmt.Errorf("finding the current org: %w", ctx.Err())
	}
	defer func() { <-d.org.lock }()
	if d.org.id != 0 {
		return d.org.id, nil
	}
	a, err := d.call(ctx, http.MethodGet, "/api/user", nil)
	if err != nil {
		return 0, err
	}
	if a.status != http.StatusOK {
		return 0, a.apiError()
	}
	var user struct {
		OrgID int64 `json:"orgId"`
	}
	if err := json.Unmarshal(a.body, &user); err != nil {
		return 0, a.errorf("reading the user: %w", err)
	}
	if user.OrgID <= 0 {
		return 0, a.errorf("the user has no current org (orgId %d)", user.OrgID)
	}
	d.org.id = user.OrgID
	return user.OrgID, nil
}
