package feedtest

import "sync"

// Collector keeps the messages a subscription's handler receives, in
// order. Its zero value is empty and ready; it is safe for concurrent use.
type Collector[M any] struct {
	mu   sync.Mutex
	msgs []M
}

// Handle keeps m: pass it as the handler.
func (c *Collector[M]) Handle(m M) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}

// Messages are copies of the messages received so far.
func (c *Collector[M]) Messages() []M {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]M(nil), c.msgs...)
}

// Texts are the messages received so far, each as text.
func (c *Collector[M]) Texts(text func(M) string) []string {
	msgs := c.Messages()
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = text(m)
	}
	return out
}
